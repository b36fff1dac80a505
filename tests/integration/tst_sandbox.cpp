#include "folderprocesses.h"
#include "resp/redisconnection.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>

namespace {
bool alive(qint64 pid)
{
    if (::kill(static_cast<pid_t>(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2, 1) != "Z";
}

bool allGone(const QList<qint64> &pids, int timeoutMs)
{
    return QTest::qWaitFor(
        [&] { return std::none_of(pids.cbegin(), pids.cend(), [](qint64 pid) { return alive(pid); }); }, timeoutMs);
}

QList<qint64> statePids(const QString &dir)
{
    QFile file(dir + QStringLiteral("/sandbox.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<qint64> pids;
    const QJsonArray nodes = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("nodes")).toArray();
    for (const QJsonValue &n : nodes)
        pids.append(n.toObject().value(QStringLiteral("pid")).toInteger());
    return pids;
}

QByteArray masterAddrFromSentinel(quint16 sentinelPort, const QByteArray &name)
{
    ConnectionOptions o;
    o.port = sentinelPort;
    o.db = -1;
    RedisConnection sentinel(o);
    if (sentinel.openBlocking().isError())
        return {};
    const RespResult r = sentinel.execute({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", name});
    return r.value.size() == 2 ? r.value.at(0).toByteArray() + ':' + r.value.at(1).toByteArray() : QByteArray();
}
} // namespace

// The sandbox: real redis-server and redis-sentinel processes that come up agreed, hold the sample data, obey the
// fault-injection actions and never outlive their owner.
class TestSandbox final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void upAndDownLeavesNoProcess()
    {
        QList<qint64> pids;
        QString dir;
        {
            SandboxOptions options;
            options.keys = 2000;
            Sandbox sandbox(options);
            // What a window shows while it waits: each step in order, numbered out of the same total.
            QStringList steps;
            connect(&sandbox, &Sandbox::progress, this, [&](int step, int total, const QString &what) {
                steps.append(QStringLiteral("%1/%2 %3").arg(step).arg(total).arg(what));
            });
            const VigilError error = sandbox.start();
            QVERIFY2(!error.isError(), qPrintable(error.toString()));
            QCOMPARE(steps,
                     QStringList({QStringLiteral("1/6 starting the master"), QStringLiteral("2/6 starting 2 replicas"),
                                  QStringLiteral("3/6 waiting for the replicas to sync"),
                                  QStringLiteral("4/6 starting 3 sentinels"),
                                  QStringLiteral("5/6 loading %1 sample keys").arg(QLocale().toString(2000)),
                                  QStringLiteral("6/6 waiting for the sentinels to agree")}));
            QCOMPARE(sandbox.dataPorts().size(), 3);
            QCOMPARE(sandbox.sentinelPorts().size(), 3);
            pids = sandbox.pids();
            dir = sandbox.dir();
            QCOMPARE(pids.size(), 6);
            for (qint64 pid : pids)
                QVERIFY(alive(pid));

            // Every sentinel names the same master: the first data node.
            const QByteArray expected = "127.0.0.1:" + QByteArray::number(sandbox.dataPorts().first());
            for (quint16 port : sandbox.sentinelPorts())
                QCOMPARE(masterAddrFromSentinel(port, "vigil"), expected);

            // Each replica holds all the data (the sandbox waited for them).
            const qint64 expectedKeys = SampleData(2000).count();
            QCOMPARE(sandbox.loadedKeyCount(), expectedKeys);
            for (quint16 port : sandbox.dataPorts()) {
                RedisConnection node(sandbox.dataOptions(port));
                QVERIFY(!node.openBlocking().isError());
                QCOMPARE(node.execute({"DBSIZE"}).value.toInteger(), expectedKeys);
            }
        }
        // The destructor stopped everything, and removed the temporary folder.
        QVERIFY(allGone(pids, 15000));
        QVERIFY(!QDir(dir).exists());
    }

    void sampleDataHasEveryTypeAndAwkwardNames()
    {
        SandboxOptions options;
        options.keys = 1000;
        Sandbox sandbox(options);
        QVERIFY2(!sandbox.start().isError(), "sandbox");
        RedisConnection master(sandbox.dataOptions(sandbox.currentMasterPort()));
        QVERIFY(!master.openBlocking().isError());

        const SampleData data(1000);
        QSet<QByteArray> types;
        int withTtl = 0;
        for (qint64 i = 0; i < data.count(); ++i) {
            const SampleData::Key key = data.key(i);
            const RespResult type = master.execute({"TYPE", key.name});
            QCOMPARE(type.value.toByteArray(), key.type);
            types.insert(key.type);
            if (key.hasTtl) {
                QVERIFY(master.execute({"TTL", key.name}).value.toInteger() > 0);
                ++withTtl;
            }
        }
        QCOMPARE(types, (QSet<QByteArray>{"string", "hash", "list", "set", "zset", "stream"}));
        QVERIFY(withTtl > 100);
        for (const QByteArray &name : SampleData::awkwardKeyNames())
            QCOMPARE(master.execute({"EXISTS", name}).value.toInteger(), 1);
        QCOMPARE(master.execute({"HLEN", SampleData::bigHashName()}).value.toInteger(), SampleData::bigHashFields());

        // The namespaces a user expects to browse.
        for (const char *pattern : {"user:*:profile", "session:*", "cache:*", "order:*", "product:*"}) {
            QByteArray cursor = "0";
            qint64 found = 0;
            do {
                const RespResult r = master.execute({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
                cursor = r.value.at(0).toByteArray();
                found += r.value.at(1).size();
            } while (cursor != "0");
            QVERIFY2(found >= 40, pattern);
        }
    }

    void actionsChangeTheTopology()
    {
        SandboxOptions options;
        options.keys = 100;
        Sandbox sandbox(options);
        QVERIFY2(!sandbox.start().isError(), "sandbox");
        const quint16 first = sandbox.currentMasterPort();

        // SENTINEL FAILOVER: another node becomes master, and every sentinel agrees.
        QVERIFY(!sandbox.failover().isError());
        QTRY_VERIFY_WITH_TIMEOUT(sandbox.currentMasterPort() != first, 15000);
        const quint16 second = sandbox.currentMasterPort();
        QVERIFY2(!sandbox.waitForAgreement(second, 30000).isError(), "sentinels agree after failover");

        // kill -9 the master: Sentinel promotes a replica.
        const qint64 victim = sandbox.pidOfPort(second);
        QVERIFY(!sandbox.killMaster().isError());
        QVERIFY(!alive(victim));
        QTRY_VERIFY_WITH_TIMEOUT(sandbox.currentMasterPort() != second && sandbox.currentMasterPort() != 0, 20000);

        // Restart the killed node: it comes back (as a replica, once Sentinel reconfigures it).
        QVERIFY(!sandbox.restartNode(second).isError());
        QVERIFY(sandbox.isRunning(second));
        // Sentinel drops client connections when it reconfigures a node, so ask on a fresh connection each time.
        const auto roleOf = [&sandbox](quint16 port) {
            RedisConnection node(sandbox.dataOptions(port));
            const RespResult role = node.openBlocking().isError() ? RespResult() : node.execute({"ROLE"});
            return role.value.isArray() ? role.value.at(0).toByteArray() : QByteArray();
        };
        QTRY_COMPARE_WITH_TIMEOUT(roleOf(second), QByteArray("slave"), 20000);

        // Pause and resume a node.
        const quint16 master = sandbox.currentMasterPort();
        QVERIFY(!sandbox.pauseNode(master).isError());
        const auto processState = [](qint64 pid) {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            return stat.open(QIODevice::ReadOnly) ? stat.readAll().split(' ').value(2) : QByteArray();
        };
        QTRY_COMPARE(processState(sandbox.pidOfPort(master)), QByteArray("T"));
        QVERIFY(!sandbox.resumeNode(master).isError());
        QTRY_VERIFY(processState(sandbox.pidOfPort(master)) != "T");

        // Kill a sentinel.
        const qint64 sentinelPid = sandbox.pidOfPort(sandbox.sentinelPorts().first());
        QVERIFY(!sandbox.killSentinel(0).isError());
        QVERIFY(!alive(sentinelPid));
    }

    void detachedSandboxThroughTheCli()
    {
        QTemporaryDir dir;
        QProcess up;
        up.start(QStringLiteral(VIGIL_SANDBOX_BIN),
                 {QStringLiteral("up"), QStringLiteral("--keys"), QStringLiteral("500"), QStringLiteral("--dir"),
                  dir.path(), QStringLiteral("--detach")});
        QVERIFY(up.waitForFinished(90000));
        const QByteArray out = up.readAllStandardOutput();
        QVERIFY2(up.exitCode() == 0, up.readAllStandardError().constData());
        QVERIFY(out.contains("master name: vigil"));
        QVERIFY(out.contains("sentinels:   127.0.0.1:"));

        // The nodes outlive the CLI, and redis-cli style clients can ask the sentinels.
        const QList<qint64> pids = statePids(dir.path());
        QCOMPARE(pids.size(), 6);
        for (qint64 pid : pids)
            QVERIFY(alive(pid));
        const QByteArray sentinelLine = out.mid(out.indexOf("sentinels:"));
        const quint16 sentinelPort = static_cast<quint16>(
            sentinelLine.mid(sentinelLine.indexOf("127.0.0.1:") + 10, 5).split(',').first().trimmed().toUInt());
        QVERIFY(masterAddrFromSentinel(sentinelPort, "vigil").startsWith("127.0.0.1:"));

        QProcess down;
        down.start(QStringLiteral(VIGIL_SANDBOX_BIN), {QStringLiteral("down"), QStringLiteral("--dir"), dir.path()});
        QVERIFY(down.waitForFinished(30000));
        QCOMPARE(down.exitCode(), 0);
        QVERIFY(allGone(pids, 15000));
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/sandbox.json")));
    }

    void crashOfTheOwnerLeavesNoProcess()
    {
        // A foreground `vigil-sandbox up` killed with SIGKILL (no chance to clean up): the kernel takes its nodes too.
        QTemporaryDir dir;
        QProcess up;
        up.start(QStringLiteral(VIGIL_SANDBOX_BIN), {QStringLiteral("up"), QStringLiteral("--keys"),
                                                     QStringLiteral("100"), QStringLiteral("--dir"), dir.path()});
        QVERIFY(up.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT(
            (out += up.readAllStandardOutput()).contains("running;") || up.state() != QProcess::Running, 90000);
        QCOMPARE(up.state(), QProcess::Running);
        const QList<qint64> pids = statePids(dir.path());
        QCOMPARE(pids.size(), 6);
        ::kill(static_cast<pid_t>(up.processId()), SIGKILL);
        QVERIFY(up.waitForFinished(5000));
        QVERIFY(allGone(pids, 15000));
    }

    void ctrlCStopsTheForegroundSandbox()
    {
        QTemporaryDir dir;
        QProcess up;
        up.start(QStringLiteral(VIGIL_SANDBOX_BIN), {QStringLiteral("up"), QStringLiteral("--keys"),
                                                     QStringLiteral("100"), QStringLiteral("--dir"), dir.path()});
        QVERIFY(up.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT(
            (out += up.readAllStandardOutput()).contains("running;") || up.state() != QProcess::Running, 90000);
        const QList<qint64> pids = statePids(dir.path());
        ::kill(static_cast<pid_t>(up.processId()), SIGINT);
        QVERIFY(up.waitForFinished(15000));
        QCOMPARE(up.exitCode(), 0);
        QVERIFY(allGone(pids, 15000));
    }

    void sigtermStopsTheForegroundSandbox_data()
    {
        QTest::addColumn<bool>("whileStarting");
        QTest::newRow("running") << false;
        // The signal comes while start() blocks the main thread: acted on once it returns, not by dying there.
        QTest::newRow("while starting") << true;
    }

    void sigtermStopsTheForegroundSandbox()
    {
        // `vigil-sandbox up` without --dir, stopped the way a service manager or `kill` stops it: its nodes stop and
        // its temporary folder goes.
        QFETCH(bool, whileStarting);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TMPDIR"), tmp.path());
        QProcess up;
        up.setProcessEnvironment(env);
        up.start(QStringLiteral(VIGIL_SANDBOX_BIN), {QStringLiteral("up"), QStringLiteral("--keys"),
                                                     whileStarting ? QStringLiteral("20000") : QStringLiteral("100")});
        QVERIFY(up.waitForStarted());
        // The folder, and the first of its nodes running in it.
        QString folder;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QStringList found = QDir(tmp.path()).entryList({QStringLiteral("vigil-sandbox-*")}, QDir::Dirs);
                folder = found.isEmpty() ? QString() : tmp.path() + QLatin1Char('/') + found.first();
                return !folder.isEmpty() && !processesWorkingIn(folder).isEmpty();
            }() || up.state() != QProcess::Running,
            90000);
        QCOMPARE(up.state(), QProcess::Running);
        QByteArray out = up.readAllStandardOutput();
        QList<qint64> pids;
        if (whileStarting) {
            QVERIFY2(!out.contains("running;"), out.constData()); // still in start()
        } else {
            QTRY_VERIFY_WITH_TIMEOUT((out += up.readAllStandardOutput()).contains("running;"), 90000);
            QVERIFY2(out.contains(QByteArray("folder:      " + QFile::encodeName(folder))), out.constData());
            pids = processesWorkingIn(folder);
            QCOMPARE(pids.size(), 6);
        }

        ::kill(static_cast<pid_t>(up.processId()), SIGTERM);
        QVERIFY(up.waitForFinished(90000));
        QCOMPARE(up.exitStatus(), QProcess::NormalExit);
        QCOMPARE(up.exitCode(), 0);
        QVERIFY(allGone(pids, 5000));
        QVERIFY(processesWorkingIn(folder).isEmpty());
        QVERIFY2(!QDir(folder).exists(), qPrintable(folder));
    }

    void missingBinaryIsAClearError()
    {
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", "/nonexistent");
        SandboxOptions options;
        options.keys = 0;
        Sandbox sandbox(options);
        const VigilError error = sandbox.start();
        qputenv("PATH", path);
        QCOMPARE(error.kind(), VigilError::Kind::Usage);
        // Both programs, and the command that installs them, before anything was created.
        QVERIFY2(error.toString().contains(
                     QStringLiteral("redis-server and redis-sentinel are not installed (not on PATH); install with: "
                                    "sudo apt install redis-server redis-sentinel")),
                 qPrintable(error.toString()));
        QVERIFY(sandbox.dir().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
