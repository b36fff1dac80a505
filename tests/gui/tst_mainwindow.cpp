#include "mainwindow.h"
#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"

#include <QApplication>
#include <QTest>

// The first window, against a real sandbox: it shows the master the sentinels name, the ROLE check, and follows a
// failover. Runs under QT_QPA_PLATFORM=offscreen.
class TestMainWindow final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;

    SentinelTarget target(const QString &masterName = QStringLiteral("vigil")) const
    {
        SentinelTarget t = m_sandbox->target();
        t.masterName = masterName;
        return t;
    }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = 300;
        m_sandbox = std::make_unique<Sandbox>(options);
        const VigilError error = m_sandbox->start();
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void showsTheConnectedMaster()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.headline().contains(QStringLiteral("Not connected")));
        window.setTarget(target(), 500);
        const QString master = QStringLiteral("127.0.0.1:%1").arg(m_sandbox->currentMasterPort());
        QTRY_VERIFY_WITH_TIMEOUT(window.headline().contains(QStringLiteral("Connected to master ") + master), 10000);
        QCOMPARE(window.fieldText(QStringLiteral("Master")), master);
        QCOMPARE(window.fieldText(QStringLiteral("ROLE check")), QStringLiteral("master (ok)"));
        QCOMPARE(window.fieldText(QStringLiteral("Replicas connected")), QStringLiteral("2"));
        QCOMPARE(window.fieldText(QStringLiteral("Keys (DBSIZE)")), QLocale().toString(m_sandbox->loadedKeyCount()));
        QCOMPARE(window.fieldText(QStringLiteral("Sentinels known")).count(QStringLiteral("127.0.0.1:")), 3);
    }

    void probesReuseOneConnection()
    {
        // The deployment facts refresh every few seconds for as long as the window is open: that must not be a new
        // connection each time (operators watch total_connections_received and connection logs).
        RedisConnection master(m_sandbox->dataOptions(m_sandbox->currentMasterPort()));
        QVERIFY(!master.openBlocking().isError());
        const auto connectionsReceived = [&] {
            const QByteArray info = master.execute({"INFO", "stats"}).value.toByteArray();
            for (const QByteArray &line : info.split('\n'))
                if (line.startsWith("total_connections_received:"))
                    return line.mid(27).trimmed().toLongLong();
            return -1LL;
        };
        MainWindow window;
        window.show();
        window.setTarget(target(), 100);
        QTRY_VERIFY_WITH_TIMEOUT(window.headline().contains(QStringLiteral("Connected to master")), 10000);
        QTest::qWait(1500); // the scan, the watcher and the key pane make their connections
        const qint64 before = connectionsReceived();
        const QString keys = window.fieldText(QStringLiteral("Keys (DBSIZE)"));
        QVERIFY(master.execute({"SET", "probe:new-key", "1"}).ok());
        // The probes go on (DBSIZE follows the new key) ...
        QTRY_VERIFY_WITH_TIMEOUT(window.fieldText(QStringLiteral("Keys (DBSIZE)")) != keys, 5000);
        QTest::qWait(2000); // about 20 probes at 100 ms
        // ... over the connection they already had.
        const qint64 opened = connectionsReceived() - before;
        QVERIFY(master.execute({"DEL", "probe:new-key"}).ok());
        QVERIFY2(opened <= 2, qPrintable(QStringLiteral("%1 new connections to the master in 2 s").arg(opened)));
    }

    void followsAFailover()
    {
        MainWindow window;
        window.show();
        window.setTarget(target(), 300);
        const QString before = QStringLiteral("127.0.0.1:%1").arg(m_sandbox->currentMasterPort());
        QTRY_COMPARE_WITH_TIMEOUT(window.fieldText(QStringLiteral("Master")), before, 10000);
        QVERIFY(!m_sandbox->failover().isError());
        QTRY_VERIFY_WITH_TIMEOUT(window.fieldText(QStringLiteral("Master")) != before
                                     && window.headline().contains(QStringLiteral("Connected to master")),
                                 20000);
        QCOMPARE(window.fieldText(QStringLiteral("ROLE check")), QStringLiteral("master (ok)"));
    }

    void unknownMasterNameIsShown()
    {
        MainWindow window;
        window.show();
        window.setTarget(target(QStringLiteral("no-such-master")), 500);
        QTRY_VERIFY_WITH_TIMEOUT(window.headline().contains(QStringLiteral("Cannot reach master 'no-such-master'")),
                                 10000);
        QCOMPARE(window.fieldText(QStringLiteral("ROLE check")), QStringLiteral("failed (usage)"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
