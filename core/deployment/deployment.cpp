#include "deployment.h"

#include "sentinel/failovertracker.h"
#include "sentinel/masterlink.h"
#include "sentinel/sentinelwatcher.h"
#include "ssh/sshtunnel.h"

Deployment::Deployment(SentinelTarget target, QObject *parent)
    : QObject(parent)
    , m_target(std::move(target))
    , m_connections(SshTunnel::factoryFor(m_target.ssh))
{
    m_watcher = new SentinelWatcher(m_target, m_connections, this);
    m_tracker = new FailoverTracker(m_target.masterName.toUtf8(), this);
    m_link = new MasterLink(m_watcher, m_connections, this);
    connect(m_watcher, &SentinelWatcher::eventReceived, m_tracker, &FailoverTracker::handleEvent);
    connect(m_watcher, &SentinelWatcher::sentinelLost, m_tracker, &FailoverTracker::forgetSentinel);
    // A switch asks for a fresh snapshot at once: the old master shows as a replica as soon as the sentinels say so.
    connect(m_watcher, &SentinelWatcher::masterSwitched, m_watcher, &SentinelWatcher::pollNow);
    connect(m_watcher, &SentinelWatcher::snapshotUpdated, this, &Deployment::updateHealth);
    connect(m_watcher, &SentinelWatcher::sentinelLost, this, [this](const HostPort &sentinel, const VigilError &error) {
        m_lost.insert(sentinel, error.toString());
        updateHealth();
    });
    connect(m_watcher, &SentinelWatcher::sentinelSubscribed, this, [this](const HostPort &sentinel) {
        m_lost.remove(sentinel);
        updateHealth();
    });
    connect(m_tracker, &FailoverTracker::failoverStarted, this, &Deployment::updateHealth);
    connect(m_tracker, &FailoverTracker::failoverUpdated, this, &Deployment::updateHealth);
    connect(m_tracker, &FailoverTracker::failoverFinished, this, &Deployment::updateHealth);
    m_healthText = tr("connecting to the sentinels");
}

Deployment::~Deployment()
{
    // The link's pending handlers belong to widgets that are going away with us; close it before the watcher.
    delete m_link;
    m_link = nullptr;
    m_watcher->stop();
}

QString Deployment::title() const
{
    return m_target.seeds.isEmpty() ? m_target.masterName
                                    : tr("%1 @ %2").arg(m_target.masterName, m_target.seeds.first().toString());
}

void Deployment::start(int pollIntervalMs)
{
    m_watcher->setPollInterval(pollIntervalMs);
    m_watcher->start();
}

SwitchEpoch Deployment::switchEpoch() const
{
    return m_watcher->switchEpoch();
}

HostPort Deployment::master() const
{
    return m_watcher->currentMaster();
}

const TopologySnapshot &Deployment::lastSnapshot() const
{
    return m_watcher->lastSnapshot();
}

ScanRequest Deployment::scanRequest(const ScanOptions &options) const
{
    ScanRequest request;
    request.target = m_target;
    request.target.readOnly = true; // a scan reads; every write goes through a confirmed action and the link
    request.options = options;
    request.epoch = m_watcher->switchEpoch();
    request.connections = m_connections;
    return request;
}

void Deployment::updateHealth()
{
    const TopologySnapshot &snapshot = m_watcher->lastSnapshot();
    Health health = Health::Connecting;
    QString text = tr("connecting to the sentinels");
    const FailoverRecord *open = nullptr;
    // The newest record still open: a switched failover can stay open behind a newer outage of its new master.
    for (auto it = m_tracker->records().crbegin(); it != m_tracker->records().crend() && !open; ++it) {
        if (!it->isFinished())
            open = &*it;
    }
    bool allLost = !m_lost.isEmpty();
    for (const HostPort &sentinel : m_watcher->knownSentinels())
        allLost = allLost && m_lost.contains(sentinel);
    if (open
        && (open->reached(FailoverRecord::LeaderElected) || open->startEvent == "+try-failover"
            || open->reached(FailoverRecord::SwitchMaster))) {
        health = Health::FailingOver;
        text = tr("failing over from %1").arg(open->oldMaster.toString());
    } else if (snapshot.isValid()
               && (snapshot.master.flags.contains("s_down") || snapshot.master.flags.contains("o_down") || open)) {
        health = Health::MasterDown;
        text = tr("master %1 is down (%2)")
                   .arg(snapshot.master.address.toString(), QString::fromUtf8(snapshot.master.flags));
    } else if (snapshot.isValid()) {
        health = Health::Healthy;
        text = tr("master %1").arg(snapshot.master.address.toString());
    } else if (!snapshot.error.isEmpty()) {
        health = Health::Unreachable;
        text = snapshot.error;
    }
    if (allLost) {
        health = Health::Unreachable;
        text = tr("no sentinel answers (%1)").arg(m_lost.values().join(QStringLiteral("; ")));
    }
    if (health == m_health && text == m_healthText)
        return;
    m_health = health;
    m_healthText = text;
    Q_EMIT healthChanged(health);
}

void Deployment::trustMaster(const HostPort &master)
{
    if (!master.isValid() || master != m_watcher->currentMaster())
        return;
    m_target.trustedMaster = master;
    m_watcher->trustMaster(master);
    m_link->trust(master);
}
