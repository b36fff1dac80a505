#pragma once

#include "common/vigilerror.h"
#include "masterresolver.h"
#include "sentinelevent.h"
#include "switchepoch.h"
#include "topologysnapshot.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <functional>

class QTimer;
class RedisConnection;
class RespValue;

// Watches one Sentinel-managed master through every sentinel it can find.
//
// For each sentinel it keeps two connections: one subscribed with PSUBSCRIBE * (every event becomes a SentinelEvent)
// and one for commands. Every pollInterval it builds a TopologySnapshot. It watches the seeds and the sentinels a seed
// lists in SENTINEL SENTINELS (never one announced only on pub/sub: the sentinel password goes to no other), drops
// the ones no longer listed, and reconnects lost ones with backoff.
//
// No single sentinel moves the master. masterSwitched(old, new) fires on whichever comes first: +switch-master events
// for the same address from a majority of the subscribed sentinels, or a poll where a majority of the sentinels that
// answered name a new address. It also bumps switchEpoch(), which other threads read. confirmedMaster() is the last
// address a majority named; while the sentinels disagree it is empty, and nothing that carries the data password
// (the watcher's own master connection included) goes to an address they have not confirmed.
// Asynchronous: lives on a thread with an event loop.
class SentinelWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SentinelWatcher)

public:
    explicit SentinelWatcher(SentinelTarget target, QObject *parent = nullptr);
    // Connections come from `connections`, the deployment's factory (a factory of its own when null).
    SentinelWatcher(SentinelTarget target, ConnectionFactoryPtr connections, QObject *parent = nullptr);
    ~SentinelWatcher() override;

    const SentinelTarget &target() const { return m_target; }
    SwitchEpoch switchEpoch() const { return m_epoch; }
    void setPollInterval(int milliseconds);
    int pollInterval() const { return m_pollIntervalMs; }

    HostPort currentMaster() const { return m_master; }
    // The address a majority of the answering sentinels named last; empty while they disagree.
    HostPort confirmedMaster() const { return m_confirmedMaster; }
    // The user trusts `master` although the sentinels disagree: the watcher's own connection may go there (for the
    // Deployment tab's ROLE, INFO and DBSIZE). In memory, for this session.
    void trustMaster(const HostPort &master);
    QList<HostPort> knownSentinels() const { return m_links.keys(); }
    QList<HostPort> subscribedSentinels() const;
    const TopologySnapshot &lastSnapshot() const { return m_snapshot; }

public Q_SLOTS:
    void start();
    void stop();
    void pollNow();

Q_SIGNALS:
    void eventReceived(const SentinelEvent &event);
    void snapshotUpdated(const TopologySnapshot &snapshot);
    void masterSwitched(const HostPort &oldMaster, const HostPort &newMaster);
    // The master's address changed, including the first time it is learned (masterSwitched is only for switches).
    void masterChanged(const HostPort &master);
    // confirmedMaster() changed: a majority named a master, or the sentinels stopped agreeing (an empty address).
    void masterConfirmationChanged(const HostPort &confirmed);
    void sentinelSubscribed(const HostPort &sentinel);
    void sentinelLost(const HostPort &sentinel, const VigilError &error);

private:
    struct Link;

    void addSentinel(const HostPort &address);
    void removeSentinel(const HostPort &address);
    void openLink(Link *link);
    void handleLinkFailed(Link *link, const VigilError &error);
    void handleMessage(Link *link, const RespValue &message);
    void noteMaster(const HostPort &address);
    void setConfirmed(const HostPort &address);
    void countSwitchVote(const HostPort &sentinel, const HostPort &newMaster);
    void finishPoll();
    void forgetSdownReports(const HostPort &sentinel);
    // Notes on the replicas without a link which sentinels said they are down (Replica::downSaidBy).
    void applySdownReports(TopologySnapshot &snapshot) const;
    void ensureMasterConnection();

    void pollMaster(const std::function<void()> &done);
    void probeFailover(RedisConnection *sentinel);

    SentinelTarget m_target;
    ConnectionFactoryPtr m_connections;
    QByteArray m_masterName;
    SwitchEpoch m_epoch;
    QHash<HostPort, Link *> m_links;
    QTimer *m_pollTimer = nullptr;
    int m_pollIntervalMs = 2000;
    bool m_running = false;
    HostPort m_master;
    HostPort m_confirmedMaster;
    HostPort m_trustedMaster;
    QHash<HostPort, HostPort> m_switchVotes; // sentinel → the address its +switch-master named, until the next switch
    RedisConnection *m_masterConnection = nullptr;
    QString m_masterError;         // the master connection's last failure, until it is ready again
    bool m_masterAnswered = false; // the master connection was ready: its failure is a loss, worth a poll at once
    // Learned from NOPERM on the master connection, and forgotten with it: a refused command is not asked again every
    // poll (an error per poll would be a storm in the making), and a new connection may belong to a changed ACL.
    bool m_roleDenied = false;
    bool m_infoDenied = false;
    bool m_failoverProbed = false;
    QString m_failoverDenied;
    QString m_eventsDenied;
    bool m_pollAgain = false;    // a poll was asked for while one was in flight
    QElapsedTimer m_settleClock; // since the last failover event about the master, or its last switch
    // Each instance's latest +sdown (true) or -sdown (false) from each subscribed sentinel; a sentinel's word is
    // dropped when its link fails or it is removed.
    QHash<HostPort, QHash<HostPort, bool>> m_sdownSaid;

    // The poll in flight.
    int m_pollOutstanding = 0;
    TopologySnapshot m_pending;
    QHash<HostPort, HostPort> m_answers; // each sentinel's get-master-addr-by-name
    QHash<HostPort, QString> m_answerErrors;
    QHash<HostPort, qint64> m_replicaOffsets; // from the master's INFO replication
    TopologySnapshot m_snapshot;
};
