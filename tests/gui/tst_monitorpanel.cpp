#include "deployment/deployment.h"
#include "eventtimeline.h"
#include "keybrowser.h"
#include "mainwindow.h"
#include "monitorpanel.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/sentinelwatcher.h"
#include "topologyview.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStatusBar>
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
