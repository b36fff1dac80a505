#pragma once

#include "hostport.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>

// What the sentinels say about one master at one moment: SENTINEL MASTER, REPLICAS, SENTINELS and CKQUORUM from one
// sentinel, plus every sentinel's own answer to get-master-addr-by-name, so that disagreement can be seen.
struct TopologySnapshot
{
    struct Master
    {
        HostPort address;
        QByteArray runId;
        QByteArray flags; // "master", "master,s_down", "master,s_down,o_down", ...
        qint64 configEpoch = -1;
        int otherSentinels = -1; // num-other-sentinels
        int quorum = -1;
        qint64 replicationOffset = -1; // master_repl_offset from the master's INFO, when it answers
        // The master's own answers on the watcher's connection to it (empty or -1 until it answers):
        QByteArray role;            // ROLE: "master", or "slave" while a failover demotes it
        QByteArray redisVersion;    // INFO server
        qint64 keys = -1;           // DBSIZE of the deployment's database
        int connectedReplicas = -1; // INFO replication
        QString error;              // why the master did not answer ("master 10.0.0.5:6379: connect: ...")
        // The error is from Vigil's own connection to it (connect, TLS, AUTH, a lost link), not a choice not to connect
        // (an address the sentinels have not confirmed gets no password, so no connection).
        bool connectionFailed = false;
        QString tls; // the watcher's TLS session to it ("TLSv1.3, <cipher>; certificate ..."), or empty
        // Least-privilege ACL users: INFO refused (no version, replica count or offsets), and ROLE refused too (then
        // role is "master" on the sentinels' word, and roleVerified is false).
        bool infoDenied = false;
        bool roleVerified = true;
    };
    struct Replica
    {
        HostPort address;
        QByteArray runId;
        QByteArray flags;            // "slave", "slave,s_down", ...
        QByteArray masterLinkStatus; // "ok" or "err"
        // Sentinel is reconfiguring it, or has just done so: a failover is under way or the master switched less than
        // switchGraceMs ago, and the replica is not down, only without its link (Sentinel's, or its own to the
        // master) for now. Not a fault: it is expected to come back by itself.
        bool resyncing = false;
        // The sentinels whose latest word on it, on pub/sub, was +sdown, while the polled sentinel has not flagged it
        // yet and has no link to it: after a switch the polled one forgets the old master and needs down-after to
        // flag it again as a replica, while another already said it is down. Empty when its link is up. It outweighs
        // `resyncing`: a node a sentinel says is down is not coming back by itself.
        QList<HostPort> downSaidBy;
        qint64 replicationOffset = -1; // as the master reports it (INFO replication), else as Sentinel last saw it
        qint64 lagBytes = -1;          // the master's offset minus this one, when the master answered
        qint64 lastOkPingMs = -1;      // how long since the sentinel's last good ping
        int priority = -1;
    };
    struct Sentinel
    {
        // Whether Vigil heard from it: asked and answered, still connecting (no answer yet, and no failure either:
        // the first second after a launch, or a sentinel just discovered), or failed (its connection or its answer).
        enum class Reach { Connecting, Answered, Failed };
        HostPort address;
        Reach reach = Reach::Connecting;
        QByteArray runId;
        QByteArray flags; // as the polled sentinel sees it; "sentinel" for the polled one itself
        qint64 lastOkPingMs = -1;
        HostPort reportedMaster; // this sentinel's own answer; invalid when it did not answer
        QString error;           // why it did not answer (empty while it is connecting)
    };

    // How long after a switch of the master the replicas count as re-syncing rather than down: Sentinel forgets what
    // it knew about them and connects to them again, and reads their link to the new master from INFO, which it
    // refreshes every 10 s.
    static constexpr int switchGraceMs = 30000;

    QByteArray masterName;
    QDateTime taken;
    HostPort polledSentinel;   // the sentinel MASTER/REPLICAS/SENTINELS came from
    QString polledSentinelTls; // the watcher's TLS session to it, or empty over plain TCP
    Master master;
    QList<Replica> replicas;
    QList<Sentinel> sentinels;
    bool quorumOk = false;
    QByteArray quorumText; // CKQUORUM's answer
    QString error;         // why the polled sentinel gave no SENTINEL MASTER (e.g. it does not know the name)
    // A failover is under way (the polled sentinel flags the master failover_in_progress, or reconfigures a replica),
    // or the master switched less than switchGraceMs ago. Sentinels may then name different masters for a moment,
    // and replicas re-sync: the diagram says so without an alarm.
    bool settling = false;
    // What the sentinel ACL user may not do, in words (empty when it may): SENTINEL FAILOVER (the drill), and
    // PSUBSCRIBE * (events; it needs the channel rule &*).
    QString failoverDenied;
    QString eventsDenied;
    // The watcher's master (where the scan and the key pane go), and whether a majority of the sentinels that answered
    // named it. Not confirmed means the sentinels disagree: nothing with the data password goes to a new address, and
    // writes wait, until they agree or the user trusts the address (MasterLink::trust()).
    HostPort watchedMaster;
    bool masterConfirmed = false;

    // One entry of SENTINEL MASTER, REPLICAS or SENTINELS (as a field map), its addresses through the address map.
    static Master masterFrom(const QHash<QByteArray, QByteArray> &fields, const AddressMap &addressMap);
    static Replica replicaFrom(const QHash<QByteArray, QByteArray> &fields, const AddressMap &addressMap);
    static Sentinel sentinelFrom(const QHash<QByteArray, QByteArray> &fields, const AddressMap &addressMap);

    bool isValid() const { return master.address.isValid(); }
    // True when every sentinel that answered names the same master.
    bool sentinelsAgree() const;
    // Of the sentinels that answered get-master-addr-by-name, how many; and how many named `address`.
    int sentinelsAnswering() const;
    int sentinelsNaming(const HostPort &address) const;
    // The confirmation in words: "2 of 3 sentinels", "one sentinel only", or who names what when they disagree.
    QString confirmationText() const;
};

Q_DECLARE_METATYPE(TopologySnapshot)
