#include "deployment/deployment.h"
#include "deploymentpanel.h"
#include "deploymentview.h"
#include "eventtimeline.h"
#include "keybrowser.h"
#include "mainwindow.h"
#include "monitorpanel.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/failovertracker.h"
#include "sentinel/sentinelwatcher.h"
#include "topologyview.h"

#include <QAction>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScrollArea>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

// Failover monitoring against a real sandbox: the diagram follows a failover, shows killed nodes, the timeline holds
// the failover with its phases, filters and exports, and read-only mode disables the actions.
class TestMonitorPanel final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;

    SentinelTarget target(bool readOnly = false) const
    {
        SentinelTarget t = m_sandbox->target();
        t.readOnly = readOnly;
        return t;
    }

    static bool anyStartsWith(const QStringList &texts, const QString &prefix)
    {
        for (const QString &t : texts)
            if (t.startsWith(prefix))
                return true;
        return false;
    }

    static QString lineFor(const QStringList &texts, const QString &prefix)
    {
        for (const QString &t : texts)
            if (t.startsWith(prefix))
                return t;
        return {};
    }

    void settle() { QVERIFY(SandboxFixture::settle(*m_sandbox)); }

    // Every alarm the diagram showed, as it changed: after each snapshot, switch and sentinel link change (the
    // view's own slots run first: they were connected when the panel was made).
    static void recordAlarms(MainWindow &window, QObject *context, QStringList *alarms)
    {
        TopologyView *view = window.monitor()->topology();
        SentinelWatcher *watcher = window.browser()->deployment()->watcher();
        const auto record = [view, alarms] {
            for (const QString &alarm : view->alarms())
                alarms->append(alarm);
        };
        connect(watcher, &SentinelWatcher::snapshotUpdated, context, record);
        connect(watcher, &SentinelWatcher::masterSwitched, context, record);
        connect(watcher, &SentinelWatcher::sentinelSubscribed, context, record);
        connect(watcher, &SentinelWatcher::sentinelLost, context, record);
    }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = 200;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void showsTheTopology()
    {
        MainWindow window;
        window.show();
        // No deployment yet: a page that says so, and no topology to show.
        QCOMPARE(window.deploymentCount(), 0);
        QVERIFY(window.welcomeText().startsWith(QStringLiteral("Not connected")));
        QVERIFY(!window.monitor());
        window.setTarget(target());
        TopologyView *view = window.monitor()->topology();
        const QString master = QStringLiteral("master 127.0.0.1:%1 · ✓ up").arg(m_sandbox->currentMasterPort());
        QTRY_VERIFY_WITH_TIMEOUT(anyStartsWith(view->nodeTexts(), master), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeTexts().filter(QStringLiteral("· ✓ reachable")).size(), 3, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeTexts().filter(QStringLiteral("· ✓ link up")).size(), 2, 10000);
        QVERIFY(view->quorumText().startsWith(QStringLiteral("Quorum 2 of 3 sentinels · CKQUORUM: OK")));
        QVERIFY(window.monitor()->failoverAction()->isEnabled());
    }

    // The first second after a launch: sentinels that have not answered yet are "connecting…", never red, while the
    // status bar counts them; then all three answer.
    void noAlarmWhileConnecting()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        TopologyView *view = window.monitor()->topology();
        QObject context;
        QStringList alarms;
        recordAlarms(window, &context, &alarms);
        SentinelWatcher *watcher = window.browser()->deployment()->watcher();
        // The Deployment tab and its status bar line tell the same story: connecting to the master, not failing.
        DeploymentPanel *panel = window.currentView()->panel();
        connect(panel, &DeploymentPanel::statusChanged, &context, [&](const QString &status) {
            if (status.contains(QStringLiteral("not connected"))
                || panel->headline().startsWith(QStringLiteral("Cannot")))
                alarms.append(status + QStringLiteral(" · ") + panel->headline());
        });
        QTRY_VERIFY_WITH_TIMEOUT(watcher->lastSnapshot().isValid(), 10000);
        QElapsedTimer sinceFirst;
        sinceFirst.start();
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeTexts().filter(QStringLiteral("· ✓ reachable · names the master")).size(),
                                  3, 10000);
        // The ones the first poll could not ask were asked as soon as they could be, not a whole interval later.
        QVERIFY2(sinceFirst.elapsed() < watcher->pollInterval(), qPrintable(QString::number(sinceFirst.elapsed())));
        QVERIFY2(alarms.isEmpty(), qPrintable(alarms.join(QLatin1Char('\n'))));
        QVERIFY(view->alarms().isEmpty());
        QVERIFY(view->accessibleDescription().contains(QStringLiteral("No alarms.")));
    }

    // A failover asked for: from the request until both replicas are linked to the new master again, the diagram
    // raises no alarm. Replicas Sentinel reconfigures are "re-syncing", and sentinels naming another master than the
    // polled one "say" it "(failover under way)", in amber.
    void aFailoverRaisesNoAlarm()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        MonitorPanel *monitor = window.monitor();
        TopologyView *view = monitor->topology();
        SentinelWatcher *watcher = window.browser()->deployment()->watcher();
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeTexts().filter(QStringLiteral("· ✓ link up")).size(), 2, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(watcher->subscribedSentinels().size(), 3, 10000);
        const quint16 before = m_sandbox->currentMasterPort();

        // Sentinel reports a replica "slave,disconnected" for about a second after the switch: poll often enough to
        // see every state the diagram goes through, not one every two seconds.
        watcher->setPollInterval(100);
        QObject context;
        QStringList alarms;
        QStringList settling;
        recordAlarms(window, &context, &alarms);
        connect(watcher, &SentinelWatcher::snapshotUpdated, &context, [&] {
            for (const QString &text : view->nodeTexts())
                if (text.contains(QStringLiteral("⟳")))
                    settling.append(text);
        });
        QSignalSpy switched(watcher, &SentinelWatcher::masterSwitched);
        monitor->setConfirmActions(false);
        monitor->failoverAction()->trigger();
        QVERIFY(switched.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(
            anyStartsWith(view->nodeTexts(), QStringLiteral("replica 127.0.0.1:%1 · ✓ link up").arg(before)), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeTexts().filter(QStringLiteral("· ✓ link up")).size(), 2, 30000);
        QVERIFY2(alarms.isEmpty(), qPrintable(alarms.join(QLatin1Char('\n'))));
        qInfo("shown while settling: %s", qPrintable(settling.join(QStringLiteral("; "))));
        settle();
    }

    // At 1024×700 the Topology tab shows every node's whole address and at least six event rows.
    void usableAt1024x700()
    {
        // Shown at its own size first, then made smaller, as a window manager does on a small screen.
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setTarget(target());
        window.resize(1024, 700);
        QTRY_COMPARE(window.size(), QSize(1024, 700));
        // Three failovers in the timeline already.
        FailoverTracker tracker("vigil");
        connect(&tracker, &FailoverTracker::failoverStarted, window.monitor()->timeline(), &EventTimeline::setRecord);
        connect(&tracker, &FailoverTracker::failoverFinished, window.monitor()->timeline(), &EventTimeline::setRecord);
        const HostPort reporter(QStringLiteral("127.0.0.1"), m_sandbox->sentinelPorts().first());
        for (const QByteArray &from : {QByteArray("6379"), QByteArray("6380"), QByteArray("6381")}) {
            const QByteArray master = "master vigil 127.0.0.1 " + from;
            for (const char *name : {"+try-failover", "+elected-leader", "+failover-end"})
                tracker.handleEvent(SentinelEvent::parse(name, master, reporter));
            tracker.handleEvent(
                SentinelEvent::parse("+switch-master", "vigil 127.0.0.1 " + from + " 127.0.0.1 7000", reporter));
        }
        QCOMPARE(window.monitor()->timeline()->chart()->records().size(), 3);
        TopologyView *view = window.monitor()->topology();
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeTexts().size(), 6, 10000);
        QFont bold = view->font();
        bold.setBold(true);
        const QFontMetrics fm(bold);
        QList<quint16> ports = m_sandbox->dataPorts();
        ports.append(m_sandbox->sentinelPorts());
        for (quint16 port : std::as_const(ports)) {
            const HostPort node(QStringLiteral("127.0.0.1"), port);
            const QRect box = view->nodeRect(node);
            QVERIFY2(box.isValid() && view->rect().contains(box), qPrintable(node.toString()));
            QVERIFY2(fm.horizontalAdvance(node.toString()) <= box.width() - 15,
                     qPrintable(QStringLiteral("%1 in a box %2 px wide").arg(node.toString()).arg(box.width())));
        }
        EventTimeline *timeline = window.monitor()->timeline();
        QTableView *table = timeline->table();
        const int rowHeight = table->verticalHeader()->defaultSectionSize();
        QVERIFY2(table->viewport()->height() >= 6 * rowHeight,
                 qPrintable(QStringLiteral("%1 px for rows of %2 px").arg(table->viewport()->height()).arg(rowHeight)));
        // The failover area shows the newest record whole.
        QVERIFY2(timeline->chartArea()->viewport()->height() >= timeline->chart()->recordRect(3).bottom(),
                 qPrintable(QStringLiteral("%1 px for a record of %2 px")
                                .arg(timeline->chartArea()->viewport()->height())
                                .arg(timeline->chart()->recordRect(3).height())));
    }

    void followsAFailover()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        MonitorPanel *monitor = window.monitor();
        TopologyView *view = monitor->topology();
        const quint16 before = m_sandbox->currentMasterPort();
        QTRY_VERIFY_WITH_TIMEOUT(anyStartsWith(view->nodeTexts(), QStringLiteral("master 127.0.0.1:%1").arg(before)),
                                 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.browser()->deployment()->watcher()->subscribedSentinels().size(), 3, 10000);

        // What the diagram showed at the moment the switch was announced (the panel hears it first: it connected
        // before this test did), before any poll that follows it.
        QStringList shownAtSwitch;
        const QMetaObject::Connection atSwitch
            = connect(window.browser()->deployment()->watcher(), &SentinelWatcher::masterSwitched, this,
                      [&] { shownAtSwitch = view->nodeTexts(); });
        QSignalSpy switched(window.browser()->deployment()->watcher(), &SentinelWatcher::masterSwitched);
        monitor->setConfirmActions(false);
        monitor->failoverAction()->trigger(); // the toolbar's "Failover now"
        QVERIFY(switched.wait(30000));
        disconnect(atSwitch);
        const quint16 after = switched.first().at(1).value<HostPort>().port;
        QVERIFY(after != before);
        QVERIFY2(anyStartsWith(shownAtSwitch, QStringLiteral("master 127.0.0.1:%1").arg(after)),
                 qPrintable(shownAtSwitch.join(QLatin1Char('\n'))));
        // Later the deposed master is shown as a replica of the new one.
        QTRY_VERIFY_WITH_TIMEOUT(anyStartsWith(view->nodeTexts(), QStringLiteral("replica 127.0.0.1:%1").arg(before)),
                                 30000);
        QVERIFY(window.statusBar()->currentMessage().startsWith(
            QStringLiteral("Master 'vigil' switched: 127.0.0.1:%1 → 127.0.0.1:%2").arg(before).arg(after)));

        // The timeline holds the failover, its phases in order.
        FailoverChart *chart = monitor->timeline()->chart();
        QTRY_VERIFY_WITH_TIMEOUT(!chart->records().isEmpty() && chart->records().first().isFinished(), 20000);
        const FailoverRecord rec = chart->records().first();
        QCOMPARE(rec.newMaster.port, after);
        QVERIFY(chart->recordTexts().first().contains(
            QStringLiteral("started > leader-elected > replica-selected > replica-promoted > replicas-reconfigured > "
                           "switch-master > ended")));

        // Filters: by kind, then by instance.
        EventTimeline *timeline = monitor->timeline();
        const int all = timeline->visibleEventCount();
        timeline->setKindFilter(EventTimeline::Kind::Failover);
        QVERIFY(timeline->visibleEventCount() < all);
        QVERIFY(timeline->visibleEventNames().contains(QStringLiteral("+switch-master")));
        QVERIFY(!timeline->visibleEventNames().contains(QStringLiteral("+slave")));
        timeline->setKindFilter(EventTimeline::Kind::All);
        timeline->setInstanceFilter(QStringLiteral("127.0.0.1:%1").arg(before));
        QVERIFY(timeline->visibleEventCount() > 0 && timeline->visibleEventCount() < all);

        // Export, both formats.
        QTemporaryDir dir;
        QString error;
        QVERIFY2(timeline->exportTo(dir.filePath(QStringLiteral("log.json")), &error), qPrintable(error));
        QFile json(dir.filePath(QStringLiteral("log.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(root.value(QStringLiteral("events")).toArray().size(), all);
        QCOMPARE(root.value(QStringLiteral("failovers")).toArray().size(), chart->records().size());
        QVERIFY(timeline->exportTo(dir.filePath(QStringLiteral("log.csv")), &error));
        QFile csv(dir.filePath(QStringLiteral("log.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), all + 1);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("log-failovers.csv"))));
        settle();
    }

    void killedNodesAreShown()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        TopologyView *view = window.monitor()->topology();
        // Sentinel refreshes a replica's link status every 10 s: after the previous failover this can take a while.
        QTRY_COMPARE_WITH_TIMEOUT(view->nodeTexts().filter(QStringLiteral("· ✓ link up")).size(), 2, 60000);
        QList<quint16> replicas = m_sandbox->dataPorts();
        replicas.removeAll(m_sandbox->currentMasterPort());
        QVERIFY(!m_sandbox->killNode(replicas.first()).isError());
        const QString replica = QStringLiteral("replica 127.0.0.1:%1 · ✗ down").arg(replicas.first());
        QTRY_VERIFY_WITH_TIMEOUT(anyStartsWith(view->nodeTexts(), replica), 15000);

        const quint16 sentinel = m_sandbox->sentinelPorts().last();
        QVERIFY(!m_sandbox->killNode(sentinel).isError());
        QTRY_VERIFY_WITH_TIMEOUT(
            anyStartsWith(view->nodeTexts(), QStringLiteral("sentinel 127.0.0.1:%1 · ✗ unreachable").arg(sentinel)),
            15000);
        QVERIFY(!lineFor(view->nodeTexts(), QStringLiteral("sentinel 127.0.0.1:%1").arg(sentinel)).isEmpty());
        // Once a poll has been through, the box says why, naming the node.
        QTRY_VERIFY_WITH_TIMEOUT(lineFor(view->nodeTexts(), QStringLiteral("sentinel 127.0.0.1:%1").arg(sentinel))
                                     .contains(QStringLiteral("✗ unreachable · sentinel 127.0.0.1:%1: ").arg(sentinel)),
                                 15000);
        QCOMPARE(view->stateOf(HostPort(QStringLiteral("127.0.0.1"), sentinel)), TopologyView::State::Fault);
        settle();
    }

    void readOnlyDisablesTheActions()
    {
        MainWindow window;
        window.setTarget(target(true));
        QVERIFY(!window.monitor()->failoverAction()->isEnabled());
        for (QAction *a : window.monitor()->sandboxActions())
            QVERIFY(!a->isEnabled());
        MainWindow writable;
        writable.setTarget(target(false));
        QVERIFY(writable.monitor()->failoverAction()->isEnabled());
    }
};

QTEST_MAIN(TestMonitorPanel)
#include "tst_monitorpanel.moc"
