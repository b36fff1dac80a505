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
};

QTEST_GUILESS_MAIN(TestTopologySnapshot)
#include "tst_topologysnapshot.moc"
