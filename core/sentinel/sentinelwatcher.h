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
// and one for commands. Every pollInterval it builds a TopologySnapshot. It adds sentinels as they are discovered
// (SENTINEL SENTINELS, +sentinel), drops the ones no longer listed, and reconnects lost ones with backoff.
//
// masterSwitched(old, new) fires on whichever comes first: any sentinel's +switch-master, or a poll that finds a new
// address. It also bumps switchEpoch(), which other threads read. Asynchronous: lives on a thread with an event loop.
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
    void finishPoll();
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
    RedisConnection *m_masterConnection = nullptr;
    QString m_masterError; // the master connection's last failure, until it is ready again
    // Learned from NOPERM on the master connection, and forgotten with it: a refused command is not asked again every
    // poll (an error per poll would be a storm in the making), and a new connection may belong to a changed ACL.
    bool m_roleDenied = false;
    bool m_infoDenied = false;
    bool m_failoverProbed = false;
    QString m_failoverDenied;
    QString m_eventsDenied;
    bool m_pollAgain = false;    // a poll was asked for while one was in flight
    QElapsedTimer m_settleClock; // since the last failover event about the master, or its last switch

    // The poll in flight.
    int m_pollOutstanding = 0;
    TopologySnapshot m_pending;
    QHash<HostPort, HostPort> m_answers; // each sentinel's get-master-addr-by-name
    QHash<HostPort, QString> m_answerErrors;
    QHash<HostPort, qint64> m_replicaOffsets; // from the master's INFO replication
    TopologySnapshot m_snapshot;
};
