#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/failovertracker.h"
#include "sentinel/masterlink.h"
#include "sentinel/masterresolver.h"
#include "sentinel/sentinelwatcher.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

// SentinelWatcher and FailoverTracker against a real sandbox and real faults: SENTINEL FAILOVER, kill -9 of the
// master, and the loss of the sentinel the watcher connected to first.
class TestSentinelWatcher final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;

    SentinelTarget target() const { return m_sandbox->target(); }

    static HostPort local(quint16 port) { return {QStringLiteral("127.0.0.1"), port}; }

    // Another deployment of one master, `replicas` replicas and one sentinel, whose master is also called "vigil".
    static std::unique_ptr<Sandbox> otherDeployment(int replicas)
    {
        SandboxOptions options;
        options.keys = 10;
        options.replicas = replicas;
        options.sentinels = 1;
        return SandboxFixture::start(options);
    }

    // Our clients on the sandbox's master (named "vigil"), apart from the one that asks.
    static int vigilClients(const Sandbox &sandbox)
    {
        const QByteArray list = SandboxFixture::onMaster(sandbox, {"CLIENT", "LIST"}).toByteArray();
        int count = 0;
        for (const QByteArray &line : list.split('\n'))
            count += line.contains(" name=vigil ") && !line.contains(" cmd=client|list") ? 1 : 0;
        return count;
    }

    // Lets the topology settle after a fault, so the next test starts from agreed sentinels.
    void settle() { QVERIFY(SandboxFixture::settle(*m_sandbox)); }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = 100;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    // No single sentinel moves the master. An impostor (a real redis-sentinel of another deployment, whose master is
    // also called "vigil") is given as a fourth seed; it fails over its own deployment and announces +switch-master
    // "vigil" like a real one would. The three real sentinels outvote it: the master stays, no switch is announced,
    // and the Deployment tab's confirmation says 3 of 4.
    void oneSentinelsSwitchDoesNotMoveTheMaster()
    {
        const std::unique_ptr<Sandbox> other = otherDeployment(1);
        QVERIFY(other);
        const HostPort impostor = local(other->sentinelPorts().first());
        SentinelTarget t = target();
        t.seeds.append(impostor);
        SentinelWatcher watcher(t);
        watcher.setPollInterval(200);
        QSignalSpy switched(&watcher, &SentinelWatcher::masterSwitched);
        QSignalSpy snapshots(&watcher, &SentinelWatcher::snapshotUpdated);
        bool impostorSwitched = false;
        connect(&watcher, &SentinelWatcher::eventReceived, this, [&](const SentinelEvent &e) {
            impostorSwitched = impostorSwitched || (e.name == "+switch-master" && e.reporter == impostor);
        });
        watcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.subscribedSentinels().size(), 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(watcher.lastSnapshot().sentinelsAnswering(), 4, 10000);
        const HostPort real = local(m_sandbox->currentMasterPort());
        QCOMPARE(watcher.currentMaster(), real);
        QCOMPARE(watcher.confirmedMaster(), real);
        QVERIFY(watcher.lastSnapshot().masterConfirmed);
        QCOMPARE(watcher.lastSnapshot().confirmationText(), QStringLiteral("by 3 of 4 sentinels"));
        const quint64 epoch = watcher.switchEpoch().value();

        QVERIFY(!other->failover().isError());
        QTRY_VERIFY_WITH_TIMEOUT(impostorSwitched, 30000);
        // Polls after it, each asking all four: the real master stands, confirmed by the three.
        const qsizetype seen = snapshots.size();
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= seen + 3, 10000);
        QCOMPARE(watcher.currentMaster(), real);
        QCOMPARE(watcher.confirmedMaster(), real);
        QCOMPARE(switched.size(), 0);
        QCOMPARE(watcher.switchEpoch().value(), epoch);
        const TopologySnapshot s = watcher.lastSnapshot();
        QCOMPARE(s.sentinelsNaming(local(other->currentMasterPort())), 1);
        QCOMPARE(s.confirmationText(), QStringLiteral("by 3 of 4 sentinels"));
    }

    // Two sentinels, one each, naming different masters: nothing with the data password goes to either, a write waits
    // and then fails with the reason, and goes through once the user trusts the address. The link asks the node's
    // role before the first write.
    void writesWaitWhileTheSentinelsDisagree()
    {
        const std::unique_ptr<Sandbox> first = otherDeployment(0);
        const std::unique_ptr<Sandbox> second = otherDeployment(0);
        QVERIFY(first && second);
        SentinelTarget t = first->target();
        t.seeds = {local(first->sentinelPorts().first()), local(second->sentinelPorts().first())};
        const HostPort named = local(first->currentMasterPort()); // the first seed's word
        const HostPort other = local(second->currentMasterPort());

        SentinelWatcher watcher(t);
        MasterLink link(&watcher, ConnectionFactory::standalone());
        watcher.setPollInterval(200);
        watcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.lastSnapshot().sentinelsAnswering(), 2, 10000);
        const TopologySnapshot s = watcher.lastSnapshot();
        QCOMPARE(watcher.currentMaster(), named);
        QVERIFY(!watcher.confirmedMaster().isValid());
        QVERIFY(!s.masterConfirmed);
        QVERIFY2(s.confirmationText().contains(QStringLiteral("the sentinels disagree")),
                 qPrintable(s.confirmationText()));
        QVERIFY(s.confirmationText().contains(QStringLiteral("1 of 2 names %1").arg(named.toString())));
        QVERIFY(s.confirmationText().contains(QStringLiteral("1 of 2 names %1").arg(other.toString())));
        QVERIFY(!link.isConfirmed());

        const QByteArray key = "vigil:written-while-they-disagree";
        std::optional<MasterLink::WriteResult> result;
        link.sendWrite({"SET", key, "1"}, [&](const MasterLink::WriteResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), MasterLink::waitForMasterMs + 5000);
        QCOMPARE(result->result.error.step(), QStringLiteral("confirm the master"));
        QVERIFY2(result->result.error.message().contains(QStringLiteral("the sentinels disagree")),
                 qPrintable(result->result.error.toString()));
        QVERIFY(result->result.error.message().contains(QStringLiteral("trust it on the Deployment tab")));
        // Neither master has a connection from us: nothing was sent, the password included.
        QCOMPARE(vigilClients(*first), 0);
        QCOMPARE(vigilClients(*second), 0);

        QSignalSpy confirmation(&link, &MasterLink::confirmationChanged);
        link.trust(named);
        QVERIFY(link.isConfirmed());
        QCOMPARE(confirmation.size(), 1);
        result.reset();
        link.sendWrite({"SET", key, "2"}, [&](const MasterLink::WriteResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY2(result->result.ok(), qPrintable(result->result.error.toString()));
        QVERIFY(link.connection());
        QCOMPARE(link.connection()->commandCount("ROLE"), quint64(1));
        QCOMPARE(vigilClients(*first), 1); // the link's; the watcher's own waits for the sentinels
        QCOMPARE(vigilClients(*second), 0);
        QCOMPARE(SandboxFixture::onMaster(*first, {"GET", key}).toByteArray(), QByteArray("2"));
        QVERIFY(SandboxFixture::onMaster(*second, {"GET", key}).isNil());
    }

    // A write sent before the watcher's first poll has described the master (a tab that writes as it opens) still
    // waits for the replicas: the master's own ROLE, asked on the new connection, says how many it has. A deployment
    // without replicas is told nothing about them.
    void aWriteBeforeTheFirstPollWaitsForTheReplicas()
    {
        const std::unique_ptr<Sandbox> lonely = otherDeployment(0);
        QVERIFY(lonely);
        for (const auto &[sandbox, replicas] :
             {std::pair<const Sandbox *, int>{m_sandbox.get(), 2}, std::pair<const Sandbox *, int>{lonely.get(), 0}}) {
            SentinelWatcher watcher(sandbox->target());
            MasterLink link(&watcher, ConnectionFactory::standalone());
            std::optional<MasterLink::WriteResult> result;
            link.sendWrite({"SET", "vigil:written-before-the-first-poll", "1"},
                           [&](const MasterLink::WriteResult &r) { result = r; });
            QVERIFY(!watcher.lastSnapshot().isValid());
            watcher.setPollInterval(200);
            watcher.start();
            QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 15000);
            QVERIFY2(result->result.ok(), qPrintable(result->result.error.toString()));
            QCOMPARE(result->replicas, replicas);
            if (replicas > 0)
                QVERIFY2(result->acked >= 1, qPrintable(result->waitProblem));
            else
                QCOMPARE(result->acked, -1);
            QCOMPARE(SandboxFixture::onMaster(*sandbox, {"GET", "vigil:written-before-the-first-poll"}).toByteArray(),
                     QByteArray("1"));
        }
    }

    void snapshotShowsTheTopology()
    {
        SentinelWatcher watcher(target());
        watcher.setPollInterval(300);
        QSignalSpy snapshots(&watcher, &SentinelWatcher::snapshotUpdated);
        watcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.subscribedSentinels().size(), 3, 10000);
        // A poll that started before every sentinel, or the master, was connected may miss some answers: look at a
        // later one, in which the master itself answered.
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2 && watcher.lastSnapshot().master.role == "master", 10000);
        const TopologySnapshot s = watcher.lastSnapshot();
        const HostPort master = local(m_sandbox->currentMasterPort());
        QCOMPARE(s.master.address, master);
        QCOMPARE(s.master.flags, QByteArray("master"));
        QCOMPARE(s.master.otherSentinels, 2);
        QCOMPARE(s.master.quorum, 2);
        QVERIFY(s.quorumOk);
        QVERIFY(s.quorumText.startsWith("OK"));
        QCOMPARE(s.replicas.size(), 2);
        for (const TopologySnapshot::Replica &r : s.replicas) {
            QCOMPARE(r.masterLinkStatus, QByteArray("ok"));
            QVERIFY(r.replicationOffset > 0);
            QVERIFY2(r.lagBytes >= 0, "the master answers INFO, so the lag in bytes is known");
            QVERIFY(r.lastOkPingMs >= 0 && r.lastOkPingMs < 5000);
            QCOMPARE(r.priority, 100);
        }
        QCOMPARE(s.sentinels.size(), 3);
        for (const TopologySnapshot::Sentinel &sentinel : s.sentinels)
            QCOMPARE(sentinel.reportedMaster, master);
        QVERIFY(s.sentinelsAgree());
        QCOMPARE(watcher.currentMaster(), master);
    }

    void sentinelFailover()
    {
        SentinelWatcher watcher(target());
        FailoverTracker tracker(m_sandbox->masterName().toUtf8());
        connect(&watcher, &SentinelWatcher::eventReceived, &tracker, &FailoverTracker::handleEvent);
        QSignalSpy switched(&watcher, &SentinelWatcher::masterSwitched);
        QSignalSpy events(&watcher, &SentinelWatcher::eventReceived);
        // What the watcher did, in order: polls finished, +switch-master heard, masterSwitched emitted.
        QStringList happened;
        connect(&watcher, &SentinelWatcher::snapshotUpdated, this, [&] { happened.append(QStringLiteral("snapshot")); });
        connect(&watcher, &SentinelWatcher::eventReceived, this, [&](const SentinelEvent &e) {
            if (e.name == "+switch-master")
                happened.append(QStringLiteral("+switch-master"));
        });
        connect(&watcher, &SentinelWatcher::masterSwitched, this, [&] { happened.append(QStringLiteral("switched")); });
        // No timed polls: only the two at start (once a sentinel answers, once the master does). No single sentinel
        // moves the master: the switch must come with the second +switch-master, the majority of the three sentinels,
        // as soon as it arrives, and without waiting for a poll.
        watcher.setPollInterval(24 * 3600 * 1000);
        watcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.subscribedSentinels().size(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.lastSnapshot().master.role == "master", 10000);
        const HostPort before = watcher.currentMaster();
        QVERIFY(before.isValid());
        const quint64 epoch = watcher.switchEpoch().value();

        happened.clear();
        QVERIFY(!m_sandbox->failover().isError());
        QVERIFY(switched.wait(30000));
        const qsizetype first = happened.indexOf(QStringLiteral("+switch-master"));
        const qsizetype second = happened.indexOf(QStringLiteral("+switch-master"), first + 1);
        QVERIFY2(first >= 0 && second == first + 1 && happened.indexOf(QStringLiteral("switched")) == second + 1,
                 qPrintable(happened.join(QLatin1Char(','))));
        QCOMPARE(switched.first().at(0).value<HostPort>(), before);
        const HostPort after = switched.first().at(1).value<HostPort>();
        QVERIFY(after != before);
        QCOMPARE(watcher.switchEpoch().value(), epoch + 1);

        QTRY_VERIFY_WITH_TIMEOUT(!tracker.records().isEmpty() && tracker.records().first().isFinished(), 20000);
        const FailoverRecord rec = tracker.records().first();
        QCOMPARE(rec.oldMaster, before);
        QCOMPARE(rec.newMaster, after);
        QCOMPARE(rec.promoted, after);
        QVERIFY(!rec.isAborted());
        const QList<FailoverRecord::Phase> order
            = {FailoverRecord::Started,         FailoverRecord::LeaderElected,        FailoverRecord::ReplicaSelected,
               FailoverRecord::ReplicaPromoted, FailoverRecord::ReplicasReconfigured, FailoverRecord::Ended};
        for (qsizetype i = 0; i < order.size(); ++i) {
            QVERIFY2(rec.reached(order.at(i)), qPrintable(FailoverRecord::phaseName(order.at(i))));
            if (i > 0)
                QVERIFY(rec.at.at(order.at(i - 1)) <= rec.at.at(order.at(i)));
        }
        QVERIFY(rec.at.at(FailoverRecord::SwitchMaster) >= rec.at.at(FailoverRecord::ReplicaPromoted));
        QVERIFY(rec.durationMs() > 0 && rec.durationMs() < 20000);

        // Every sentinel told us about the switch.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QSet<HostPort> reporters;
                for (const QList<QVariant> &args : std::as_const(events)) {
                    const SentinelEvent e = args.first().value<SentinelEvent>();
                    if (e.name == "+switch-master")
                        reporters.insert(e.reporter);
                }
                return reporters.size() == 3;
            }(),
            10000);
        QCOMPARE(tracker.records().size(), 1);
        settle();
    }

    // The sentinels see the master up, but Vigil cannot reach it (here an address map sends it to a closed port, as a
    // wrong NAT entry or a firewall would). The snapshot says Vigil's own connection failed, and why, so the diagram
    // does not draw "✓ up" over a master the Deployment tab cannot reach.
    void aMasterVigilCannotReachIsSaidSo()
    {
        const HostPort real = local(m_sandbox->currentMasterPort());
        const HostPort closed = local(SandboxFixture::closedPorts(1).first());
        SentinelTarget t = target();
        t.addressMap.insert(real, closed);
        SentinelWatcher watcher(t);
        watcher.setPollInterval(200);
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.lastSnapshot().master.connectionFailed, 10000);
        const TopologySnapshot s = watcher.lastSnapshot();
        QCOMPARE(s.master.address, closed);
        QVERIFY2(s.master.error.startsWith(QStringLiteral("master %1").arg(closed.toString())),
                 qPrintable(s.master.error));
        QVERIFY2(s.master.error.contains(QStringLiteral("connection refused")), qPrintable(s.master.error));
        QVERIFY(!s.master.flags.contains("s_down")); // the sentinels reach it

        // Through the real address it answers, and nothing says it failed.
        SentinelWatcher direct(target());
        direct.setPollInterval(200);
        direct.start();
        QTRY_VERIFY_WITH_TIMEOUT(!direct.lastSnapshot().master.role.isEmpty(), 10000);
        QVERIFY(!direct.lastSnapshot().master.connectionFailed);
        QVERIFY(direct.lastSnapshot().master.error.isEmpty());
    }

    void killMinusNineOfTheMaster()
    {
        SentinelWatcher watcher(target());
        FailoverTracker tracker(m_sandbox->masterName().toUtf8());
        connect(&watcher, &SentinelWatcher::eventReceived, &tracker, &FailoverTracker::handleEvent);
        QSignalSpy switched(&watcher, &SentinelWatcher::masterSwitched);
        watcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.subscribedSentinels().size(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.currentMaster().isValid(), 10000);
        const HostPort killed = watcher.currentMaster();
        // Once a sentinel has said on pub/sub that the killed master, now listed as a replica, is down, no snapshot
        // may show it as merely re-syncing: the polled sentinel may not have flagged it yet, but it is down.
        bool sdownSaid = false;
        QStringList calm;
        QList<TopologySnapshot> downs;
        connect(&watcher, &SentinelWatcher::eventReceived, this, [&](const SentinelEvent &e) {
            sdownSaid = sdownSaid || (e.name == "+sdown" && e.instanceType == "slave" && e.instance == killed);
        });
        // Vigil's own connection to the master breaks with the kill: a snapshot says so before any sentinel says
        // +sdown (down-after, 1 s, later), polled at once rather than a whole interval (2 s here) later.
        bool masterSdownHeard = false;
        bool notAnsweringShown = false;
        connect(&watcher, &SentinelWatcher::eventReceived, this, [&](const SentinelEvent &e) {
            masterSdownHeard = masterSdownHeard || (e.name == "+sdown" && e.instance == killed);
        });
        connect(&watcher, &SentinelWatcher::snapshotUpdated, this, [&](const TopologySnapshot &snapshot) {
            const bool notAnswering
                = snapshot.master.address == killed && snapshot.master.connectionFailed
                  && snapshot.master.error.startsWith(QStringLiteral("master %1").arg(killed.toString()));
            notAnsweringShown = notAnsweringShown || (notAnswering && !masterSdownHeard);
            for (const TopologySnapshot::Replica &r : snapshot.replicas) {
                if (r.address != killed || !sdownSaid)
                    continue;
                if (r.flags.contains("s_down") || !r.downSaidBy.isEmpty())
                    downs.append(snapshot);
                else
                    calm.append(QString::fromLatin1(r.flags + (r.resyncing ? " (re-syncing)" : "")));
            }
        });

        QVERIFY(!m_sandbox->killMaster().isError());
        QVERIFY(switched.wait(30000));
        QVERIFY(notAnsweringShown);
        QTRY_VERIFY_WITH_TIMEOUT(sdownSaid && !downs.isEmpty(), 30000);
        QVERIFY2(calm.isEmpty(), qPrintable(calm.join(QStringLiteral("; "))));
        QCOMPARE(switched.first().at(0).value<HostPort>(), killed);
        // The failover is the record that switched. Under load a sentinel can see the master down for a moment
        // before the kill (down-after is 1 s); once every sentinel saw it back, the tracker rightly keeps that as an
        // earlier outage that ended. If one still saw it down at the kill, the failover carries that outage on.
        const auto failover = [&] {
            for (qsizetype i = 0; i < tracker.records().size(); ++i)
                if (tracker.records().at(i).reached(FailoverRecord::SwitchMaster))
                    return i;
            return qsizetype(-1);
        };
        QTRY_VERIFY_WITH_TIMEOUT(failover() >= 0 && tracker.records().at(failover()).isFinished(), 30000);
        QByteArray records;
        for (const FailoverRecord &r : tracker.records())
            records += r.toJson() + '\n';
        for (qsizetype i = 0; i < failover(); ++i) {
            const FailoverRecord &outage = tracker.records().at(i);
            QVERIFY2(outage.isAborted() && !outage.reached(FailoverRecord::LeaderElected), records.constData());
        }
        const FailoverRecord rec = tracker.records().at(failover());
        QCOMPARE(rec.startEvent, QByteArray("+sdown"));
        QCOMPARE(rec.oldMaster, killed);
        QSet<QByteArray> names;
        for (const SentinelEvent &e : rec.events)
            names.insert(e.name);
        for (const char *expected : {"+sdown", "+odown", "+try-failover", "+elected-leader", "+selected-slave",
                                     "+promoted-slave", "+switch-master", "+failover-end"})
            QVERIFY2(names.contains(expected),
                     qPrintable(QString::fromLatin1(expected) + QLatin1Char('\n') + QString::fromUtf8(records)));
        QVERIFY(rec.durationMs() >= 1000); // down-after-milliseconds is 1000

        // The resolver now finds the new master.
        SentinelTarget t = target();
        MasterResolver resolver(t);
        ResolvedMaster resolved;
        VigilError error;
        QVERIFY(resolver.connectToMaster(&resolved, &error));
        QCOMPARE(resolved.address, rec.newMaster);
        QCOMPARE(resolved.role, QByteArray("master"));

        QVERIFY(!m_sandbox->restartNode(killed.port).isError());
        settle();
    }

    void losingTheFirstSentinel()
    {
        SentinelWatcher watcher(target());
        QSignalSpy lost(&watcher, &SentinelWatcher::sentinelLost);
        QSignalSpy switched(&watcher, &SentinelWatcher::masterSwitched);
        watcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.subscribedSentinels().size(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.currentMaster().isValid(), 10000);
        const HostPort first = target().seeds.first();

        QVERIFY(!m_sandbox->killSentinel(0).isError());
        QVERIFY(lost.wait(15000));
        QCOMPARE(lost.first().first().value<HostPort>(), first);
        QTRY_COMPARE_WITH_TIMEOUT(watcher.subscribedSentinels().size(), 2, 15000);

        // Watching goes on through the others: a failover is still seen.
        const HostPort before = watcher.currentMaster();
        QByteArray seen; // what the sentinels said, for the failure message
        connect(&watcher, &SentinelWatcher::eventReceived, this,
                [&seen](const SentinelEvent &e) { seen += e.name + ' ' + e.raw + '\n'; });
        QVERIFY(!m_sandbox->failover().isError());
        // A failover ends (+switch-master) once the other replica is reconfigured, or at failover-timeout (5 s) if it
        // is slow to: 10 s was too tight once in five runs on a loaded machine.
        QVERIFY2(switched.wait(30000), seen.constData());
        QCOMPARE(switched.first().at(0).value<HostPort>(), before);

        // When the sentinel comes back, the watcher subscribes to it again.
        QVERIFY(!m_sandbox->restartNode(first.port).isError());
        QTRY_VERIFY_WITH_TIMEOUT(watcher.subscribedSentinels().contains(first), 15000);
        QCOMPARE(watcher.subscribedSentinels().size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestSentinelWatcher)
#include "tst_sentinelwatcher.moc"
