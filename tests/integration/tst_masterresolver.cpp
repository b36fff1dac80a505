#include "resp/infoparser.h"
#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/masterresolver.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTcpServer>
#include <QTest>

#include <memory>

// MasterResolver against real redis-sentinel and redis-server processes (from the sandbox), closed ports, a server
// that never answers, wrong passwords, an address map and a real failover.
class TestMasterResolver final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;     // no auth, shared by every case that leaves the topology alone
    std::unique_ptr<Sandbox> m_authSandbox; // requirepass
    std::unique_ptr<Sandbox> m_aclSandbox;  // ACL users

    static std::unique_ptr<Sandbox> startSandbox(SandboxOptions::Auth auth)
    {
        SandboxOptions options;
        options.keys = 100;
        options.auth = auth;
        return SandboxFixture::start(options);
    }

    Sandbox *authSandbox(SandboxOptions::Auth auth)
    {
        std::unique_ptr<Sandbox> &sandbox = auth == SandboxOptions::Auth::Password ? m_authSandbox : m_aclSandbox;
        if (!sandbox)
            sandbox = startSandbox(auth);
        return sandbox.get();
    }

    static HostPort loopback(quint16 port) { return {QStringLiteral("127.0.0.1"), port}; }

    static QList<HostPort> sentinelsOf(const Sandbox &sandbox)
    {
        QList<HostPort> sentinels;
        for (quint16 port : sandbox.sentinelPorts())
            sentinels.append(loopback(port));
        return sentinels;
    }

    // Everything a user would type in the connection dialog for this sandbox, with short timeouts.
    static SentinelTarget targetFor(const Sandbox &sandbox)
    {
        SentinelTarget target = sandbox.target();
        target.sentinelTimeoutMs = 500;
        return target;
    }

    static QStringList addresses(const QList<HostPort> &list)
    {
        QStringList out;
        for (const HostPort &hp : list)
            out.append(hp.toString());
        return out;
    }

    static QByteArray roleOf(RedisConnection &connection)
    {
        const RespResult role = connection.execute({"ROLE"});
        return role.ok() && role.value.isArray() && role.value.size() > 0 ? role.value.at(0).toByteArray()
                                                                          : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sandbox = startSandbox(SandboxOptions::Auth::None);
        QVERIFY2(m_sandbox, "the sandbox must start: redis-server and redis-sentinel are required");
    }

    void cleanupTestCase()
    {
        m_sandbox.reset();
        m_authSandbox.reset();
        m_aclSandbox.reset();
    }

    void resolvesTheMasterAndLearnsEverySentinel_data()
    {
        QTest::addColumn<int>("seedCount");
        QTest::newRow("three seeds") << 3;
        QTest::newRow("one seed") << 1;
    }

    void resolvesTheMasterAndLearnsEverySentinel()
    {
        QFETCH(int, seedCount);
        const quint16 masterPort = m_sandbox->currentMasterPort();
        QVERIFY(masterPort);
        SentinelTarget target = targetFor(*m_sandbox);
        target.seeds = target.seeds.mid(0, seedCount);
        const QList<HostPort> seeds = target.seeds;
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY2(master, qPrintable(error.toString()));
        QCOMPARE(error.kind(), VigilError::Kind::None);
        QVERIFY(master->isReady());
        QCOMPARE(roleOf(*master), QByteArray("master"));

        QCOMPARE(resolved.address.toString(), QStringLiteral("127.0.0.1:%1").arg(masterPort));
        QCOMPARE(resolved.reported.toString(), resolved.address.toString()); // no address map
        QCOMPARE(resolved.role, QByteArray("master"));
        QVERIFY2(seeds.contains(resolved.sentinel), qPrintable(resolved.sentinel.toString()));
        QCOMPARE(resolved.attempts, 1);
        // Confirmed by every sentinel before the master was dialled, also when one seed was given.
        QCOMPARE(resolved.sentinelsAnswering, 3);
        QCOMPARE(resolved.sentinelsAgreeing, 3);
        QVERIFY(!resolved.outvoted.isValid());

        // SENTINEL sentinels filled in the ones that were not given, for the next resolution.
        const QStringList known = addresses(resolver.sentinels());
        QCOMPARE(QSet<QString>(known.cbegin(), known.cend()).size(), known.size()); // no duplicates
        QCOMPARE(known.size(), 3);
        for (const QString &sentinel : addresses(sentinelsOf(*m_sandbox)))
            QVERIFY2(known.contains(sentinel), qPrintable(known.join(QLatin1Char(','))));
        QCOMPARE(resolver.sentinels().first().toString(), resolved.sentinel.toString());
    }

    // The connections a node has accepted so far (INFO stats), counted over a connection of our own.
    static qint64 connectionsReceived(quint16 port)
    {
        ConnectionOptions options;
        options.port = port;
        RedisConnection node(options);
        if (node.openBlocking().isError())
            return -1;
        const RespResult info = node.execute({"INFO", "stats"});
        return InfoParser::field(info.value.toByteArray(), "total_connections_received").toLongLong();
    }

    // An impostor: a real redis-sentinel of another deployment that monitors a master also called "vigil", given as
    // the first seed. It answers first and names its own master; the three real sentinels outvote it, the master found
    // is the real one, and the impostor's master is never dialled, so no password could have gone there.
    void anImpostorSentinelIsOutvoted()
    {
        SandboxOptions options;
        options.keys = 10;
        options.replicas = 0;
        options.sentinels = 1;
        const std::unique_ptr<Sandbox> impostor = SandboxFixture::start(options);
        QVERIFY(impostor);
        const quint16 impostorMaster = impostor->currentMasterPort();
        const HostPort impostorSentinel = loopback(impostor->sentinelPorts().first());
        const qint64 before = connectionsReceived(impostorMaster);
        QVERIFY(before > 0);

        SentinelTarget target = targetFor(*m_sandbox);
        target.seeds.prepend(impostorSentinel);
        MasterResolver resolver(target);
        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY2(master, qPrintable(error.toString()));
        QCOMPARE(resolved.sentinel, impostorSentinel); // it did answer first
        QCOMPARE(resolved.outvoted, impostorSentinel);
        QCOMPARE(resolved.address.port, m_sandbox->currentMasterPort());
        QCOMPARE(resolved.sentinelsAnswering, 4);
        QCOMPARE(resolved.sentinelsAgreeing, 3);
        QCOMPARE(connectionsReceived(impostorMaster), before + 1); // only our own count since

        // The impostor and one real sentinel, one each: no majority, nothing dialled, and the error names both.
        target.seeds = {impostorSentinel, target.seeds.at(1)};
        MasterResolver split(target);
        const std::unique_ptr<RedisConnection> none = split.connectToMaster(&resolved, &error);
        QVERIFY(!none);
        QCOMPARE(error.step(), QStringLiteral("confirm the master"));
        QVERIFY2(error.message().contains(QStringLiteral("the sentinels disagree")), qPrintable(error.toString()));
        QVERIFY(error.message().contains(QStringLiteral("names 127.0.0.1:%1").arg(impostorMaster)));
        QVERIFY(error.message().contains(QStringLiteral("names 127.0.0.1:%1").arg(m_sandbox->currentMasterPort())));
        QCOMPARE(connectionsReceived(impostorMaster), before + 2);

        // The impostor alone: its word is all there is. It is taken, and the count says one sentinel answered.
        target.seeds = {impostorSentinel};
        MasterResolver alone(target);
        QVERIFY(alone.connectToMaster(&resolved, &error));
        QCOMPARE(resolved.address.port, impostorMaster);
        QCOMPARE(resolved.sentinelsAnswering, 1);
    }

    void deadFirstSeedIsSkippedAndMovedBack_data()
    {
        QTest::addColumn<bool>("silent");
        QTest::newRow("closed port") << false;
        QTest::newRow("accepts but never answers") << true;
    }

    void deadFirstSeedIsSkippedAndMovedBack()
    {
        QFETCH(bool, silent);
        QTcpServer silentServer; // the kernel completes the handshake; nothing ever reads or answers
        quint16 deadPort = 0;
        if (silent) {
            QVERIFY(silentServer.listen(QHostAddress::LocalHost, 0));
            deadPort = silentServer.serverPort();
        } else {
            deadPort = SandboxFixture::closedPorts(1).first();
        }
        SentinelTarget target = targetFor(*m_sandbox);
        target.seeds.prepend(loopback(deadPort));
        MasterResolver resolver(target);

        QElapsedTimer timer;
        timer.start();
        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(master, qPrintable(error.toString()));
        QCOMPARE(roleOf(*master), QByteArray("master"));
        QCOMPARE(resolved.address.toString(), QStringLiteral("127.0.0.1:%1").arg(m_sandbox->currentMasterPort()));
        // The first live seed answered, and it now leads the list; the dead one is still known but no longer first.
        QCOMPARE(resolved.sentinel.toString(), target.seeds.at(1).toString());
        QCOMPARE(resolver.sentinels().first().toString(), resolved.sentinel.toString());
        QVERIFY(resolver.sentinels().contains(loopback(deadPort)));
        QVERIFY(resolver.sentinels().first() != loopback(deadPort));
        QCOMPARE(resolver.sentinels().size(), 4);
        // A silent seed is waited for, but only for the sentinel timeout (500 ms), not for a connection's default
        // command timeout (5 s): the upper bound tells the two apart, it does not time the resolver.
        if (silent)
            QVERIFY2(elapsed >= target.sentinelTimeoutMs - 100, qPrintable(QString::number(elapsed)));
        QVERIFY2(elapsed < ConnectionOptions().commandTimeoutMs, qPrintable(QString::number(elapsed)));
    }

    void allSeedsDeadListsEachSeed()
    {
        const QList<quint16> dead = SandboxFixture::closedPorts(3);
        SentinelTarget target = targetFor(*m_sandbox);
        target.seeds.clear();
        for (quint16 port : dead)
            target.seeds.append(loopback(port));
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY(!master);
        QCOMPARE(error.kind(), VigilError::Kind::Unreachable);
        const QString text = error.toString();
        QVERIFY2(text.contains(QStringLiteral("no sentinel answered")), qPrintable(text));
        for (quint16 port : dead) {
            const QString seedError
                = QStringLiteral("sentinel 127.0.0.1:%1: connect failed: connection refused").arg(port);
            QVERIFY2(text.contains(seedError), qPrintable(text));
        }
        QVERIFY2(text.startsWith(QStringLiteral("master 'vigil': ")), qPrintable(text));
    }

    void unknownMasterNameIsAUsageError()
    {
        SentinelTarget target = targetFor(*m_sandbox);
        target.masterName = QStringLiteral("no-such-master");
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY(!master);
        QCOMPARE(error.kind(), VigilError::Kind::Usage);
        QVERIFY2(error.toString().contains(QStringLiteral("no sentinel knows a master called 'no-such-master'")),
                 qPrintable(error.toString()));
    }

    void wrongSentinelPasswordIsAnAuthError_data()
    {
        QTest::addColumn<SandboxOptions::Auth>("auth");
        QTest::newRow("requirepass") << SandboxOptions::Auth::Password;
        QTest::newRow("acl user") << SandboxOptions::Auth::AclUser;
    }

    void wrongSentinelPasswordIsAnAuthError()
    {
        QFETCH(SandboxOptions::Auth, auth);
        Sandbox *sandbox = authSandbox(auth);
        QVERIFY(sandbox);
        SentinelTarget target = targetFor(*sandbox);
        target.sentinelPassword = "not-the-sentinel-password";
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY(!master);
        QCOMPARE(error.kind(), VigilError::Kind::Auth);
        const QString text = error.toString();
        for (quint16 port : sandbox->sentinelPorts())
            QVERIFY2(text.contains(QStringLiteral("sentinel 127.0.0.1:%1: AUTH failed").arg(port)), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("not-the-sentinel-password")), "a password must never be shown");
        QVERIFY2(!text.contains(QString::fromUtf8(sandbox->dataPassword())), "a password must never be shown");
    }

    void wrongDataPasswordIsAnAuthError_data()
    {
        QTest::addColumn<SandboxOptions::Auth>("auth");
        QTest::newRow("requirepass") << SandboxOptions::Auth::Password;
        QTest::newRow("acl user") << SandboxOptions::Auth::AclUser;
    }

    void wrongDataPasswordIsAnAuthError()
    {
        QFETCH(SandboxOptions::Auth, auth);
        Sandbox *sandbox = authSandbox(auth);
        QVERIFY(sandbox);
        const quint16 masterPort = sandbox->currentMasterPort();
        QVERIFY(masterPort);
        SentinelTarget target = targetFor(*sandbox);
        target.dataPassword = "not-the-data-password";
        const ConnectionFactoryPtr connections = ConnectionFactory::standalone();
        MasterResolver resolver(target, connections);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY(!master);
        QCOMPARE(error.kind(), VigilError::Kind::Auth);
        const QString text = error.toString();
        QVERIFY2(text.startsWith(QStringLiteral("master 127.0.0.1:%1: AUTH failed").arg(masterPort)), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("not-the-data-password")), "a password must never be shown");
        QVERIFY2(!text.contains(QString::fromUtf8(sandbox->sentinelPassword())), "a password must never be shown");
        // A wrong password is final: no waiting out a failover that is not happening. One sentinel was asked, the
        // other two confirmed its answer, and one master was tried, once; every retry would do all of it again.
        QCOMPARE(connections->made(), quint64(3 + 1));

        // With the right passwords the same sandbox resolves.
        MasterResolver right(targetFor(*sandbox));
        const std::unique_ptr<RedisConnection> ok = right.connectToMaster(&resolved, &error);
        QVERIFY2(ok, qPrintable(error.toString()));
        QCOMPARE(roleOf(*ok), QByteArray("master"));
    }

    void plainRedisPortIsNotASentinel()
    {
        const quint16 dataPort = m_sandbox->currentMasterPort();
        QVERIFY(dataPort);
        SentinelTarget target = targetFor(*m_sandbox);
        target.seeds = {loopback(dataPort)};
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY(!master);
        // The user gave a wrong address: a usage error, not a network one.
        QCOMPARE(error.kind(), VigilError::Kind::Usage);
        QVERIFY2(error.toString().contains(QStringLiteral("127.0.0.1:%1: not a sentinel").arg(dataPort)),
                 qPrintable(error.toString()));
    }

    void addressMapToAClosedPortIsTried()
    {
        const quint16 masterPort = m_sandbox->currentMasterPort();
        QVERIFY(masterPort);
        const quint16 closed = SandboxFixture::closedPorts(1).first();
        SentinelTarget target = targetFor(*m_sandbox);
        target.addressMap.insert(loopback(masterPort), loopback(closed));
        target.roleRetries = 1;
        target.roleRetryDelayMs = 100;
        const ConnectionFactoryPtr connections = ConnectionFactory::standalone();
        MasterResolver resolver(target, connections);

        QElapsedTimer timer;
        timer.start();
        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        const qint64 elapsed = timer.elapsed();
        QVERIFY(!master);
        QCOMPARE(error.kind(), VigilError::Kind::Unreachable);
        const QString text = error.toString();
        QVERIFY2(text.startsWith(QStringLiteral("master 127.0.0.1:%1: ").arg(closed)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("master unreachable")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("connection refused")), qPrintable(text));
        // The mapped address was the one tried, and the message says where it came from.
        QVERIFY2(text.contains(QStringLiteral("reported 127.0.0.1:%1; the address map sent us to 127.0.0.1:%2")
                                   .arg(masterPort)
                                   .arg(closed)),
                 qPrintable(text));
        // It asked again once (roleRetries), after waiting roleRetryDelayMs, and gave up: each attempt is one sentinel
        // asked, the other two confirming, and one master tried.
        QCOMPARE(connections->made(), quint64((3 + 1) * (1 + target.roleRetries)));
        QVERIFY2(elapsed >= target.roleRetryDelayMs, qPrintable(QString::number(elapsed)));
    }

    void addressMapToAHostNameConnects()
    {
        const quint16 masterPort = m_sandbox->currentMasterPort();
        QVERIFY(masterPort);
        SentinelTarget target = targetFor(*m_sandbox);
        target.addressMap.insert(loopback(masterPort), {QStringLiteral("localhost"), masterPort});
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY2(master, qPrintable(error.toString()));
        QCOMPARE(roleOf(*master), QByteArray("master"));
        QCOMPARE(resolved.address.toString(), QStringLiteral("localhost:%1").arg(masterPort));
        QCOMPARE(resolved.reported.toString(), QStringLiteral("127.0.0.1:%1").arg(masterPort));
        QCOMPARE(master->nodeName(), QStringLiteral("master localhost:%1").arg(masterPort));
    }

    void addressMapToAReplicaFailsTheRoleCheck()
    {
        const quint16 masterPort = m_sandbox->currentMasterPort();
        QVERIFY(masterPort);
        QList<quint16> replicas = m_sandbox->dataPorts();
        replicas.removeAll(masterPort);
        const quint16 replica = replicas.first();
        SentinelTarget target = targetFor(*m_sandbox);
        target.addressMap.insert(loopback(masterPort), loopback(replica));
        target.roleRetries = 1;
        target.roleRetryDelayMs = 100;
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY(!master);
        QCOMPARE(error.kind(), VigilError::Kind::Server);
        QVERIFY2(error.toString().startsWith(QStringLiteral("master 127.0.0.1:%1: ROLE failed: ").arg(replica)),
                 qPrintable(error.toString()));
        QVERIFY2(error.toString().contains(QStringLiteral("the reported master says it is a slave")),
                 qPrintable(error.toString()));
    }

    // When some seeds are dead and the sentinels that did answer gave a definite answer, that answer is what the
    // user needs to see: a typo in the master name, or a wrong sentinel password; not "no sentinel answered".
    void deadSeedDoesNotHideTheAnswerOfTheOthers_data()
    {
        QTest::addColumn<bool>("wrongPassword");
        QTest::addColumn<VigilError::Kind>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown master name")
            << false << VigilError::Kind::Usage << QStringLiteral("no sentinel knows a master called 'no-such-master'");
        QTest::newRow("wrong sentinel password") << true << VigilError::Kind::Auth << QStringLiteral("AUTH failed");
    }

    void deadSeedDoesNotHideTheAnswerOfTheOthers()
    {
        QFETCH(bool, wrongPassword);
        QFETCH(VigilError::Kind, kind);
        QFETCH(QString, expected);
        Sandbox *sandbox = wrongPassword ? authSandbox(SandboxOptions::Auth::Password) : m_sandbox.get();
        QVERIFY(sandbox);
        SentinelTarget target = targetFor(*sandbox);
        target.seeds.prepend(loopback(SandboxFixture::closedPorts(1).first()));
        if (wrongPassword)
            target.sentinelPassword = "not-the-sentinel-password";
        else
            target.masterName = QStringLiteral("no-such-master");
        MasterResolver resolver(target);

        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY(!master);
        QVERIFY2(!error.toString().contains(QStringLiteral("no sentinel answered")), qPrintable(error.toString()));
        QVERIFY2(error.toString().contains(expected), qPrintable(error.toString()));
        QVERIFY2(error.kind() == kind,
                 qPrintable(VigilError::kindName(error.kind()) + QStringLiteral(": ") + error.toString()));
    }

    // Destructive, so on its own sandbox: the same resolver, asked again after a failover and after kill -9.
    void followsFailoverAndKilledMaster()
    {
        SandboxOptions options;
        options.keys = 100;
        Sandbox sandbox(options);
        const VigilError started = sandbox.start();
        QVERIFY2(!started.isError(), qPrintable(started.toString()));
        SentinelTarget target = targetFor(sandbox);
        target.roleRetries = 100; // 100 x 300 ms: the resolver itself waits out a failover of up to 30 s
        MasterResolver resolver(target);

        const quint16 first = sandbox.currentMasterPort();
        QVERIFY(first);
        ResolvedMaster resolved;
        VigilError error;
        std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY2(master, qPrintable(error.toString()));
        QCOMPARE(resolved.address.port, first);
        master.reset();

        // SENTINEL FAILOVER: the next resolution finds the promoted replica, and it says it is the master.
        QVERIFY(!sandbox.failover().isError());
        QTRY_VERIFY_WITH_TIMEOUT(sandbox.currentMasterPort() != first && sandbox.currentMasterPort() != 0, 20000);
        const quint16 second = sandbox.currentMasterPort();
        master = resolver.connectToMaster(&resolved, &error);
        QVERIFY2(master, qPrintable(error.toString()));
        QCOMPARE(resolved.address.toString(), QStringLiteral("127.0.0.1:%1").arg(second));
        QCOMPARE(resolved.role, QByteArray("master"));
        QCOMPARE(roleOf(*master), QByteArray("master"));
        master.reset();
        const VigilError agreed = sandbox.waitForAgreement(second, 30000);
        QVERIFY2(!agreed.isError(), qPrintable(agreed.toString()));

        // kill -9 the master: the sentinels still name it for a while; the resolver retries until they name another.
        QVERIFY(!sandbox.killMaster().isError());
        QVERIFY(!sandbox.isRunning(second));
        master = resolver.connectToMaster(&resolved, &error);
        QVERIFY2(master, qPrintable(error.toString()));
        QVERIFY(resolved.address.port != second);
        QVERIFY(sandbox.dataPorts().contains(resolved.address.port));
        QCOMPARE(resolved.role, QByteArray("master"));
        QCOMPARE(roleOf(*master), QByteArray("master"));
        QVERIFY2(resolved.attempts > 1, "the first attempt must have met the dead master");
        QCOMPARE(sandbox.currentMasterPort(), resolved.address.port);
    }
};

QTEST_GUILESS_MAIN(TestMasterResolver)
#include "tst_masterresolver.moc"
