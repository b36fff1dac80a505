#pragma once

#include "resp/connectionfactory.h"
#include "scan/scanworker.h"
#include "sentinel/masterresolver.h"
#include "sentinel/switchepoch.h"
#include "sentinel/topologysnapshot.h"

#include <QObject>

class FailoverTracker;
class MasterLink;
class SentinelWatcher;

// One connected deployment (a Sentinel-managed master; a Redis Cluster later), and the one owner of everything that
// lives as long as the connection to it: the target (addresses and secrets), the connection factory every connection
// to its nodes comes from, the SentinelWatcher (events, snapshots, switch epoch: the only poller of its sentinels),
// the MasterLink for what a user reads and writes by hand, and the FailoverTracker.
//
// Widgets get a Deployment * and read the target through it; they never keep a copy. A window shows one deployment
// per tab; closing the tab deletes its Deployment and with it every connection it made. Lives on the GUI thread.
class Deployment final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Deployment)

public:
    // What the tab's mark and the title say about the deployment.
    enum class Health {
        Connecting,  // no snapshot yet
        Healthy,     // the sentinels name a master that is up
        MasterDown,  // the sentinels see the master down (s_down/o_down), or an outage is open
        FailingOver, // a failover is under way
        Unreachable, // no sentinel answers, or they do not know the master
    };
    Q_ENUM(Health)

    explicit Deployment(SentinelTarget target, QObject *parent = nullptr);
    ~Deployment() override;

    const SentinelTarget &target() const { return m_target; }
    QString masterName() const { return m_target.masterName; }
    bool isReadOnly() const { return m_target.readOnly; }
    int database() const { return m_target.db; }
    // "vigil @ 127.0.0.1:26379" – how the deployment is named where there is room for one line.
    QString title() const;

    // Starts watching the sentinels (polling every pollIntervalMs).
    void start(int pollIntervalMs = 2000);

    const ConnectionFactoryPtr &connections() const { return m_connections; }
    SentinelWatcher *watcher() const { return m_watcher; }
    MasterLink *link() const { return m_link; }
    FailoverTracker *failovers() const { return m_tracker; }
    SwitchEpoch switchEpoch() const;
    // The master the sentinels name (invalid until the first poll).
    HostPort master() const;
    const TopologySnapshot &lastSnapshot() const;

    Health health() const { return m_health; }
    // The health in a few words: "master 127.0.0.1:6380 is down (s_down)", "failing over from 127.0.0.1:6380", …
    QString healthText() const { return m_healthText; }

    // A scan of this deployment: read-only (a scan only reads), through its connection factory, hearing its switches.
    ScanRequest scanRequest(const ScanOptions &options) const;

    // The user trusts `master` although the sentinels disagree about it: the link sends it what waits, and the next
    // scan connects to it. In memory, for this session only.
    void trustMaster(const HostPort &master);

Q_SIGNALS:
    void healthChanged(Deployment::Health health);

private:
    void updateHealth();

    SentinelTarget m_target;
    ConnectionFactoryPtr m_connections;
    SentinelWatcher *m_watcher = nullptr;
    FailoverTracker *m_tracker = nullptr;
    MasterLink *m_link = nullptr;
    QHash<HostPort, QString> m_lost; // sentinels whose links are down, with why
    Health m_health = Health::Connecting;
    QString m_healthText;
};
