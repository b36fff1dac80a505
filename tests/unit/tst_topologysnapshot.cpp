#include "sentinel/topologysnapshot.h"

#include <QTest>

// What the Topology and Deployment tabs read from SENTINEL MASTER, REPLICAS and SENTINELS, without a server.
class TestTopologySnapshot final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void masterFields()
    {
        const QHash<QByteArray, QByteArray> fields = {
            {"name", "mymaster"},
            {"ip", "10.0.0.5"},
            {"port", "6379"},
            {"runid", "abc"},
            {"flags", "master,s_down"},
            {"config-epoch", "7"},
            {"num-other-sentinels", "2"},
            {"quorum", "2"},
        };
        AddressMap map;
        QVERIFY(map.insertRule(QStringLiteral("10.0.0.5:6379=127.0.0.1:7000")));
        const TopologySnapshot::Master master = TopologySnapshot::masterFrom(fields, map);
        QCOMPARE(master.address, (HostPort{QStringLiteral("127.0.0.1"), 7000}));
        QCOMPARE(master.flags, QByteArray("master,s_down"));
        QCOMPARE(master.configEpoch, 7);
        QCOMPARE(master.otherSentinels, 2);
        QCOMPARE(master.quorum, 2);
        QCOMPARE(master.runId, QByteArray("abc"));
    }

    void missingNumbersAreUnknown()
    {
        const TopologySnapshot::Replica replica
            = TopologySnapshot::replicaFrom({{"ip", "10.0.0.6"}, {"port", "6380"}, {"slave-priority", "x"}}, {});
        QCOMPARE(replica.address, (HostPort{QStringLiteral("10.0.0.6"), 6380}));
        QCOMPARE(replica.priority, -1);
        QCOMPARE(replica.replicationOffset, -1);
        QCOMPARE(replica.lastOkPingMs, -1);
    }

    void replicaAndSentinelFields()
    {
        const TopologySnapshot::Replica replica = TopologySnapshot::replicaFrom({{"ip", "10.0.0.6"},
                                                                                 {"port", "6380"},
                                                                                 {"flags", "slave"},
                                                                                 {"master-link-status", "err"},
                                                                                 {"slave-repl-offset", "1234"},
                                                                                 {"last-ok-ping-reply", "15"},
                                                                                 {"slave-priority", "100"}},
                                                                                {});
        QCOMPARE(replica.masterLinkStatus, QByteArray("err"));
        QCOMPARE(replica.replicationOffset, 1234);
        QCOMPARE(replica.lastOkPingMs, 15);
        QCOMPARE(replica.priority, 100);
        const TopologySnapshot::Sentinel sentinel = TopologySnapshot::sentinelFrom(
            {{"ip", "10.0.0.9"}, {"port", "26379"}, {"runid", "s1"}, {"flags", "sentinel"}}, {});
        QCOMPARE(sentinel.address, (HostPort{QStringLiteral("10.0.0.9"), 26379}));
        QCOMPARE(sentinel.runId, QByteArray("s1"));
    }

    void sentinelsAgree()
    {
        TopologySnapshot snapshot;
        TopologySnapshot::Sentinel a;
        a.reportedMaster = {QStringLiteral("10.0.0.5"), 6379};
        TopologySnapshot::Sentinel silent; // did not answer: no vote
        snapshot.sentinels = {a, silent, a};
        QVERIFY(snapshot.sentinelsAgree());
        TopologySnapshot::Sentinel other;
        other.reportedMaster = {QStringLiteral("10.0.0.6"), 6379};
        snapshot.sentinels.append(other);
        QVERIFY(!snapshot.sentinelsAgree());
    }

    // The first poll can run while one sentinel's link is still being made: one answer, no majority yet. The
    // Deployment tab must say it waits, not that the sentinels disagree; once the other names another master, it must.
    void aSentinelStillConnectingIsAWaitNotADisagreement()
    {
        TopologySnapshot snapshot;
        TopologySnapshot::Sentinel answered;
        answered.address = {QStringLiteral("10.0.0.9"), 26379};
        answered.reach = TopologySnapshot::Sentinel::Reach::Answered;
        answered.reportedMaster = {QStringLiteral("10.0.0.5"), 6379};
        TopologySnapshot::Sentinel connecting;
        connecting.address = {QStringLiteral("10.0.0.10"), 26379};
        snapshot.sentinels = {answered, connecting};
        QCOMPARE(snapshot.confirmationText(), QStringLiteral("not confirmed yet: 1 of 2 sentinels names 10.0.0.5:6379; "
                                                             "waiting for 1 still connecting"));

        snapshot.sentinels[1].reach = TopologySnapshot::Sentinel::Reach::Answered;
        snapshot.sentinels[1].reportedMaster = {QStringLiteral("10.0.0.6"), 6379};
        const QString text = snapshot.confirmationText();
        QVERIFY2(text.contains(QStringLiteral("the sentinels disagree")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("1 of 2 names 10.0.0.5:6379")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("1 of 2 names 10.0.0.6:6379")), qPrintable(text));

        // Two that agree, a third still connecting: the count says so.
        snapshot.sentinels[1].reportedMaster = snapshot.sentinels[0].reportedMaster;
        snapshot.sentinels.append(connecting);
        QCOMPARE(snapshot.confirmationText(), QStringLiteral("not confirmed yet: 2 of 3 sentinels name 10.0.0.5:6379; "
                                                             "waiting for 1 still connecting"));
    }
};

QTEST_GUILESS_MAIN(TestTopologySnapshot)
#include "tst_topologysnapshot.moc"
