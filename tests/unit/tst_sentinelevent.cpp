#include "sentinel/failovertracker.h"
#include "sentinel/sentinelevent.h"

#include <QSignalSpy>
#include <QTest>

// Parsing Sentinel's pub/sub messages, and grouping them into failover records.
class TestSentinelEvent final : public QObject
{
    Q_OBJECT

private:
    static const HostPort s1;
    static const HostPort s2;
    QDateTime m_clock = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);

    SentinelEvent at(qint64 ms, const QByteArray &channel, const QByteArray &payload, const HostPort &from = s1)
    {
        return SentinelEvent::parse(channel, payload, from, m_clock.addMSecs(ms));
    }

private Q_SLOTS:
    void parsesInstanceDetails_data()
    {
        QTest::addColumn<QByteArray>("channel");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QString>("instance");
        QTest::addColumn<QByteArray>("masterName");
        QTest::addColumn<QString>("master");
        QTest::addColumn<QByteArray>("detail");

        QTest::newRow("sdown master") << QByteArray("+sdown") << QByteArray("master vigil 127.0.0.1 6379")
                                      << QByteArray("master") << "127.0.0.1:6379" << QByteArray("vigil")
                                      << "127.0.0.1:6379" << QByteArray();
        QTest::newRow("odown quorum") << QByteArray("+odown") << QByteArray("master vigil 10.0.0.5 6379 #quorum 2/2")
                                      << QByteArray("master") << "10.0.0.5:6379" << QByteArray("vigil")
                                      << "10.0.0.5:6379" << QByteArray("#quorum 2/2");
        QTest::newRow("selected slave") << QByteArray("+selected-slave")
                                        << QByteArray("slave 127.0.0.1:6380 127.0.0.1 6380 @ vigil 127.0.0.1 6379")
                                        << QByteArray("slave") << "127.0.0.1:6380" << QByteArray("vigil")
                                        << "127.0.0.1:6379" << QByteArray();
        QTest::newRow("role change")
            << QByteArray("-role-change")
            << QByteArray("slave 127.0.0.1:6380 127.0.0.1 6380 @ vigil 127.0.0.1 6379 new reported role is master")
            << QByteArray("slave") << "127.0.0.1:6380" << QByteArray("vigil") << "127.0.0.1:6379"
            << QByteArray("new reported role is master");
        QTest::newRow("sentinel") << QByteArray("+sentinel")
                                  << QByteArray("sentinel 24f2478946aa92ec 127.0.0.1 26380 @ vigil 127.0.0.1 6379")
                                  << QByteArray("sentinel") << "127.0.0.1:26380" << QByteArray("vigil")
                                  << "127.0.0.1:6379" << QByteArray();
        QTest::newRow("new epoch") << QByteArray("+new-epoch") << QByteArray("5") << QByteArray() << QString()
                                   << QByteArray() << QString() << QByteArray("5");
        QTest::newRow("tilt") << QByteArray("+tilt") << QByteArray("#tilt mode entered") << QByteArray() << QString()
                              << QByteArray() << QString() << QByteArray("#tilt mode entered");
        QTest::newRow("unknown event kept raw")
            << QByteArray("+from-the-future") << QByteArray("something new 1 2") << QByteArray() << QString()
            << QByteArray() << QString() << QByteArray("something new 1 2");
        QTest::newRow("ipv6") << QByteArray("+sdown") << QByteArray("master vigil ::1 6379") << QByteArray("master")
                              << "[::1]:6379" << QByteArray("vigil") << "[::1]:6379" << QByteArray();
    }

    void parsesInstanceDetails()
    {
        QFETCH(QByteArray, channel);
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, type);
        QFETCH(QString, instance);
        QFETCH(QByteArray, masterName);
        QFETCH(QString, master);
        QFETCH(QByteArray, detail);
        const SentinelEvent e = SentinelEvent::parse(channel, payload, s1);
        QCOMPARE(e.name, channel);
        QCOMPARE(e.raw, payload);
        QCOMPARE(e.instanceType, type);
        QCOMPARE(e.instance.isValid() ? e.instance.toString() : QString(), instance);
        QCOMPARE(e.masterName, masterName);
        QCOMPARE(e.master.isValid() ? e.master.toString() : QString(), master);
        QCOMPARE(e.detail, detail);
        QCOMPARE(e.reporter, s1);
    }

    void parsesSwitchMaster()
    {
        const SentinelEvent e = SentinelEvent::parse("+switch-master", "vigil 127.0.0.1 6379 127.0.0.1 6380", s2);
        QCOMPARE(e.masterName, QByteArray("vigil"));
        QCOMPARE(e.oldMaster.toString(), QStringLiteral("127.0.0.1:6379"));
        QCOMPARE(e.newMaster.toString(), QStringLiteral("127.0.0.1:6380"));
        QCOMPARE(e.describe(),
                 QStringLiteral("+switch-master vigil 127.0.0.1:6379 -> 127.0.0.1:6380 (from 127.0.0.1:26380)"));
    }

    void keepsABrokenSwitchMasterRaw()
    {
        // The reproducer fuzz_sentinelevent found: five words, but no address reads. It used to come out as an event
        // about a master with no address, which the failover tracker then took for a switch.
        const QByteArray payload("vigil  vigil 127.0.0nt anythin\x0f at 127.0.0nt anythin\x0f at all");
        const SentinelEvent e = SentinelEvent::parse("+switch-master", payload, s2);
        QCOMPARE(e.raw, payload);
        QCOMPARE(e.detail, payload);
        QVERIFY(e.instanceType.isEmpty());
        QVERIFY(e.masterName.isEmpty());
        QVERIFY(!e.newMaster.isValid());
        FailoverTracker tracker("vigil");
        tracker.handleEvent(e);
        QVERIFY(tracker.records().isEmpty());
    }

    void trackerBuildsAManualFailover()
    {
        // As recorded from a real SENTINEL FAILOVER in the sandbox: the leader (s1) goes through every phase; the other
        // sentinel switches on +config-update-from, before the leader's +failover-end.
        FailoverTracker tracker("vigil");
        QSignalSpy finished(&tracker, &FailoverTracker::failoverFinished);
        const QByteArray m = "master vigil 127.0.0.1 6379";
        const QByteArray r = "slave 127.0.0.1:6380 127.0.0.1 6380 @ vigil 127.0.0.1 6379";
        tracker.handleEvent(at(0, "+new-epoch", "1"));
        tracker.handleEvent(at(1, "+try-failover", m));
        tracker.handleEvent(at(60, "+elected-leader", m));
        tracker.handleEvent(at(60, "+failover-state-select-slave", m));
        tracker.handleEvent(at(110, "+selected-slave", r));
        tracker.handleEvent(at(110, "+failover-state-send-slaveof-noone", r));
        tracker.handleEvent(at(1080, "+promoted-slave", r));
        tracker.handleEvent(at(1080, "+failover-state-reconf-slaves", m));
        tracker.handleEvent(at(1160, "+switch-master", "vigil 127.0.0.1 6379 127.0.0.1 6380", s2));
        QCOMPARE(finished.size(), 0);
        tracker.handleEvent(
            at(2100, "+slave-reconf-done", "slave 127.0.0.1:6381 127.0.0.1 6381 @ vigil 127.0.0.1 6379"));
        tracker.handleEvent(at(2190, "+failover-end", m));
        QCOMPARE(finished.size(), 1);
        // The leader's own late +switch-master joins the same record instead of opening another.
        tracker.handleEvent(at(2191, "+switch-master", "vigil 127.0.0.1 6379 127.0.0.1 6380"));
        QCOMPARE(tracker.records().size(), 1);

        const FailoverRecord &rec = tracker.records().first();
        QCOMPARE(rec.startEvent, QByteArray("+try-failover"));
        QCOMPARE(rec.oldMaster.toString(), QStringLiteral("127.0.0.1:6379"));
        QCOMPARE(rec.newMaster.toString(), QStringLiteral("127.0.0.1:6380"));
        QCOMPARE(rec.leader, s1);
        QCOMPARE(rec.promoted.toString(), QStringLiteral("127.0.0.1:6380"));
        QCOMPARE(rec.durationMs(), 2189);
        const QList<FailoverRecord::Phase> order
            = {FailoverRecord::Started,         FailoverRecord::LeaderElected,        FailoverRecord::ReplicaSelected,
               FailoverRecord::ReplicaPromoted, FailoverRecord::ReplicasReconfigured, FailoverRecord::Ended};
        for (qsizetype i = 1; i < order.size(); ++i) {
            QVERIFY(rec.reached(order.at(i)));
            QVERIFY(rec.at.at(order.at(i - 1)) <= rec.at.at(order.at(i)));
        }
        QCOMPARE(rec.at.at(FailoverRecord::SwitchMaster), m_clock.addMSecs(1160));
        QVERIFY(!rec.isAborted());
    }

    void anOutageOfTheNewMasterLeavesTheFailoverWhole()
    {
        // As seen in CI under load, after kill -9 of the master: a sentinel that had switched flagged the new master
        // +sdown for a moment, 50 ms before the leader's +failover-end. The failover still gets its end, and the
        // outage of the new master is a record of its own.
        FailoverTracker tracker("vigil");
        QSignalSpy finished(&tracker, &FailoverTracker::failoverFinished);
        const QByteArray m = "master vigil 127.0.0.1 6379";
        const QByteArray r = "slave 127.0.0.1:6380 127.0.0.1 6380 @ vigil 127.0.0.1 6379";
        const QByteArray promoted = "master vigil 127.0.0.1 6380";
        tracker.handleEvent(at(0, "+sdown", m));
        tracker.handleEvent(at(10, "+sdown", m, s2));
        tracker.handleEvent(at(20, "+odown", m));
        tracker.handleEvent(at(20, "+try-failover", m));
        tracker.handleEvent(at(860, "+elected-leader", m));
        tracker.handleEvent(at(920, "+selected-slave", r));
        tracker.handleEvent(at(1800, "+promoted-slave", r));
        tracker.handleEvent(at(1860, "+switch-master", "vigil 127.0.0.1 6379 127.0.0.1 6380", s2));
        tracker.handleEvent(
            at(2830, "+slave-reconf-done", "slave 127.0.0.1:6381 127.0.0.1 6381 @ vigil 127.0.0.1 6379"));
        tracker.handleEvent(at(2880, "+sdown", promoted, s2));
        QCOMPARE(tracker.records().size(), 2);
        QCOMPARE(finished.size(), 0); // neither is over
        tracker.handleEvent(at(2900, "+failover-end", m));
        tracker.handleEvent(at(2901, "+switch-master", "vigil 127.0.0.1 6379 127.0.0.1 6380"));
        QCOMPARE(finished.size(), 1);
        tracker.handleEvent(at(3300, "-sdown", promoted, s2));
        QCOMPARE(finished.size(), 2);
        QCOMPARE(tracker.records().size(), 2);

        const FailoverRecord &failover = tracker.records().first();
        QCOMPARE(finished.first().first().value<FailoverRecord>().id, failover.id);
        QVERIFY(failover.isFinished());
        QVERIFY(!failover.superseded);
        QVERIFY(!failover.isAborted());
        QCOMPARE(failover.at.at(FailoverRecord::Ended), m_clock.addMSecs(2900));
        QCOMPARE(failover.newMaster.toString(), QStringLiteral("127.0.0.1:6380"));
        QCOMPARE(failover.durationMs(), 2900);
        QCOMPARE(failover.events.size(), 11);

        const FailoverRecord &outage = tracker.records().last();
        QCOMPARE(outage.oldMaster.toString(), QStringLiteral("127.0.0.1:6380"));
        QCOMPARE(outage.startEvent, QByteArray("+sdown"));
        QCOMPARE(outage.abortReason, QByteArray("-sdown"));
        QCOMPARE(outage.events.size(), 2);
        QCOMPARE(outage.durationMs(), 420);
    }

    void aFailoverWhoseEndNeverComesIsClosedByTheNextOne()
    {
        // The leader's +failover-end is lost (its connection dropped). A later outage of the node it promoted keeps the
        // record open; the failover after that closes it, incomplete, so no record waits forever behind newer ones.
        FailoverTracker tracker("vigil");
        QSignalSpy finished(&tracker, &FailoverTracker::failoverFinished);
        const QByteArray a = "master vigil 127.0.0.1 6379";
        const QByteArray b = "master vigil 127.0.0.1 6380";
        tracker.handleEvent(at(0, "+sdown", a));
        tracker.handleEvent(at(900, "+switch-master", "vigil 127.0.0.1 6379 127.0.0.1 6380", s2));
        tracker.handleEvent(at(1000, "+sdown", b, s2));
        tracker.handleEvent(at(1500, "+try-failover", b, s2));
        tracker.handleEvent(at(2000, "+switch-master", "vigil 127.0.0.1 6380 127.0.0.1 6381", s2));
        QCOMPARE(finished.size(), 0);
        tracker.handleEvent(at(2500, "+sdown", "master vigil 127.0.0.1 6381"));
        QCOMPARE(tracker.records().size(), 3);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<FailoverRecord>().id, 1);
        QVERIFY(tracker.records().first().superseded);
        QVERIFY(!tracker.records().at(1).isFinished());
        // The second failover's end still finds it.
        tracker.handleEvent(at(2600, "+failover-end", b, s2));
        QCOMPARE(finished.size(), 2);
        QVERIFY(!tracker.records().at(1).superseded);
        QCOMPARE(tracker.records().at(1).durationMs(), 1600);
    }

    void outageWithoutFailoverIsAnAbortedRecord()
    {
        FailoverTracker tracker("vigil");
        const QByteArray m = "master vigil 127.0.0.1 6379";
        tracker.handleEvent(at(0, "+sdown", m));
        tracker.handleEvent(at(10, "+sdown", m, s2));
        tracker.handleEvent(at(700, "-sdown", m));
        // The second sentinel still sees the master down: the outage goes on.
        QCOMPARE(tracker.records().size(), 1);
        QVERIFY(!tracker.records().first().isFinished());
        tracker.handleEvent(at(900, "-sdown", m, s2));
        QCOMPARE(tracker.records().size(), 1);
        const FailoverRecord &rec = tracker.records().first();
        QVERIFY(rec.isAborted());
        QCOMPARE(rec.abortReason, QByteArray("-sdown"));
        QCOMPARE(rec.durationMs(), 900);
        QVERIFY(!rec.reached(FailoverRecord::SwitchMaster));
    }

    void aKillDuringAMomentaryOutageCarriesItOn()
    {
        // As seen in CI under ASan: both sentinels missed the master's pings for a moment, one saw it back, and the
        // master was killed before the other did. That one's next word is +odown. The failover is the same outage,
        // started by the first +sdown, not a new record that begins at +odown after an outage "that ended".
        FailoverTracker tracker("vigil");
        QSignalSpy finished(&tracker, &FailoverTracker::failoverFinished);
        const QByteArray m = "master vigil 127.0.0.1 6379";
        tracker.handleEvent(at(0, "+sdown", m));
        tracker.handleEvent(at(10, "+sdown", m, s2));
        tracker.handleEvent(at(400, "-sdown", m));
        QCOMPARE(finished.size(), 0);
        tracker.handleEvent(at(1500, "+odown", m, s2));
        tracker.handleEvent(at(1500, "+try-failover", m, s2));
        tracker.handleEvent(at(1600, "+sdown", m));
        tracker.handleEvent(at(1700, "+elected-leader", m, s2));
        tracker.handleEvent(at(2600, "+switch-master", "vigil 127.0.0.1 6379 127.0.0.1 6380"));
        tracker.handleEvent(at(3000, "+failover-end", m, s2));
        QCOMPARE(tracker.records().size(), 1);
        QCOMPARE(finished.size(), 1);
        const FailoverRecord &rec = tracker.records().first();
        QCOMPARE(rec.startEvent, QByteArray("+sdown"));
        QVERIFY(!rec.isAborted());
        QCOMPARE(rec.leader, s2);
        QCOMPARE(rec.durationMs(), 3000);
    }

    void aLostSentinelDoesNotHoldAnOutageOpen()
    {
        const QByteArray m = "master vigil 127.0.0.1 6379";
        {
            // The sentinel that still saw the master down is lost after the other said it is back.
            FailoverTracker tracker("vigil");
            QSignalSpy finished(&tracker, &FailoverTracker::failoverFinished);
            tracker.handleEvent(at(0, "+sdown", m));
            tracker.handleEvent(at(10, "+sdown", m, s2));
            tracker.handleEvent(at(600, "-sdown", m));
            tracker.forgetSentinel(s1); // lost with nothing held: changes nothing
            QCOMPARE(finished.size(), 0);
            tracker.forgetSentinel(s2);
            QCOMPARE(finished.size(), 1);
            const FailoverRecord &rec = tracker.records().first();
            QVERIFY(rec.isAborted());
            QCOMPARE(rec.durationMs(), 600); // ended when the last sentinel still heard said so
        }
        {
            // Lost first: the other sentinel's -sdown ends the outage.
            FailoverTracker tracker("vigil");
            QSignalSpy finished(&tracker, &FailoverTracker::failoverFinished);
            tracker.handleEvent(at(0, "+sdown", m));
            tracker.handleEvent(at(10, "+sdown", m, s2));
            tracker.forgetSentinel(s2);
            QCOMPARE(finished.size(), 0); // nobody said it is back
            tracker.handleEvent(at(800, "-sdown", m));
            QCOMPARE(finished.size(), 1);
            QCOMPARE(tracker.records().first().durationMs(), 800);
        }
    }

    void abortedFailover()
    {
        FailoverTracker tracker("vigil");
        const QByteArray m = "master vigil 127.0.0.1 6379";
        tracker.handleEvent(at(0, "+sdown", m));
        tracker.handleEvent(at(50, "+odown", m));
        tracker.handleEvent(at(50, "+try-failover", m));
        tracker.handleEvent(at(90, "+elected-leader", m));
        tracker.handleEvent(at(95, "-failover-abort-no-good-slave", m));
        QCOMPARE(tracker.records().size(), 1);
        QCOMPARE(tracker.records().first().abortReason, QByteArray("-failover-abort-no-good-slave"));
        QVERIFY(tracker.records().first().isFinished());
        // Events about other masters and about replicas do not open records.
        tracker.handleEvent(at(200, "+sdown", "master other 127.0.0.1 7000"));
        tracker.handleEvent(at(210, "+sdown", "slave 127.0.0.1:6380 127.0.0.1 6380 @ vigil 127.0.0.1 6379"));
        QCOMPARE(tracker.records().size(), 1);
        // A new outage after it is a new record.
        tracker.handleEvent(at(5000, "+sdown", m));
        QCOMPARE(tracker.records().size(), 2);
        QCOMPARE(tracker.records().last().id, 2);
    }
};

const HostPort TestSentinelEvent::s1{QStringLiteral("127.0.0.1"), 26379};
const HostPort TestSentinelEvent::s2{QStringLiteral("127.0.0.1"), 26380};

QTEST_GUILESS_MAIN(TestSentinelEvent)
#include "tst_sentinelevent.moc"
