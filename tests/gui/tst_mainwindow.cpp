#include "common/workerthread.h"
#include "deployment/deployment.h"
#include "deploymentpanel.h"
#include "deploymentview.h"
#include "keyactions.h"
#include "keybrowser.h"
#include "keydetails.h"
#include "keytreemodel.h"
#include "mainwindow.h"
#include "monitorpanel.h"
#include "resp/infoparser.h"
#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandboxcontroller.h"
#include "sandboxfixture.h"
#include "sentinel/sentinelwatcher.h"
#include "values/keyedit.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QLineEdit>
#include <QMenu>
#include <QScopeGuard>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

// The main window against real sandboxes: the deployment a tab shows, several deployments in tabs at once, each
// acting only on its own master, and tabs that close quickly even when their master hangs. Runs offscreen.
class TestMainWindow final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_a;
    std::unique_ptr<Sandbox> m_b;
    QTemporaryDir m_settingsDir;

    static SentinelTarget target(const Sandbox &sandbox, const QString &masterName = QStringLiteral("vigil"))
    {
        SentinelTarget t = sandbox.target();
        t.masterName = masterName;
        return t;
    }

    static RespValue on(const Sandbox &sandbox, const RespCommand &command)
    {
        return SandboxFixture::onMaster(sandbox, command);
    }

    // 3,000 keys: enough for a paced scan to be caught by a failover.
    static std::unique_ptr<Sandbox> startSandbox(const QString &masterName)
    {
        return SandboxFixture::start(3000, masterName);
    }

    // The deepest widget under `root` that asks for more than `limit` pixels of width, with its chain of parents: what
    // a window too wide for its screen should be asked about.
    static QString widest(QWidget *root, int limit)
    {
        QString found = QStringLiteral("nothing wider than %1").arg(limit);
        const std::function<void(QWidget *, const QString &)> walk = [&](QWidget *w, const QString &path) {
            const QString here = path + QStringLiteral(" > ") + QString::fromLatin1(w->metaObject()->className())
                                 + QLatin1Char('(') + w->objectName() + QLatin1Char(')');
            if (w->isVisibleTo(root) && w->minimumSizeHint().width() > limit)
                found = QStringLiteral("%1 needs %2").arg(here).arg(w->minimumSizeHint().width());
            for (QObject *child : w->children())
                if (auto *cw = qobject_cast<QWidget *>(child); cw && !cw->isWindow())
                    walk(cw, here);
        };
        walk(root, QString());
        return found;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The session this window remembers goes to a folder of the test's own, not the user's settings.
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        m_a = startSandbox(QStringLiteral("alpha"));
        QVERIFY(m_a);
        m_b = startSandbox(QStringLiteral("beta"));
        QVERIFY(m_b);
    }

    void cleanupTestCase()
    {
        m_a.reset();
        m_b.reset();
    }

    void init() { QSettings().clear(); }

    void showsTheConnectedMaster()
    {
        MainWindow window;
        window.show();
        QCOMPARE(window.deploymentCount(), 0);
        QVERIFY(window.welcomeText().startsWith(QStringLiteral("Not connected")));
        window.setTarget(target(*m_a, QStringLiteral("alpha")), 500);
        const QString master = QStringLiteral("127.0.0.1:%1").arg(m_a->currentMasterPort());
        QTRY_VERIFY_WITH_TIMEOUT(window.headline().contains(QStringLiteral("Connected to master ") + master), 10000);
        QCOMPARE(window.fieldText(QStringLiteral("Master")), master);
        QCOMPARE(window.fieldText(QStringLiteral("ROLE check")), QStringLiteral("master (ok)"));
        QTRY_COMPARE_WITH_TIMEOUT(window.fieldText(QStringLiteral("Replicas connected")), QStringLiteral("2"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(window.fieldText(QStringLiteral("Keys (DBSIZE)")),
                                  QLocale().toString(m_a->loadedKeyCount()), 5000);
        QCOMPARE(window.fieldText(QStringLiteral("Sentinels known")).count(QStringLiteral("127.0.0.1:")), 3);
        QCOMPARE(window.fieldText(QStringLiteral("Database")), QStringLiteral("0"));
        QCOMPARE(window.tabs()->tabText(0), QStringLiteral("alpha"));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("alpha @ 127.0.0.1:")));
    }

    void pollsReuseTheirConnections()
    {
        // The deployment facts refresh for as long as the window is open: that must not be a new connection each
        // time (operators watch total_connections_received and connection logs), and nothing but the watcher polls.
        RedisConnection master(m_a->dataOptions(m_a->currentMasterPort()));
        QVERIFY(!master.openBlocking().isError());
        const auto connectionsReceived = [&] {
            return InfoParser::field(master.execute({"INFO", "stats"}).value.toByteArray(),
                                     "total_connections_received")
                .toLongLong();
        };
        MainWindow window;
        window.show();
        DeploymentView *view = window.setTarget(target(*m_a, QStringLiteral("alpha")), 100);
        QTRY_VERIFY_WITH_TIMEOUT(window.headline().contains(QStringLiteral("Connected to master")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(view->browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.fieldText(QStringLiteral("Keys (DBSIZE)")) != QStringLiteral("–"), 15000);
        const qint64 before = connectionsReceived();
        const quint64 madeBefore = view->deployment()->connections()->made();
        const QString keys = window.fieldText(QStringLiteral("Keys (DBSIZE)"));
        QSignalSpy polls(view->deployment()->watcher(), &SentinelWatcher::snapshotUpdated);
        QVERIFY(master.execute({"SET", "probe:new-key", "1"}).ok());
        // The polls go on (DBSIZE follows the new key) ...
        QTRY_VERIFY_WITH_TIMEOUT(window.fieldText(QStringLiteral("Keys (DBSIZE)")) != keys, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(polls.size() >= 20, 60000);
        // ... over the connections they already had.
        const qint64 opened = connectionsReceived() - before;
        QVERIFY(master.execute({"DEL", "probe:new-key"}).ok());
        QVERIFY2(
            opened <= 1,
            qPrintable(QStringLiteral("%1 new connections to the master in %2 polls").arg(opened).arg(polls.size())));
        QCOMPARE(view->deployment()->connections()->made(), madeBefore);
    }

    void unknownMasterNameIsShown()
    {
        MainWindow window;
        window.show();
        window.setTarget(target(*m_a, QStringLiteral("no-such-master")), 500);
        QTRY_VERIFY_WITH_TIMEOUT(window.headline().contains(QStringLiteral("Cannot reach master 'no-such-master'")),
                                 10000);
        const QString detail = window.currentView()->panel()->detail();
        QVERIFY2(detail.contains(QStringLiteral("SENTINEL MASTER")) && detail.contains(QStringLiteral("No such master")),
                 qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("sentinel 127.0.0.1:")), qPrintable(detail));
        QVERIFY(window.tabs()->tabText(0).startsWith(QStringLiteral("✕ ")));
    }

    void twoDeploymentsInTwoTabs()
    {
        MainWindow window;
        window.show();
        DeploymentView *a = window.openDeployment(target(*m_a, QStringLiteral("alpha")), 300);
        DeploymentView *b = window.openDeployment(target(*m_b, QStringLiteral("beta")), 300);
        QCOMPARE(window.deploymentCount(), 2);
        QCOMPARE(window.currentView(), b);
        QCOMPARE(window.tabs()->tabText(0), QStringLiteral("alpha"));
        QCOMPARE(window.tabs()->tabText(1), QStringLiteral("beta"));
        // Two tabs on masters of the same name say which is which; closing one makes the other plain again.
        window.openDeployment(target(*m_a, QStringLiteral("alpha")), 300);
        const QString alphaAt = QStringLiteral("alpha @ %1").arg(m_a->target().seeds.first().toString());
        QCOMPARE(window.tabs()->tabText(0), alphaAt);
        QCOMPARE(window.tabs()->tabText(2), alphaAt);
        QCOMPARE(window.tabs()->tabText(1), QStringLiteral("beta"));
        window.closeDeployment(2);
        QCOMPARE(window.tabs()->tabText(0), QStringLiteral("alpha"));
        window.tabs()->setCurrentIndex(1);
        for (DeploymentView *view : {a, b}) {
            QTRY_VERIFY_WITH_TIMEOUT(view->browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
            QTRY_COMPARE_WITH_TIMEOUT(view->deployment()->watcher()->subscribedSentinels().size(), 3, 10000);
        }

        // Slow scans in both tabs; A fails over in the middle of its scan.
        a->browser()->setPace(600); // about 5 s for 3,000 keys
        b->browser()->setPace(600);
        a->browser()->startScan();
        b->browser()->startScan();
        QTRY_VERIFY_WITH_TIMEOUT(a->browser()->model()->keyCount() > 0, 10000);
        QSignalSpy switchedA(a->deployment()->watcher(), &SentinelWatcher::masterSwitched);
        QSignalSpy switchedB(b->deployment()->watcher(), &SentinelWatcher::masterSwitched);
        const quint16 oldA = m_a->currentMasterPort();
        const quint16 masterB = m_b->currentMasterPort();
        QVERIFY(!m_a->failover().isError());
        QVERIFY(switchedA.wait(15000));
        QTRY_VERIFY_WITH_TIMEOUT(a->browser()->isBannerShown(), 15000);
        QVERIFY2(a->browser()->bannerText().contains(QStringLiteral("Restarted from cursor 0")),
                 qPrintable(a->browser()->bannerText()));
        // Only A's tab heard of it: B's tree scans on, with no banner, and its master did not move.
        QTRY_VERIFY_WITH_TIMEOUT(b->browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
        QVERIFY(!b->browser()->isBannerShown());
        QCOMPARE(switchedB.size(), 0);
        QCOMPARE(m_b->currentMasterPort(), masterB);
        QVERIFY(m_a->currentMasterPort() != oldA);

        // An edit in each tab lands on that tab's master, and only there. (Right after A's failover its replicas may
        // still be re-syncing, so the edit may come with the "no replica has it yet" warning: keyChanged either way.)
        on(*m_a, {"HSET", "tabs:edit", "seed", "a"});
        on(*m_b, {"HSET", "tabs:edit", "seed", "b"});
        for (auto [view, who] : {std::pair{a, QByteArray("A")}, std::pair{b, QByteArray("B")}}) {
            QSignalSpy done(view->details()->actions(), &KeyActions::keyChanged);
            view->details()->actions()->run(KeyEdit::hashAdd("tabs:edit", "from", who));
            QVERIFY2(done.wait(10000), who.constData());
        }
        QCOMPARE(on(*m_a, {"HGETALL", "tabs:edit"}).size(), 4);
        QCOMPARE(on(*m_a, {"HGET", "tabs:edit", "from"}).toByteArray(), QByteArray("A"));
        QCOMPARE(on(*m_b, {"HGETALL", "tabs:edit"}).size(), 4);
        QCOMPARE(on(*m_b, {"HGET", "tabs:edit", "from"}).toByteArray(), QByteArray("B"));
        on(*m_a, {"DEL", "tabs:edit"});
        on(*m_b, {"DEL", "tabs:edit"});

        // Closing A's tab stops only A: B's deployment still answers and scans.
        window.closeDeployment(0);
        QCOMPARE(window.deploymentCount(), 1);
        QCOMPARE(window.currentView(), b);
        b->browser()->setPace(0);
        b->browser()->startScan();
        QTRY_VERIFY_WITH_TIMEOUT(b->browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        QVERIFY(SandboxFixture::settle(*m_a));
    }

    void aTabSwitchedToAnotherDeploymentWritesThere()
    {
        // The same tab, first on A, then on B: a delete must reach B. (It used to reach A: the key pane kept A's
        // master.)
        QVERIFY(on(*m_a, {"SET", "switch:victim", "a"}).isStatus());
        QVERIFY(on(*m_b, {"SET", "switch:victim", "b"}).isStatus());
        MainWindow window;
        window.show();
        DeploymentView *first = window.setTarget(target(*m_a, QStringLiteral("alpha")), 300);
        QTRY_VERIFY_WITH_TIMEOUT(first->deployment()->master().isValid(), 10000);
        DeploymentView *second = window.setTarget(target(*m_b, QStringLiteral("beta")), 300);
        QCOMPARE(window.deploymentCount(), 1);
        QCOMPARE(window.tabs()->tabText(0), QStringLiteral("beta"));
        QTRY_VERIFY_WITH_TIMEOUT(second->browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        QSignalSpy removed(second->details()->actions(), &KeyActions::keysRemoved);
        second->details()->actions()->run(KeyEdit::remove({"switch:victim"}));
        QVERIFY(removed.wait(10000));
        QCOMPARE(on(*m_b, {"EXISTS", "switch:victim"}).toInteger(), 0);
        QCOMPARE(on(*m_a, {"EXISTS", "switch:victim"}).toInteger(), 1);
        on(*m_a, {"DEL", "switch:victim"});
    }

    void sandboxDrillsBelongToTheSandboxTab()
    {
        // The demo's drills act on the deployment shown, and only when it is the sandbox's: after another tab is
        // shown, or the sandbox's tab is pointed elsewhere, the Sandbox menu is off and the folder is gone.
        MainWindow window;
        window.show();
        SandboxController controller(SandboxOptions{}); // never started: stands for the demo's, which is
        window.setSandbox(&controller);
        auto *menu = window.findChild<QMenu *>(QStringLiteral("sandboxMenu"));
        QVERIFY(menu);
        QVERIFY(!menu->isEnabled()); // no tab yet
        SandboxInfo info;
        info.dir = QStringLiteral("/tmp/vigil-sandbox-under-test");
        info.masterName = QStringLiteral("alpha");
        for (const HostPort &seed : m_a->target().seeds)
            info.sentinelPorts.append(seed.port);
        Q_EMIT controller.started(info);
        QCOMPARE(window.deploymentCount(), 1);
        QCOMPARE(window.tabs()->tabText(0), QStringLiteral("alpha (sandbox)"));
        QVERIFY(menu->isEnabled());
        QCOMPARE(window.fieldText(QStringLiteral("Sandbox folder")), info.dir);

        window.openDeployment(target(*m_b, QStringLiteral("beta")), 1000);
        QVERIFY(!menu->isEnabled());
        QCOMPARE(window.fieldText(QStringLiteral("Sandbox folder")), QStringLiteral("–"));
        window.tabs()->setCurrentIndex(0);
        QVERIFY(menu->isEnabled());

        window.setTarget(target(*m_b, QStringLiteral("beta")), 1000); // the sandbox's tab, pointed elsewhere
        QVERIFY(!menu->isEnabled());
        QCOMPARE(window.fieldText(QStringLiteral("Sandbox folder")), QStringLiteral("–"));
        QVERIFY(!window.tabs()->tabText(0).contains(QStringLiteral("sandbox")));
    }

    void demoWithoutRedisSaysWhatToInstall()
    {
        // vigil --demo on a machine without Redis: the window itself says which programs are missing and the command
        // that installs them, and starts nothing. "Not installed" is a PATH without them, where the sandbox looks.
        const QString server = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        QVERIFY(!server.isEmpty());
        QTemporaryDir bin;
        QTemporaryDir tmp; // where a sandbox folder would go
        QVERIFY(bin.isValid() && tmp.isValid());
        const QByteArray path = qgetenv("PATH");
        const QByteArray tmpdir = qgetenv("TMPDIR");
        const auto restore = qScopeGuard([&] {
            qputenv("PATH", path);
            qputenv("TMPDIR", tmpdir);
        });
        qputenv("PATH", QFile::encodeName(bin.path()));
        qputenv("TMPDIR", QFile::encodeName(tmp.path()));

        struct Case
        {
            bool serverInstalled;
            QString missing;
            QString command;
        };
        const QList<Case> cases = {{false, QStringLiteral("redis-server and redis-sentinel are not installed"),
                                    QStringLiteral("sudo apt install redis-server redis-sentinel")},
                                   {true, QStringLiteral("redis-sentinel is not installed"),
                                    QStringLiteral("sudo apt install redis-sentinel")}};
        for (const Case &c : cases) {
            if (c.serverInstalled)
                QVERIFY(QFile::link(server, bin.path() + QStringLiteral("/redis-server")));
            MainWindow window;
            window.show();
            WorkerThread thread(QStringLiteral("vigil-sandbox"));
            auto *controller = new SandboxController(SandboxOptions{});
            window.setSandbox(controller); // as vigil --demo does
            thread.start(controller);
            QMetaObject::invokeMethod(controller, &SandboxController::start, Qt::QueuedConnection);

            QTRY_VERIFY2_WITH_TIMEOUT(window.welcomeText().contains(c.missing), qPrintable(window.welcomeText()), 10000);
            // The command on a line of its own, so it can be selected and copied.
            QVERIFY2(window.welcomeText().contains(QLatin1Char('\n') + c.command + QLatin1Char('\n')),
                     qPrintable(window.welcomeText()));
            // On the page the window shows, not in a tab: there is none.
            QCOMPARE(window.deploymentCount(), 0);
            QVERIFY(window.findChild<QWidget *>(QStringLiteral("welcomeText"))->isVisible());
            QVERIFY(QDir(tmp.path()).entryList({QStringLiteral("vigil-sandbox-*")}, QDir::Dirs).isEmpty());
        }
    }

    // While the demo's sandbox starts, the window's page says which step it is at, as vigil --demo shows it; then the
    // sandbox's tab opens.
    void demoStartShowsItsSteps()
    {
        MainWindow window;
        window.setRememberSession(false);
        window.show();
        WorkerThread thread(QStringLiteral("vigil-sandbox"));
        SandboxOptions options;
        options.keys = 200;
        auto *controller = new SandboxController(options);
        window.setSandbox(controller); // as vigil --demo does
        QVERIFY(window.welcomeText().startsWith(QStringLiteral("Starting a local sandbox")));
        // Connected after the window: each step reaches this slot after the window's own.
        QStringList seen;
        connect(controller, &SandboxController::progress, this, [&](int step, int steps, const QString &what) {
            if (window.deploymentCount() == 0)
                seen.append(window.welcomeText());
            QCOMPARE(window.welcomeText(),
                     QStringLiteral("Starting the local sandbox… step %1 of %2: %3").arg(step).arg(steps).arg(what));
        });
        thread.start(controller);
        QMetaObject::invokeMethod(controller, &SandboxController::start, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(window.deploymentCount(), 1, 60000);
        QCOMPARE(seen.size(), 6);
        QVERIFY2(seen.last().endsWith(QStringLiteral("step 6 of 6: waiting for the sentinels to agree")),
                 qPrintable(seen.last()));
        QMetaObject::invokeMethod(controller, &SandboxController::stop, Qt::BlockingQueuedConnection);
    }

    // At 1024×700 everything stays usable: nothing asks for more room than the window has, whichever side tab is
    // shown; the pattern box shows its whole placeholder; the two panes of the splitter keep a usable width.
    void fitsA1024x700Screen()
    {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setTarget(target(*m_a, QStringLiteral("alpha")));
        QTRY_VERIFY_WITH_TIMEOUT(window.headline().contains(QStringLiteral("Connected to master")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        QCOMPARE(window.size(), QSize(1024, 700));
        const QSize room = window.centralWidget()->size();
        auto *sideTabs = window.currentView()->findChild<QTabWidget *>(QStringLiteral("sideTabs"));
        auto *splitter = window.currentView()->findChild<QSplitter *>(QStringLiteral("browserSplitter"));
        QVERIFY(sideTabs && splitter);
        for (int tab = 0; tab < sideTabs->count(); ++tab) {
            sideTabs->setCurrentIndex(tab);
            QCoreApplication::processEvents();
            const QString which = sideTabs->tabText(tab);
            const QSize minimum = window.centralWidget()->minimumSizeHint();
            QVERIFY2(minimum.width() <= room.width() && minimum.height() <= room.height(),
                     qPrintable(QStringLiteral("%1: the central widget needs %2×%3 of %4×%5; %6")
                                    .arg(which)
                                    .arg(minimum.width())
                                    .arg(minimum.height())
                                    .arg(room.width())
                                    .arg(room.height())
                                    .arg(widest(window.centralWidget(), room.width() / 2))));
            int panes = 0;
            for (int i = 0; i < splitter->count(); ++i) {
                QWidget *pane = splitter->widget(i);
                const QSize paneMinimum = pane->minimumSizeHint().expandedTo(pane->minimumSize());
                panes += paneMinimum.width();
                QVERIFY2(paneMinimum.width() >= 300, qPrintable(QString::number(paneMinimum.width())));
                QVERIFY2(pane->width() >= paneMinimum.width(),
                         qPrintable(QStringLiteral("%1: pane %2 is %3 wide, needs %4; %5")
                                        .arg(which)
                                        .arg(i)
                                        .arg(pane->width())
                                        .arg(paneMinimum.width())
                                        .arg(widest(pane, pane->width()))));
                QVERIFY(pane->mapTo(&window, QPoint(pane->width(), 0)).x() <= window.width());
            }
            QVERIFY(panes + splitter->handleWidth() <= room.width());
            // The status bar and the menu too: the whole window's minimum.
            const QSize whole = window.minimumSizeHint();
            QVERIFY2(whole.width() <= 1024 && whole.height() <= 700,
                     qPrintable(QStringLiteral("%1: the window needs %2×%3; %4")
                                    .arg(which)
                                    .arg(whole.width())
                                    .arg(whole.height())
                                    .arg(widest(&window, 512))));
        }
        auto *pattern = window.browser()->findChild<QLineEdit *>(QStringLiteral("pattern"));
        QVERIFY2(pattern->width() > pattern->fontMetrics().horizontalAdvance(pattern->placeholderText()),
                 qPrintable(QStringLiteral("%1 px for \"%2\"").arg(pattern->width()).arg(pattern->placeholderText())));
    }

    // A new window fits the screen (85% of it at most, so 1280×800 is not overflowed), and the window remembers its
    // size and the split between the tree and the side tabs.
    void windowSizeAndSplitAreRemembered()
    {
        const QSize screen = QGuiApplication::primaryScreen()->availableGeometry().size();
        QList<int> sizes;
        {
            MainWindow window;
            window.show();
            QVERIFY(window.width() <= qMax(screen.width() * 85 / 100, window.minimumSizeHint().width()));
            QVERIFY(window.height() <= qMax(screen.height() * 85 / 100, window.minimumSizeHint().height()));
            window.resize(1000, 660);
            window.openDeployment(target(*m_a, QStringLiteral("alpha")));
            auto *splitter = window.currentView()->findChild<QSplitter *>(QStringLiteral("browserSplitter"));
            QTRY_VERIFY(splitter->width() > 900);
            splitter->setSizes({420, splitter->width() - 420});
            sizes = splitter->sizes();
            window.close();
        }
        MainWindow again;
        again.show();
        QCOMPARE(again.size(), QSize(1000, 660));
        again.openDeployment(target(*m_a, QStringLiteral("alpha")));
        auto *splitter = again.currentView()->findChild<QSplitter *>(QStringLiteral("browserSplitter"));
        QTRY_COMPARE(splitter->sizes(), sizes);
    }

    void openTabsAreRememberedWithoutPasswords()
    {
        const QByteArray secret = "do-not-store-me-4711";
        {
            MainWindow window;
            SentinelTarget a = target(*m_a, QStringLiteral("alpha"));
            a.dataPassword = secret; // the sandbox has no password; the point is where it goes
            window.openDeployment(a, 1000);
            SentinelTarget b = target(*m_b, QStringLiteral("beta"));
            b.db = 3;
            b.readOnly = true;
            window.openDeployment(b, 1000);
            window.close();
        }
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
        const QByteArray stored = file.readAll();
        QVERIFY(stored.contains("alpha") && stored.contains("beta"));
        QVERIFY(!stored.contains(secret));

        {
            // A window that does not remember (the demo, a --sentinel window) leaves the session as it was.
            MainWindow oneOff;
            oneOff.setRememberSession(false);
            oneOff.openDeployment(target(*m_b, QStringLiteral("beta")), 1000);
            oneOff.closeDeployment(0);
            oneOff.close();
        }

        MainWindow again;
        QVERIFY(again.restoreSession());
        QCOMPARE(again.deploymentCount(), 2);
        QCOMPARE(again.view(0)->deployment()->masterName(), QStringLiteral("alpha"));
        QCOMPARE(again.view(1)->deployment()->masterName(), QStringLiteral("beta"));
        QCOMPARE(again.view(1)->deployment()->database(), 3);
        QVERIFY(again.view(1)->deployment()->isReadOnly());
        QCOMPARE(again.view(0)->deployment()->target().seeds, m_a->target().seeds);

        // Off: nothing is reopened.
        QSettings().setValue(QStringLiteral("session/reopen"), false);
        MainWindow off;
        QVERIFY(!off.restoreSession());
        QCOMPARE(off.deploymentCount(), 0);
    }

    void closingWhileTheMasterHangsIsQuick()
    {
        // A master stopped with SIGSTOP holds the scan in a socket wait for its timeouts (seconds). Closing the tab,
        // and the window, must not wait for that.
        for (const bool wholeWindow : {false, true}) {
            auto window = std::make_unique<MainWindow>();
            window->show();
            DeploymentView *view = window->openDeployment(target(*m_a, QStringLiteral("alpha")), 300);
            QTRY_VERIFY_WITH_TIMEOUT(view->browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
            const quint16 master = m_a->currentMasterPort();
            QVERIFY(!m_a->pauseNode(master).isError());
            // The tab says the master is down once the sentinels do (down-after 1 s).
            QTRY_VERIFY_WITH_TIMEOUT(window->tabs()->tabText(0).startsWith(QStringLiteral("▼ "))
                                         || window->tabs()->tabText(0).startsWith(QStringLiteral("⟳ ")),
                                     10000);
            // A new scan asks a sentinel, then connects to the stopped master: the kernel accepts the connection, and
            // the handshake then waits for the command timeout (5 s). Both connections come from the deployment's
            // factory, so its count says when the scan has got that far.
            const quint64 made = view->deployment()->connections()->made();
            const int handshakeTimeoutMs = view->deployment()->target().dataCommandTimeoutMs;
            view->browser()->startScan();
            QTRY_VERIFY_WITH_TIMEOUT(view->deployment()->connections()->made() >= made + 2, 10000);
            QVERIFY(view->browser()->isScanning());
            QElapsedTimer closing;
            closing.start();
            if (wholeWindow)
                window.reset();
            else
                window->closeDeployment(0);
            const qint64 took = closing.elapsed();
            const int detached = WorkerThread::detachedCount();
            QVERIFY(!m_a->resumeNode(master).isError());
            // Closing returned while the scan was still stuck: its thread was left to finish on its own instead of
            // being waited for, so closing took less than the handshake's timeout (it waits about a second).
            QCOMPARE(detached, 1);
            QVERIFY2(took < handshakeTimeoutMs, qPrintable(QStringLiteral("closing took %1 ms").arg(took)));
            // The cancelled scan finishes on its own once the master answers or times out, and is deleted.
            QTRY_COMPARE_WITH_TIMEOUT(WorkerThread::detachedCount(), 0, 30000);
            QVERIFY(SandboxFixture::settle(*m_a));
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
