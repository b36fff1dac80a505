#include "faultedscan.h"
#include "processrun.h"
#include "resp/connectionfactory.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "ssh/sshtunnel.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

// A deployment behind a bastion (`vigil-sandbox up --ssh`): the nodes and sentinels listen on 127.0.0.2 only, a
// throwaway sshd on 127.0.0.1 is the way in, and VIGIL_TEST_NO_DIRECT=127.0.0.2 makes every direct connection the
// client's factory would make fail, so whatever works here went through the tunnel. A scan as vigil-scan runs it, a
// failover and a kill -9 of the master mid-scan through one SSH session, and the host-key and login refusals.
class TestSsh final : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 generatedKeys = 40000;
    std::unique_ptr<Sandbox> m_sandbox;
    QSet<QByteArray> m_keys;
    QTemporaryDir m_scratch;

    static QProcessEnvironment testEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VIGIL_TEST_NO_DIRECT"), QStringLiteral("127.0.0.2"));
        env.remove(QStringLiteral("SSH_AUTH_SOCK")); // the login is the sandbox's key, not whatever an agent holds
        return env;
    }

    static ProcessRun vigilScan(const QStringList &arguments)
    {
        return ProcessRun::of(QStringLiteral(VIGIL_SCAN_BIN), arguments, testEnvironment(), 60000);
    }

    QStringList deployment() const { return deploymentOf(*m_sandbox); }

    static QStringList deploymentOf(const Sandbox &sandbox)
    {
        QStringList seeds;
        for (quint16 port : sandbox.sentinelPorts())
            seeds.append(QStringLiteral("127.0.0.2:%1").arg(port));
        return {QStringLiteral("--sentinel"), seeds.join(QLatin1Char(',')), QStringLiteral("--master"),
                QStringLiteral("vigil"),      QStringLiteral("--format"),   QStringLiteral("hex")};
    }

    // --ssh user@127.0.0.1:PORT --ssh-key K --ssh-known-hosts F, with the sandbox's key and file unless given.
    QStringList ssh(const QString &key = {}, const QString &knownHosts = {}) const
    {
        return sshOf(*m_sandbox, key, knownHosts);
    }

    static QStringList sshOf(const Sandbox &sandbox, const QString &key = {}, const QString &knownHosts = {})
    {
        const SshOptions o = sandbox.clientSsh();
        return {QStringLiteral("--ssh"),
                o.user + QLatin1Char('@') + o.hop(),
                QStringLiteral("--ssh-key"),
                key.isEmpty() ? o.keyFile : key,
                QStringLiteral("--ssh-known-hosts"),
                knownHosts.isEmpty() ? o.knownHosts : knownHosts};
    }

    static QList<QByteArray> keysOf(const ProcessRun &run)
    {
        QList<QByteArray> keys;
        for (const QByteArray &line : run.out.split('\n'))
            if (!line.isEmpty())
                keys.append(QByteArray::fromHex(line));
        return keys;
    }

    // "SHA256:…" of a public key file, as ssh-keygen -l prints it.
    static QString fingerprintOf(const QString &publicKey)
    {
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"), {QStringLiteral("-l"), QStringLiteral("-f"), publicKey});
        keygen.waitForFinished(10000);
        return QString::fromLatin1(keygen.readAllStandardOutput().split(' ').value(1));
    }

    QString newKey(const QString &name) const
    {
        const QString path = m_scratch.filePath(name);
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
                     {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                      QString(), QStringLiteral("-f"), path});
        keygen.waitForFinished(10000);
        return keygen.exitCode() == 0 ? path : QString();
    }

    QByteArray sshLog() const
    {
        QFile log(m_sandbox->sshLogPath());
        return log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
    }

    // The targets of the direct-tcpip channels sshd logged, e.g. "127.0.0.2:6379".
    QSet<QString> channelTargets() const
    {
        QSet<QString> targets;
        static const QRegularExpression line(QStringLiteral("direct.tcpip.*target:? (\\S+)(?: port |:)(\\d+)"));
        for (const QByteArray &text : sshLog().split('\n')) {
            const QRegularExpressionMatch m = line.match(QString::fromUtf8(text));
            if (m.hasMatch())
                targets.insert(m.captured(1) + QLatin1Char(':') + m.captured(2));
        }
        return targets;
    }

    void checkRefused(const ProcessRun &run, const QStringList &says)
    {
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.out.isEmpty(), run.out.left(200).constData());
        for (const QString &words : says)
            QVERIFY2(QString::fromUtf8(run.err).contains(words),
                     qPrintable(words + QStringLiteral(" in: ") + QString::fromUtf8(run.err)));
    }

    // The whole scan with what the in-process client sees: every key once, through one SSH session.
    void checkFaultedScan(const std::function<void()> &fault)
    {
        const quint16 before = m_sandbox->currentMasterPort();
        const ConnectionFactoryPtr connections = SshTunnel::factoryFor(m_sandbox->target().ssh);
        FaultedScan::Outcome o;
        ScanOptions options;
        options.count = 100;
        options.keysPerSecond = 10000; // about 4 s for the keyspace: the fault lands in the first pass
        FaultedScan::run(this, m_sandbox->target(), options, 8000, fault, &o, 120000, connections);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(!o.error.isError(), qPrintable(o.error.toString()));
        const QSet<QByteArray> reported(o.reported.cbegin(), o.reported.cend());
        QCOMPARE(reported.size(), o.reported.size()); // 0 repeated
        QCOMPARE(reported, m_keys);                   // 0 lost
        QVERIFY(m_sandbox->currentMasterPort() != before);
        QVERIFY(o.restarts.size() >= 1);
        QCOMPARE(o.restarts.first().from.address.port, before);
        QCOMPARE(o.summary.node.address.host, QStringLiteral("127.0.0.2"));
        QCOMPARE(o.summary.node.address.port, m_sandbox->currentMasterPort());
        const auto *tunnel = dynamic_cast<const SshTunnel *>(connections->tunnel().get());
        QVERIFY(tunnel);
        QCOMPARE(tunnel->sessionsStarted(), 1); // the watcher and the scan shared one session, across the switch
        QVERIFY(tunnel->channelsOpened() >= 6);
        QVERIFY(channelTargets().contains(QStringLiteral("127.0.0.2:%1").arg(m_sandbox->currentMasterPort())));
        QVERIFY(SandboxFixture::settle(*m_sandbox));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_scratch.isValid());
        // Test mode for the in-process clients too; the sandbox's own control connections do not use a factory.
        qputenv("VIGIL_TEST_NO_DIRECT", "127.0.0.2");
        qunsetenv("SSH_AUTH_SOCK");
        SandboxOptions options;
        options.keys = generatedKeys;
        options.ssh = true;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
        const SampleData data(generatedKeys);
        for (qint64 i = 0; i < data.count(); ++i)
            m_keys.insert(data.key(i).name);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    // The isolation the other tests rely on: nothing listens on 127.0.0.1 but sshd, and the sentinels name the
    // master and the replicas at 127.0.0.2 (a replica's replication link leaves from its bind address).
    void theNodesAreOnlyOnTheSecondLoopback()
    {
        for (quint16 port : m_sandbox->dataPorts() + m_sandbox->sentinelPorts()) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY2(!socket.waitForConnected(1000), qPrintable(QString::number(port)));
        }
        RedisConnection sentinel(m_sandbox->sentinelOptions(m_sandbox->sentinelPorts().first()));
        QVERIFY(!sentinel.openBlocking().isError());
        const RespResult master = sentinel.execute({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "vigil"});
        QVERIFY(master.ok());
        QCOMPARE(master.value.at(0).toByteArray(), QByteArrayLiteral("127.0.0.2"));
        const RespResult replicas = sentinel.execute({"SENTINEL", "REPLICAS", "vigil"});
        QVERIFY(replicas.ok());
        QCOMPARE(replicas.value.size(), 2);
        for (qsizetype i = 0; i < replicas.value.size(); ++i)
            QCOMPARE(replicas.value.at(i).toFieldMap().value("ip"), QByteArrayLiteral("127.0.0.2"));
    }

    void directConnectionsAreRefusedInTestMode()
    {
        checkRefused(vigilScan(deployment()), {QStringLiteral("direct connection to 127.0.0.2 refused")});
    }

    void vigilScanReadsEveryKeyThroughSsh()
    {
        const ProcessRun run = vigilScan(deployment() + ssh());
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> keys = keysOf(run);
        const QSet<QByteArray> unique(keys.cbegin(), keys.cend());
        QCOMPARE(unique.size(), keys.size());
        QCOMPARE(unique, m_keys);
        // sshd saw a channel to every sentinel and to the master.
        const QSet<QString> targets = channelTargets();
        for (quint16 port : m_sandbox->sentinelPorts())
            QVERIFY2(targets.contains(QStringLiteral("127.0.0.2:%1").arg(port)), sshLog().right(2000).constData());
        QVERIFY(targets.contains(QStringLiteral("127.0.0.2:%1").arg(m_sandbox->currentMasterPort())));
    }

    void aFailoverThroughSshLosesNothing()
    {
        checkFaultedScan([this] { QVERIFY(!m_sandbox->failover().isError()); });
    }

    void aKilledMasterThroughSshLosesNothing()
    {
        checkFaultedScan([this] { QVERIFY(!m_sandbox->killMaster().isError()); });
    }

    // The process that serves the session dies mid-scan (not the listener): every channel closes, the next
    // connection sets up a new session, and the scan carries on on the same master with nothing lost or repeated.
    void aDroppedSessionIsSetUpAgain()
    {
        const quint16 master = m_sandbox->currentMasterPort();
        const ConnectionFactoryPtr connections = SshTunnel::factoryFor(m_sandbox->target().ssh);
        FaultedScan::Outcome o;
        ScanOptions options;
        options.count = 100;
        options.keysPerSecond = 10000;
        int killed = 0;
        FaultedScan::run(
            this, m_sandbox->target(), options, 8000,
            [this, &killed] {
                for (qint64 pid : m_sandbox->sshSessionPids())
                    killed += ::kill(static_cast<pid_t>(pid), SIGKILL) == 0 ? 1 : 0;
            },
            &o, 120000, connections);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(killed >= 1);
        QVERIFY(m_sandbox->isRunning(master));
        QVERIFY2(!o.error.isError(), qPrintable(o.error.toString()));
        const QSet<QByteArray> reported(o.reported.cbegin(), o.reported.cend());
        QCOMPARE(reported.size(), o.reported.size()); // 0 repeated
        QCOMPARE(reported, m_keys);                   // 0 lost
        QVERIFY(o.resumes.size() + o.restarts.size() >= 1);
        QCOMPARE(o.summary.node.address.port, master);
        const auto *tunnel = dynamic_cast<const SshTunnel *>(connections->tunnel().get());
        QVERIFY(tunnel);
        QVERIFY(tunnel->sessionsStarted() >= 2);
    }

    // TLS inside the channel, verified against the node's address as the sentinels report it (127.0.0.2).
    void tlsInsideTheTunnel()
    {
        SandboxOptions options;
        options.keys = 500;
        options.tls = true;
        options.ssh = true;
        const std::unique_ptr<Sandbox> sandbox = SandboxFixture::start(options);
        QVERIFY(sandbox);
        const ProcessRun run = vigilScan(deploymentOf(*sandbox) + sshOf(*sandbox)
                                         + QStringList{QStringLiteral("--tls"), QStringLiteral("--cacert"),
                                                       sandbox->tlsDir() + QStringLiteral("/ca.crt")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(qsizetype(keysOf(run).size()), qsizetype(SampleData(500).count()));
        // Without --tls the nodes close on the plain text, through the tunnel as directly.
        const ProcessRun plain = vigilScan(deploymentOf(*sandbox) + sshOf(*sandbox));
        QCOMPARE(plain.exitCode, 3);
    }

    // An OpenSSH client config names the bastion by an alias: HostName, Port, User and IdentityFile come from it.
    void anSshConfigAliasIsResolved()
    {
        const SshOptions o = m_sandbox->clientSsh();
        const QString config = m_scratch.filePath(QStringLiteral("ssh_config"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QStringLiteral("Host sandbox-bastion\n  HostName %1\n  Port %2\n  User %3\n  IdentityFile %4\n")
                       .arg(o.host)
                       .arg(o.port)
                       .arg(o.user, o.keyFile)
                       .toUtf8());
        file.close();
        const QStringList viaConfig = {QStringLiteral("--ssh"),
                                       QStringLiteral("sandbox-bastion"),
                                       QStringLiteral("--ssh-config"),
                                       config,
                                       QStringLiteral("--ssh-known-hosts"),
                                       o.knownHosts};
        const ProcessRun run = vigilScan(deployment() + viaConfig);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(qsizetype(keysOf(run).size()), qsizetype(m_keys.size()));
        // A refusal names the hop the alias resolved to.
        const QString wrong = newKey(QStringLiteral("config_wrong_client"));
        QVERIFY(!wrong.isEmpty());
        checkRefused(vigilScan(deployment() + viaConfig + QStringList{QStringLiteral("--ssh-key"), wrong}),
                     {QStringLiteral("SSH %1: authentication failed (publickey)").arg(o.hop())});
    }

    // Unknown: refused in a script, naming the host and the key's fingerprint; --ssh-accept-new adds it.
    void anUnknownHostKeyIsRefusedUnlessAccepted()
    {
        const QString knownHosts = m_scratch.filePath(QStringLiteral("empty_known_hosts"));
        QFile::remove(knownHosts);
        const QString fingerprint = fingerprintOf(m_sandbox->sshDir() + QStringLiteral("/host_ed25519.pub"));
        QVERIFY(fingerprint.startsWith(QLatin1String("SHA256:")));
        const QString hop = m_sandbox->clientSsh().hop();
        checkRefused(vigilScan(deployment() + ssh({}, knownHosts)),
                     {QStringLiteral("SSH ") + hop, QStringLiteral("host key is not known"), fingerprint,
                      QStringLiteral("--ssh-accept-new")});
        QVERIFY(!QFile::exists(knownHosts));

        const ProcessRun accepted
            = vigilScan(deployment() + ssh({}, knownHosts) + QStringList{QStringLiteral("--ssh-accept-new")});
        QVERIFY2(accepted.exitCode == 0, accepted.err.constData());
        QCOMPARE(qsizetype(keysOf(accepted).size()), qsizetype(m_keys.size()));
        QFile file(knownHosts);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray added = file.readAll();
        QVERIFY2(added.contains(m_sandbox->sshKnownHostsLine().split(' ').value(2)), added.constData());
    }

    void aChangedHostKeyIsRefused()
    {
        const QString other = newKey(QStringLiteral("other_host"));
        QVERIFY(!other.isEmpty());
        QFile pub(other + QStringLiteral(".pub"));
        QVERIFY(pub.open(QIODevice::ReadOnly));
        const QList<QByteArray> fields = pub.readAll().simplified().split(' ');
        const QString knownHosts = m_scratch.filePath(QStringLiteral("changed_known_hosts"));
        QFile file(knownHosts);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("[127.0.0.1]:" + QByteArray::number(m_sandbox->sshPort()) + ' ' + fields.at(0) + ' ' + fields.at(1)
                   + '\n');
        file.close();
        const QString offered = fingerprintOf(m_sandbox->sshDir() + QStringLiteral("/host_ed25519.pub"));
        const QString known = fingerprintOf(other + QStringLiteral(".pub"));
        // --ssh-accept-new never overrides a changed key.
        checkRefused(vigilScan(deployment() + ssh({}, knownHosts) + QStringList{QStringLiteral("--ssh-accept-new")}),
                     {QStringLiteral("SSH ") + m_sandbox->clientSsh().hop(), QStringLiteral("host key has changed"),
                      QStringLiteral("man-in-the-middle"), offered, known});
    }

    void aWrongKeyIsRefused()
    {
        const QString wrong = newKey(QStringLiteral("wrong_client"));
        QVERIFY(!wrong.isEmpty());
        checkRefused(vigilScan(deployment() + ssh(wrong)),
                     {QStringLiteral("SSH %1: authentication failed (publickey)").arg(m_sandbox->clientSsh().hop())});
    }
};

QTEST_GUILESS_MAIN(TestSsh)
#include "tst_ssh.moc"
