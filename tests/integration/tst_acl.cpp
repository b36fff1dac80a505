#include "aclusers.h"
#include "processrun.h"
#include "resp/commandpolicy.h"
#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "scan/scaniterator.h"
#include "sentinel/connectioncheck.h"
#include "sentinel/masterlink.h"
#include "sentinel/masterresolver.h"
#include "sentinel/sentinelwatcher.h"
#include "values/keyedit.h"

#include <QSet>
#include <QSignalSpy>
#include <QTest>

// Least-privilege ACL users against a real sandbox: each one connects, scans to the end and is told what it may not
// do, in words, instead of failing on the first command it lacks.
class TestAcl final : public QObject
{
    Q_OBJECT

    std::unique_ptr<Sandbox> m_sandbox;
    static constexpr qint64 generated = 3000;

    QSet<QByteArray> allKeys() const
    {
        RedisConnection master(m_sandbox->dataOptions(m_sandbox->currentMasterPort()));
        if (master.openBlocking().isError())
            return {};
        QSet<QByteArray> keys;
        QByteArray cursor = "0";
        do {
            const RespResult r = master.execute({"SCAN", cursor, "COUNT", "1000"});
            if (!r.ok())
                return {};
            cursor = r.value.at(0).toByteArray();
            for (const RespValue &k : r.value.at(1).elements())
                keys.insert(k.toByteArray());
        } while (cursor != "0");
        return keys;
    }

    struct Scan
    {
        QSet<QByteArray> keys;
        qint64 reported = 0;
        NodeIdentity node;
        QList<ScanNotice> notices;
        ScanSummary summary;
        VigilError error;
    };

    Scan scan(const SentinelTarget &target, const std::function<void(Scan &)> &afterFirstBatch = {})
    {
        Scan out;
        ScanIterator::Callbacks callbacks;
        callbacks.resolved = [&out](const NodeIdentity &node) { out.node = node; };
        callbacks.keys = [&](const QList<QByteArray> &keys, int) {
            for (const QByteArray &k : keys)
                out.keys.insert(k);
            const bool first = out.reported == 0;
            out.reported += keys.size();
            if (first && afterFirstBatch)
                afterFirstBatch(out);
        };
        callbacks.notice = [&out](const ScanNotice &notice) { out.notices.append(notice); };
        ScanOptions options;
        options.count = 200;
        ScanIterator iterator(target, options, SwitchEpoch(), callbacks);
        out.summary = iterator.run(&out.error);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sandbox = SandboxFixture::start(generated);
        QVERIFY(m_sandbox);
        QVERIFY(AclUsers::setUp(*m_sandbox));
    }
    void cleanupTestCase() { m_sandbox.reset(); }

    void readUserScansEverything_data()
    {
        QTest::addColumn<QByteArray>("user");
        QTest::addColumn<bool>("roleVerified");
        QTest::newRow("+@read") << AclUsers::reader().name << false;
        QTest::newRow("+@read +@connection") << AclUsers::connectionReader().name << false;
        QTest::newRow("+@read +info") << AclUsers::infoReader().name << true;
        QTest::newRow("~user:* +@read") << AclUsers::patternReader().name << false;
    }

    void readUserScansEverything()
    {
        QFETCH(QByteArray, user);
        QFETCH(bool, roleVerified);
        AclUsers::User u;
        for (const AclUsers::User &candidate :
             {AclUsers::reader(), AclUsers::connectionReader(), AclUsers::infoReader(), AclUsers::patternReader()})
            if (candidate.name == user)
                u = candidate;
        const SentinelTarget target = AclUsers::target(*m_sandbox, u);

        // The resolver: connected, and the role checked by the node itself only where ROLE or INFO is granted.
        MasterResolver resolver(target);
        ResolvedMaster resolved;
        VigilError error;
        const std::unique_ptr<RedisConnection> master = resolver.connectToMaster(&resolved, &error);
        QVERIFY2(master, qPrintable(error.toString()));
        QCOMPARE(resolved.address.port, m_sandbox->currentMasterPort());
        QCOMPARE(resolved.role, QByteArray("master"));
        QCOMPARE(resolved.roleVerified, roleVerified);

        // The scan lists every key, a key-pattern user's too (SCAN does not filter by key pattern).
        const QSet<QByteArray> expected = allKeys();
        QVERIFY(expected.size() >= generated);
        const Scan s = scan(target);
        QVERIFY2(!s.error.isError(), qPrintable(s.error.toString()));
        QCOMPARE(s.keys, expected);
        QCOMPARE(s.reported, qint64(expected.size()));
        QCOMPARE(s.node.role, QByteArray("master"));
        QCOMPARE(s.node.roleVerified, roleVerified);
    }

    void keyPatternUserIsRefusedOtherKeysQuietly()
    {
        RedisConnection connection(
            AclUsers::target(*m_sandbox, AclUsers::patternReader())
                .dataOptions({QStringLiteral("127.0.0.1"), m_sandbox->currentMasterPort()}, QStringLiteral("master")));
        QVERIFY(!connection.openBlocking().isError());
        QByteArray ownKey;
        for (const QByteArray &key : allKeys())
            if (key.startsWith("user:"))
                ownKey = key;
        QVERIFY(!ownKey.isEmpty());
        const RespResult own = connection.execute({"TYPE", ownKey});
        QCOMPARE(own.value.toByteArray(), QByteArray("hash"));
        const RespResult other = connection.execute({"TYPE", "feature:flags"});
        QVERIFY(Resp::isKeyDenied(other.value));
        QVERIFY(!Resp::isCommandDenied(other.value));
        // The connection survives the refusal: the next key is asked on it.
        QVERIFY(connection.isReady());
    }

    // Test connection as a +@read user (no ROLE, no INFO): every step passes, the role one says it rests on the
    // sentinels' word, instead of "ROLE failed: NOPERM".
    void testConnectionPassesForAReadOnlyUser()
    {
        ConnectionCheck check;
        QMap<int, std::pair<int, QString>> steps;
        connect(&check, &ConnectionCheck::stepFinished, this, [&](int step, int outcome, const QString &detail) {
            steps.insert(step, {outcome, detail});
        });
        bool ok = false;
        connect(&check, &ConnectionCheck::checkFinished, this, [&](bool passed) { ok = passed; });
        check.run(AclUsers::target(*m_sandbox, AclUsers::reader()));
        QVERIFY(ok);
        QCOMPARE(steps.size(), 6);
        for (auto it = steps.cbegin(); it != steps.cend(); ++it)
            QVERIFY2(it.value().first == int(ConnectionCheck::Outcome::Passed), qPrintable(it.value().second));
        QVERIFY2(steps.value(ConnectionCheck::MasterRole).second.startsWith(ResolvedMaster::roleNotVerifiedText()),
                 qPrintable(steps.value(ConnectionCheck::MasterRole).second));
    }

    void otherDatabaseWithoutSelectSaysWhatIsMissing()
    {
        SentinelTarget target = AclUsers::target(*m_sandbox, AclUsers::reader());
        target.db = 3;
        const Scan s = scan(target);
        QCOMPARE(s.error.kind(), VigilError::Kind::Auth);
        QCOMPARE(s.error.node(), QStringLiteral("master 127.0.0.1:%1").arg(m_sandbox->currentMasterPort()));
        QCOMPARE(s.error.step(), QStringLiteral("SELECT 3"));
        QVERIFY2(s.error.message().contains(QStringLiteral("needs +select")), qPrintable(s.error.toString()));
        QVERIFY2(s.error.message().contains(QStringLiteral("database 3")), qPrintable(s.error.toString()));
        QCOMPARE(s.reported, 0);

        // +@connection grants SELECT: the same database opens (it is empty).
        target = AclUsers::target(*m_sandbox, AclUsers::connectionReader());
        target.db = 3;
        const Scan ok = scan(target);
        QVERIFY2(!ok.error.isError(), qPrintable(ok.error.toString()));
        QCOMPARE(ok.reported, 0);
    }

    void unknownIdentityRestartsRatherThanResumes()
    {
        // Without INFO, run_id is unknown: after a lost connection the scan cannot tell a restarted process (whose
        // cursor would skip keys) from the same one, so it restarts, says why, and still lists each key once.
        const quint16 port = m_sandbox->currentMasterPort();
        const Scan s = scan(AclUsers::target(*m_sandbox, AclUsers::reader()), [this, port](Scan &) {
            RedisConnection admin(m_sandbox->dataOptions(port));
            QVERIFY(!admin.openBlocking().isError());
            QVERIFY(admin.execute({"CLIENT", "KILL", "USER", AclUsers::reader().name}).ok());
        });
        QVERIFY2(!s.error.isError(), qPrintable(s.error.toString()));
        QCOMPARE(s.summary.resumes, 0);
        QCOMPARE(s.summary.restarts, 1);
        QCOMPARE(s.notices.size(), 1);
        QVERIFY2(s.notices.first().reason.contains(QStringLiteral("may not run INFO")),
                 qPrintable(s.notices.first().reason));
        QCOMPARE(s.keys, allKeys());
        QCOMPARE(s.reported, qint64(s.keys.size()));
    }

    void watcherStopsAskingWhatIsRefused()
    {
        // Counted from here: the tests before this one had refusals of their own.
        QVERIFY(SandboxFixture::onMaster(*m_sandbox, {"CONFIG", "RESETSTAT"}).isStatus());
        SentinelWatcher watcher(AclUsers::target(*m_sandbox, AclUsers::reader()));
        watcher.setPollInterval(100);
        QSignalSpy snapshots(&watcher, &SentinelWatcher::snapshotUpdated);
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.lastSnapshot().master.infoDenied, 10000);
        const int before = int(snapshots.size());
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= before + 10, 10000);
        const TopologySnapshot s = watcher.lastSnapshot();
        QCOMPARE(s.master.role, QByteArray("master"));
        QVERIFY(!s.master.roleVerified);
        QVERIFY(s.master.error.isEmpty());
        QVERIFY(s.master.keys > 0); // DBSIZE is @read
        // Ten polls later the master has still refused ROLE and INFO only on the first one or two of them: the
        // refused commands are not asked again on the same connection.
        RedisConnection admin(m_sandbox->dataOptions(m_sandbox->currentMasterPort()));
        QVERIFY(!admin.openBlocking().isError());
        const QByteArray stats = admin.execute({"INFO", "commandstats"}).value.toByteArray();
        const auto rejected = [&stats](const QByteArray &command) {
            for (const QByteArray &line : stats.split('\n'))
                if (line.startsWith(QByteArray("cmdstat_" + command + ":")))
                    for (const QByteArray &field : line.trimmed().split(','))
                        if (field.startsWith("rejected_calls="))
                            return field.mid(15).toInt();
            return 0;
        };
        qInfo("%lld polls: ROLE refused %d times, INFO %d times", qlonglong(snapshots.size()), rejected("role"),
              rejected("info"));
        QVERIFY2(rejected("role") <= 2, stats.constData());
        QVERIFY2(rejected("info") <= 4, stats.constData());
    }

    void limitedSentinelUserWatchesAndResolves()
    {
        const SentinelTarget target = AclUsers::target(*m_sandbox, AclUsers::reader(), AclUsers::sentinelWatcher());
        const Scan s = scan(target);
        QVERIFY2(!s.error.isError(), qPrintable(s.error.toString()));
        QCOMPARE(s.keys, allKeys());

        SentinelWatcher watcher(target);
        watcher.setPollInterval(200);
        watcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.subscribedSentinels().size(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.lastSnapshot().isValid() && watcher.lastSnapshot().replicas.size() == 2
                                     && watcher.lastSnapshot().quorumOk,
                                 10000);
        const TopologySnapshot snapshot = watcher.lastSnapshot();
        QVERIFY(snapshot.eventsDenied.isEmpty());
        QVERIFY(snapshot.sentinelsAgree());
        // The drill's SENTINEL FAILOVER is not granted: said once, not tried.
        QTRY_VERIFY_WITH_TIMEOUT(watcher.lastSnapshot().failoverDenied.contains(QStringLiteral("SENTINEL FAILOVER")),
                                 10000);
    }

    void writeProbeWritesNothing_data()
    {
        QTest::addColumn<QByteArray>("user");
        QTest::addColumn<bool>("denied");
        QTest::newRow("+@read") << AclUsers::reader().name << true;
        QTest::newRow("~user:* +@read") << AclUsers::patternReader().name << true;
        QTest::newRow("editor") << AclUsers::editor().name << false;
    }

    void writeProbeWritesNothing()
    {
        QFETCH(QByteArray, user);
        QFETCH(bool, denied);
        AclUsers::User u;
        for (const AclUsers::User &candidate : {AclUsers::reader(), AclUsers::patternReader(), AclUsers::editor()})
            if (candidate.name == user)
                u = candidate;
        SentinelWatcher watcher(AclUsers::target(*m_sandbox, u));
        watcher.start();
        MasterLink link(&watcher, ConnectionFactory::standalone());
        QSignalSpy learned(&link, &MasterLink::writeAccessChanged);
        bool answered = false;
        link.send({"DBSIZE"}, [&answered](const RespResult &r) { answered = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        // The probe went ahead of DBSIZE on the same connection: its answer is in.
        QCOMPARE(link.isWriteDenied(), denied);
        QCOMPARE(learned.size(), denied ? 1 : 0);
        if (denied)
            QCOMPARE(link.writeDeniedReason(), QStringLiteral("this user may not write (ACL)"));
        QCOMPARE(SandboxFixture::onMaster(*m_sandbox, {"EXISTS", MasterLink::probeKey()}).toInteger(), 0);
    }

    void editorRulesAreEnoughForEveryKindOfEdit()
    {
        // README's editing rules, through the same path the Key tab's actions take (MasterLink::sendWrite, then WAIT).
        QVERIFY(SandboxFixture::onMaster(*m_sandbox, {"SET", "acl:string", "before"}).isStatus());
        QVERIFY(SandboxFixture::onMaster(*m_sandbox, {"HSET", "acl:hash", "f", "v"}).isInteger());
        SentinelWatcher watcher(AclUsers::target(*m_sandbox, AclUsers::editor()));
        watcher.setPollInterval(200);
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.lastSnapshot().replicas.size() == 2, 10000);
        MasterLink link(&watcher, ConnectionFactory::standalone());
        const QList<KeyEdit> edits = {KeyEdit::setString("acl:string", "before", "after"),
                                      KeyEdit::hashSet("acl:hash", "f", "v", "w"),
                                      KeyEdit::expire("acl:string", 3600),
                                      KeyEdit::persist("acl:string"),
                                      KeyEdit::rename("acl:string", "acl:renamed"),
                                      KeyEdit::remove({"acl:renamed", "acl:hash"})};
        for (const KeyEdit &edit : edits) {
            bool done = false;
            MasterLink::WriteResult write;
            link.sendWrite(edit.command(), [&](const MasterLink::WriteResult &w) {
                write = w;
                done = true;
            });
            QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
            const QByteArray name = edit.command().first();
            QVERIFY2(write.result.ok(), name.constData());
            QVERIFY2(edit.problem(write.result.value).isEmpty(), qPrintable(edit.problem(write.result.value)));
            QVERIFY2(write.acked >= 0,
                     qPrintable(QStringLiteral("WAIT answered (+wait is granted): ") + write.waitProblem));
        }
        QVERIFY(!link.isWriteDenied());
        QCOMPARE(SandboxFixture::onMaster(*m_sandbox, {"EXISTS", "acl:string", "acl:renamed", "acl:hash"}).toInteger(),
                 0);
    }

    void vigilScanAsReadUser()
    {
        // vigil-scan as an operator would run it with a +@read user and the limited sentinel user; the passwords come
        // from the environment, never the command line.
        QStringList seeds;
        for (const quint16 port : m_sandbox->sentinelPorts())
            seeds.append(QStringLiteral("127.0.0.1:%1").arg(port));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VIGIL_PASSWORD"), QString::fromUtf8(AclUsers::reader().password));
        env.insert(QStringLiteral("VIGIL_SENTINEL_PASSWORD"), QString::fromUtf8(AclUsers::sentinelWatcher().password));
        const ProcessRun run = ProcessRun::of(
            QStringLiteral(VIGIL_SCAN_BIN),
            {QStringLiteral("--sentinel"), seeds.join(QLatin1Char(',')), QStringLiteral("--master"),
             m_sandbox->masterName(), QStringLiteral("--user"), QString::fromUtf8(AclUsers::reader().name),
             QStringLiteral("--sentinel-user"), QString::fromUtf8(AclUsers::sentinelWatcher().name),
             QStringLiteral("--format"), QStringLiteral("hex"), QStringLiteral("--events")},
            env, 60000);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QSet<QByteArray> keys;
        for (const QByteArray &line : run.out.split('\n'))
            if (!line.isEmpty())
                keys.insert(QByteArray::fromHex(line));
        QCOMPARE(keys, allKeys());
        QVERIFY2(run.err.contains("\"event\":\"resolved\"") && run.err.contains("\"role_verified\":false"),
                 run.err.constData());
    }

    void scanSurvivesFailoverWithAclUsersOnEveryNode()
    {
        const quint16 before = m_sandbox->currentMasterPort();
        bool failedOver = false;
        const Scan s = scan(AclUsers::target(*m_sandbox, AclUsers::reader(), AclUsers::sentinelWatcher()),
                            [this, &failedOver](Scan &) { failedOver = !m_sandbox->failover().isError(); });
        QVERIFY(failedOver);
        QVERIFY2(!s.error.isError(), qPrintable(s.error.toString()));
        QVERIFY(SandboxFixture::settle(*m_sandbox));
        QVERIFY(m_sandbox->currentMasterPort() != before);
        QCOMPARE(s.keys, allKeys());
        QCOMPARE(s.reported, qint64(s.keys.size()));
        // The promoted replica had the users all along: the same users scan it to the end.
        for (const AclUsers::User &user :
             {AclUsers::reader(), AclUsers::connectionReader(), AclUsers::patternReader()}) {
            const Scan after = scan(AclUsers::target(*m_sandbox, user, AclUsers::sentinelWatcher()));
            QVERIFY2(!after.error.isError(), qPrintable(after.error.toString()));
            QCOMPARE(after.node.address.port, m_sandbox->currentMasterPort());
            QCOMPARE(after.keys, s.keys);
        }
    }
};

QTEST_GUILESS_MAIN(TestAcl)
#include "tst_acl.moc"
