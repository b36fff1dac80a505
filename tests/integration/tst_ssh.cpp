#include "faultedscan.h"
#include "processrun.h"
#include "resp/connectionfactory.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/masterresolver.h"
#include "ssh/sshtunnel.h"
#include "throwawayuser.h"

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
    // Made before the sandbox and removed after it, whatever happens: members outlive cleanupTestCase.
    ThrowawayUser m_passwordUser{QStringLiteral("vigil-ssh-pw")};
    ThrowawayUser m_kbdUser{QStringLiteral("vigil-ssh-kbd")};
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

    // `password` goes in VIGIL_SSH_PASSWORD, in the child's environment: never on its command line.
    static ProcessRun vigilScan(const QStringList &arguments, const QByteArray &password = {})
    {
        QProcessEnvironment env = testEnvironment();
        if (!password.isNull())
            env.insert(QStringLiteral("VIGIL_SSH_PASSWORD"), QString::fromUtf8(password));
        return ProcessRun::of(QStringLiteral(VIGIL_SCAN_BIN), arguments, env, 60000);
    }

    // --ssh USER@127.0.0.1:PORT with no key: a login with a password, as `user`.
    QStringList sshAs(const QString &user) const
    {
        const SshOptions o = m_sandbox->clientSsh();
        return {QStringLiteral("--ssh"), user + QLatin1Char('@') + o.hop(), QStringLiteral("--ssh-known-hosts"),
                o.knownHosts};
    }

    // A right password scans every key; a wrong one is refused naming the hop and the methods tried.
    void checkPasswordLogin(const ThrowawayUser &user, const QString &method)
    {
        if (!user.exists())
            QSKIP(qPrintable(user.whyNot()));
        const ProcessRun run = vigilScan(deployment() + sshAs(user.name()), user.password());
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(qsizetype(keysOf(run).size()), qsizetype(m_keys.size()));
        // sshd logs "Accepted password for U", "Accepted keyboard-interactive/pam for U".
        const QRegularExpression accepted(QStringLiteral("Accepted %1\\S* for %2 ").arg(method, user.name()));
        QVERIFY2(accepted.match(QString::fromUtf8(sshLog())).hasMatch(), sshLog().right(2000).constData());

        const ProcessRun wrong = vigilScan(deployment() + sshAs(user.name()), "not-" + user.password());
        checkRefused(wrong, {QStringLiteral("SSH %1: authentication failed (").arg(m_sandbox->clientSsh().hop()),
                             QStringLiteral("tried"), method});
        // Nor is the password anywhere in what vigil-scan says.
        QVERIFY(!wrong.err.contains(user.password()));
        // Without VIGIL_SSH_PASSWORD (and no terminal to ask on), the refusal says where the password goes.
        checkRefused(vigilScan(deployment() + sshAs(user.name())), {QStringLiteral("VIGIL_SSH_PASSWORD")});
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

    static void writeFile(const QString &path, const QString &text)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
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
        // ~/.ssh/config is read by default, as ssh does: a HOME of our own keeps the user's out of these tests.
        QVERIFY(QDir(m_scratch.path()).mkpath(QStringLiteral("home/.ssh")));
        qputenv("HOME", QFile::encodeName(m_scratch.filePath(QStringLiteral("home"))));
        // Test mode for the in-process clients too; the sandbox's own control connections do not use a factory.
        qputenv("VIGIL_TEST_NO_DIRECT", "127.0.0.2");
        qunsetenv("SSH_AUTH_SOCK");
        SandboxOptions options;
        options.keys = generatedKeys;
        options.ssh = true;
        if (m_passwordUser.exists())
            options.sshPasswordUser = m_passwordUser.name();
        if (m_kbdUser.exists())
            options.sshKbdInteractiveUser = m_kbdUser.name();
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

    // Without --ssh-config, ~/.ssh/config is read, as ssh reads it: an alias of the user's own config connects.
    void theUsersSshConfigIsReadByDefault()
    {
        const SshOptions o = m_sandbox->clientSsh();
        const QString config = QDir::homePath() + QStringLiteral("/.ssh/config");
        QVERIFY(config.startsWith(m_scratch.path()));
        writeFile(config, QStringLiteral("Host home-bastion\n  HostName %1\n  Port %2\n  User %3\n  IdentityFile %4\n")
                              .arg(o.host)
                              .arg(o.port)
                              .arg(o.user, o.keyFile));
        const QStringList viaAlias = {QStringLiteral("--ssh"), QStringLiteral("home-bastion"),
                                      QStringLiteral("--ssh-known-hosts"), o.knownHosts};
        const ProcessRun run = vigilScan(deployment() + viaAlias);
        QFile::remove(config);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(qsizetype(keysOf(run).size()), qsizetype(m_keys.size()));
        // --ssh-config /dev/null reads no config at all: the alias is then a host name nobody knows.
        writeFile(config, QStringLiteral("Host home-bastion\n  HostName %1\n  Port %2\n").arg(o.host).arg(o.port));
        const ProcessRun none = vigilScan(deployment() + viaAlias
                                          + QStringList{QStringLiteral("--ssh-config"), QStringLiteral("/dev/null")});
        QFile::remove(config);
        checkRefused(none, {QStringLiteral("SSH home-bastion:22: connect failed")});
    }

    // ProxyJump, one hop: libssh 0.10 runs it as ProxyCommand "ssh -W", given the same config with -F. The sandbox's
    // sshd is its own jump host: sshd logs two logins, and a direct-tcpip channel to itself for the second one.
    void aProxyJumpGoesThroughTheJumpHost()
    {
        const SshOptions o = m_sandbox->clientSsh();
        const QString config = m_scratch.filePath(QStringLiteral("jump_config"));
        writeFile(config, QStringLiteral("Host sandbox-jump\n  HostName %1\n  Port %2\n  User %3\n  IdentityFile %4\n"
                                         "  UserKnownHostsFile %5\n  GlobalKnownHostsFile /dev/null\n"
                                         "  StrictHostKeyChecking yes\n  BatchMode yes\n"
                                         "Host sandbox-behind-jump\n  HostName %1\n  Port %2\n  User %3\n"
                                         "  IdentityFile %4\n  ProxyJump sandbox-jump\n")
                              .arg(o.host)
                              .arg(o.port)
                              .arg(o.user, o.keyFile, o.knownHosts));
        const qsizetype loginsBefore = sshLog().count("Accepted publickey");
        const QString self = QStringLiteral("%1:%2").arg(o.host).arg(o.port);
        QVERIFY(!channelTargets().contains(self));
        const ProcessRun run = vigilScan(deployment()
                                         + QStringList{QStringLiteral("--ssh"), QStringLiteral("sandbox-behind-jump"),
                                                       QStringLiteral("--ssh-config"), config,
                                                       QStringLiteral("--ssh-known-hosts"), o.knownHosts});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(qsizetype(keysOf(run).size()), qsizetype(m_keys.size()));
        QCOMPARE(sshLog().count("Accepted publickey") - loginsBefore, 2); // the jump's session and ours inside it
        QVERIFY2(channelTargets().contains(self), sshLog().right(3000).constData());
    }

    // Sentinel with resolve-hostnames and announce-hostnames names every node "localhost", and Vigil keeps the name.
    // Without SSH it dials the name each time: direct connections to 127.0.0.1, the address, are refused in this run,
    // so an address pinned from the name would fail. Through SSH the name is the channel's destination, for sshd to
    // resolve on the bastion's side, and direct connections to the name are refused too.
    void hostnamesStayHostnames()
    {
        SandboxOptions options;
        options.keys = 500;
        options.ssh = true;
        options.hostname = QStringLiteral("localhost");
        const std::unique_ptr<Sandbox> sandbox = SandboxFixture::start(options);
        QVERIFY(sandbox);
        const qsizetype keys = SampleData(500).count();
        QStringList seeds;
        for (quint16 port : sandbox->sentinelPorts())
            seeds.append(QStringLiteral("localhost:%1").arg(port));
        const QStringList named
            = {QStringLiteral("--sentinel"), seeds.join(QLatin1Char(',')), QStringLiteral("--master"),
               QStringLiteral("vigil"),      QStringLiteral("--format"),   QStringLiteral("hex")};
        const auto refusingDirect = [](const QString &hosts) {
            QProcessEnvironment env = testEnvironment();
            env.insert(QStringLiteral("VIGIL_TEST_NO_DIRECT"), hosts);
            return env;
        };

        // What the sentinels report, and what the resolver makes of it: the name.
        SentinelTarget target = sandbox->target();
        target.ssh = {};
        QCOMPARE(target.seeds.first().host, QStringLiteral("localhost"));
        qputenv("VIGIL_TEST_NO_DIRECT", "127.0.0.1");
        MasterResolver resolver(target);
        VigilError error;
        const ResolvedMaster master = resolver.queryMasterAddress(&error);
        qputenv("VIGIL_TEST_NO_DIRECT", "127.0.0.2");
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        QCOMPARE(master.address.host, QStringLiteral("localhost"));
        QCOMPARE(master.address.port, sandbox->currentMasterPort());

        const ProcessRun direct
            = ProcessRun::of(QStringLiteral(VIGIL_SCAN_BIN), named, refusingDirect(QStringLiteral("127.0.0.1")), 60000);
        QVERIFY2(direct.exitCode == 0, direct.err.constData());
        QCOMPARE(qsizetype(keysOf(direct).size()), keys);
        // The refusal matches names as given: without SSH, refusing "localhost" refuses everything.
        const ProcessRun refused
            = ProcessRun::of(QStringLiteral(VIGIL_SCAN_BIN), named, refusingDirect(QStringLiteral("localhost")), 60000);
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains("direct connection to localhost refused"), refused.err.constData());

        const ProcessRun tunnelled = ProcessRun::of(QStringLiteral(VIGIL_SCAN_BIN), named + sshOf(*sandbox),
                                                    refusingDirect(QStringLiteral("localhost,127.0.0.1")), 60000);
        QVERIFY2(tunnelled.exitCode == 0, tunnelled.err.constData());
        QCOMPARE(qsizetype(keysOf(tunnelled).size()), keys);
        QFile log(sandbox->sshLogPath());
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray text = log.readAll();
        for (quint16 port : sandbox->sentinelPorts() + QList<quint16>{sandbox->currentMasterPort()}) {
            QVERIFY2(text.contains(QByteArray("target localhost port " + QByteArray::number(port))),
                     text.right(3000).constData());
            QVERIFY2(!text.contains(QByteArray("target 127.0.0.1 port " + QByteArray::number(port))),
                     text.right(3000).constData());
        }
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

    // Password and keyboard-interactive logins need a user with a known password: a throwaway system user, made only
    // when the test runs as root (CI does); otherwise skipped, saying so.
    void aPasswordLoginWorksAndAWrongOneIsRefused() { checkPasswordLogin(m_passwordUser, QStringLiteral("password")); }

    void aKeyboardInteractiveLoginWorksAndAWrongOneIsRefused()
    {
        checkPasswordLogin(m_kbdUser, QStringLiteral("keyboard-interactive"));
    }

    // On a terminal (a pty that `script` makes), vigil-scan asks for the password as ssh does, without echo, and scans.
    void vigilScanAsksForThePasswordOnATerminal()
    {
        if (!m_passwordUser.exists())
            QSKIP(qPrintable(m_passwordUser.whyNot()));
        const QString keysFile = m_scratch.filePath(QStringLiteral("tty_keys"));
        QStringList words = {QStringLiteral(VIGIL_SCAN_BIN)};
        words += deployment() + sshAs(m_passwordUser.name());
        for (QString &word : words)
            word = QLatin1Char('\'') + word + QLatin1Char('\'');
        QProcess terminal;
        terminal.setProcessEnvironment(testEnvironment()); // no VIGIL_SSH_PASSWORD
        terminal.setProcessChannelMode(QProcess::MergedChannels);
        terminal.start(QStringLiteral("script"),
                       {QStringLiteral("-qec"),
                        words.join(QLatin1Char(' ')) + QStringLiteral(" > '") + keysFile + QLatin1Char('\''),
                        QStringLiteral("/dev/null")});
        QVERIFY(terminal.waitForStarted());
        QByteArray seen;
        const QByteArray prompt
            = m_passwordUser.name().toUtf8() + '@' + m_sandbox->clientSsh().hop().toUtf8() + "'s password: ";
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         seen += terminal.readAll();
                         return seen.contains(prompt) || terminal.state() == QProcess::NotRunning;
                     },
                     30000),
                 seen.constData());
        QVERIFY2(seen.contains(prompt), seen.constData());
        terminal.write(m_passwordUser.password() + '\n');
        QVERIFY(terminal.waitForFinished(60000));
        seen += terminal.readAll();
        QVERIFY2(terminal.exitCode() == 0, seen.constData());
        QVERIFY2(!seen.contains(m_passwordUser.password()), seen.constData()); // not echoed
        QFile keys(keysFile);
        QVERIFY(keys.open(QIODevice::ReadOnly));
        QCOMPARE(keys.readAll().count('\n'), qsizetype(m_keys.size()));
    }

    void aWrongKeyIsRefused()
    {
        const QString wrong = newKey(QStringLiteral("wrong_client"));
        QVERIFY(!wrong.isEmpty());
        const ProcessRun run = vigilScan(deployment() + ssh(wrong));
        checkRefused(run,
                     {QStringLiteral("SSH %1: authentication failed (publickey)").arg(m_sandbox->clientSsh().hop())});
        // One bastion, one refusal: said once, not once per seed sentinel.
        QCOMPARE(run.err.count("authentication failed"), qsizetype(1));
    }
};

QTEST_GUILESS_MAIN(TestSsh)
#include "tst_ssh.moc"
