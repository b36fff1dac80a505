#include "sentinelwatcher.h"

#include "resp/commandpolicy.h"
#include "resp/infoparser.h"
#include "resp/redisconnection.h"

#include <QSet>
#include <QTimer>

struct SentinelWatcher::Link
{
    HostPort address;
    RedisConnection *events = nullptr;   // PSUBSCRIBE *
    RedisConnection *commands = nullptr; // polls
    QTimer *retry = nullptr;
    int failures = 0;
    QString lastError; // why it last failed, for the snapshot
    bool subscribed = false;
    bool seed = false;
};

namespace {
HostPort addressOf(const QHash<QByteArray, QByteArray> &map)
{
    return {QString::fromUtf8(map.value("ip")), static_cast<quint16>(map.value("port").toUInt())};
}

// The events of a failover under way, up to the switch (which noteMaster() marks) and its end.
bool isFailoverStep(const QByteArray &name)
{
    return name == "+try-failover" || name.startsWith("+failover-state-") || name == "+elected-leader"
           || name == "+selected-slave" || name == "+promoted-slave" || name.startsWith("+slave-reconf")
           || name == "+failover-end" || name == "+failover-end-for-timeout";
}

bool answered(const TopologySnapshot &snapshot, const HostPort &sentinel)
{
    for (const TopologySnapshot::Sentinel &s : snapshot.sentinels)
        if (s.address == sentinel)
            return s.reach == TopologySnapshot::Sentinel::Reach::Answered;
    return false;
}

// Closes a connection and deletes it once control is back in the event loop; it may be the caller's caller.
void discard(RedisConnection *&connection)
{
    if (!connection)
        return;
    connection->disconnect();
    connection->close();
    connection->deleteLater();
    connection = nullptr;
}

} // namespace

SentinelWatcher::SentinelWatcher(SentinelTarget target, QObject *parent)
    : SentinelWatcher(std::move(target), nullptr, parent)
{
}

SentinelWatcher::SentinelWatcher(SentinelTarget target, ConnectionFactoryPtr connections, QObject *parent)
    : QObject(parent)
    , m_target(std::move(target))
    , m_connections(connections ? std::move(connections) : ConnectionFactory::standalone())
    , m_masterName(m_target.masterName.toUtf8())
    , m_pollTimer(new QTimer(this))
{
    qRegisterMetaType<SentinelEvent>();
    qRegisterMetaType<TopologySnapshot>();
    qRegisterMetaType<HostPort>();
    qRegisterMetaType<VigilError>();
    // A tick while a poll is still out is skipped: slow sentinels must not get polls back to back. Explicit requests
    // (pollNow) wait for the poll in flight and run after it.
    connect(m_pollTimer, &QTimer::timeout, this, [this] {
        if (m_pollOutstanding == 0)
            pollNow();
    });
}

SentinelWatcher::~SentinelWatcher()
{
    stop();
}

void SentinelWatcher::setPollInterval(int milliseconds)
{
    m_pollIntervalMs = milliseconds;
    if (m_pollTimer->isActive())
        m_pollTimer->start(milliseconds);
}

QList<HostPort> SentinelWatcher::subscribedSentinels() const
{
    QList<HostPort> list;
    for (const Link *link : m_links)
        if (link->subscribed)
            list.append(link->address);
    return list;
}

void SentinelWatcher::start()
{
    if (m_running)
        return;
    m_running = true;
    for (const HostPort &seed : std::as_const(m_target.seeds)) {
        addSentinel(seed);
        if (Link *link = m_links.value(seed))
            link->seed = true;
    }
    m_pollTimer->start(m_pollIntervalMs);
    // The first poll waits for a command connection to be ready; see openLink().
}

void SentinelWatcher::stop()
{
    m_running = false;
    m_pollTimer->stop();
    const QList<HostPort> addresses = m_links.keys();
    for (const HostPort &address : addresses)
        removeSentinel(address);
    discard(m_masterConnection);
    m_pollOutstanding = 0;
}

void SentinelWatcher::addSentinel(const HostPort &address)
{
    if (!address.isValid() || m_links.contains(address) || !m_running || m_links.size() >= m_target.maxSentinels)
        return;
    auto *link = new Link;
    link->address = address;
    link->retry = new QTimer(this);
    link->retry->setSingleShot(true);
    connect(link->retry, &QTimer::timeout, this, [this, link] { openLink(link); });
    m_links.insert(address, link);
    openLink(link);
}

void SentinelWatcher::removeSentinel(const HostPort &address)
{
    Link *link = m_links.take(address);
    if (!link)
        return;
    forgetSdownReports(address);
    delete link->retry;
    // Closing first makes their pending handlers run now (as "cancelled"), while the link still exists. The
    // connections are deleted later: this may run inside one of their own reply handlers.
    discard(link->events);
    discard(link->commands);
    delete link;
}

void SentinelWatcher::openLink(Link *link)
{
    discard(link->events);
    discard(link->commands);
    link->subscribed = false;
    const ConnectionOptions options = m_target.sentinelOptions(link->address);
    link->events = m_connections->make(options, this);
    link->commands = m_connections->make(options, this);

    connect(link->events, &RedisConnection::ready, this, [this, link] {
        link->events->send({"PSUBSCRIBE", "*"}, [this, link](const RespResult &result) {
            if (Resp::isPermissionError(result.value))
                m_eventsDenied = tr("this sentinel user may not subscribe to events (it needs the channel rule &*): "
                                    "failovers are seen only by polling");
            if (!result.ok())
                return;
            link->subscribed = true;
            link->failures = 0;
            Q_EMIT sentinelSubscribed(link->address);
        });
    });
    connect(link->events, &RedisConnection::messageReceived, this,
            [this, link](const RespValue &message) { handleMessage(link, message); });
    connect(link->events, &RedisConnection::failed, this,
            [this, link](const VigilError &error) { handleLinkFailed(link, error); });
    connect(link->commands, &RedisConnection::ready, this, [this, link] {
        if (!std::exchange(m_failoverProbed, true) && !m_target.readOnly)
            probeFailover(link->commands);
        // The first poll, a sentinel the last snapshot had to call "connecting", or one that may settle an
        // undecided master: ask again at once, rather than leave it so for a whole interval.
        if (!m_snapshot.isValid() || !answered(m_snapshot, link->address) || m_master != m_confirmedMaster) {
            if (m_pollOutstanding > 0)
                m_pollAgain = true; // the poll in flight did not ask this one
            else
                pollNow();
        }
    });
    link->events->open();
    link->commands->open();
}

// Whether the sentinel user may run SENTINEL FAILOVER, asked once with a master name nobody monitors: a sentinel
// that grants the command answers "No such master" and does nothing, one that does not answers NOPERM. The Topology
// tab's drill is then disabled with the reason, rather than failing when clicked.
void SentinelWatcher::probeFailover(RedisConnection *sentinel)
{
    sentinel->send({"SENTINEL", "FAILOVER", "vigil-acl-probe-no-such-master"}, [this](const RespResult &result) {
        if (Resp::isCommandDenied(result.value))
            m_failoverDenied = tr("this sentinel user may not run SENTINEL FAILOVER (ACL)");
    });
}

void SentinelWatcher::handleLinkFailed(Link *link, const VigilError &error)
{
    const bool wasSubscribed = link->subscribed;
    link->subscribed = false;
    forgetSdownReports(link->address);
    ++link->failures;
    link->lastError = error.toString();
    if (wasSubscribed || link->failures == 1)
        Q_EMIT sentinelLost(link->address, error);
    // Back off: 250 ms, 500 ms, 1 s, ... up to 5 s between attempts.
    const int delay = qMin(5000, 250 << qMin(link->failures - 1, 5));
    link->retry->start(delay);
}

void SentinelWatcher::handleMessage(Link *link, const RespValue &message)
{
    // ["pmessage", pattern, channel, payload]
    if (message.size() < 4 || message.at(0).toByteArray() != "pmessage")
        return;
    SentinelEvent event = SentinelEvent::parse(message.at(2).toByteArray(), message.at(3).toByteArray(), link->address);
    event.instance = m_target.addressMap.map(event.instance);
    event.master = m_target.addressMap.map(event.master);
    event.oldMaster = m_target.addressMap.map(event.oldMaster);
    event.newMaster = m_target.addressMap.map(event.newMaster);
    Q_EMIT eventReceived(event);

    if (!event.isAbout(m_masterName))
        return;
    if (isFailoverStep(event.name))
        m_settleClock.start();
    // A +sentinel event is not followed: a sentinel announced only on pub/sub gets no connection and no password. If
    // it is real, the seeds list it in SENTINEL SENTINELS and the next poll adds it.
    if (event.name == "+switch-master" && event.newMaster.isValid())
        countSwitchVote(link->address, event.newMaster);
    // A sentinel that switches starts its instances afresh (the old master becomes a replica it has yet to judge):
    // what it said of them before no longer holds. Its next +sdown, down-after later, does.
    if (event.name == "+switch-master")
        forgetSdownReports(link->address);
    if ((event.name == "+sdown" || event.name == "-sdown") && event.instance.isValid()
        && (event.instanceType == "slave" || event.instanceType == "master")) {
        m_sdownSaid[event.instance].insert(link->address, event.name == "+sdown");
        // Shown now, not at the next poll: a replica the last poll left re-syncing may be down in fact.
        QList<QList<HostPort>> before;
        for (const TopologySnapshot::Replica &r : std::as_const(m_snapshot.replicas))
            before.append(r.downSaidBy);
        applySdownReports(m_snapshot);
        for (qsizetype i = 0; i < before.size(); ++i) {
            if (before.at(i) != m_snapshot.replicas.at(i).downSaidBy) {
                Q_EMIT snapshotUpdated(m_snapshot);
                break;
            }
        }
    }
}

void SentinelWatcher::forgetSdownReports(const HostPort &sentinel)
{
    for (auto it = m_sdownSaid.begin(); it != m_sdownSaid.end();) {
        it->remove(sentinel);
        it = it->isEmpty() ? m_sdownSaid.erase(it) : std::next(it);
    }
}

void SentinelWatcher::applySdownReports(TopologySnapshot &snapshot) const
{
    for (TopologySnapshot::Replica &r : snapshot.replicas) {
        r.downSaidBy.clear();
        // Only a replica the polled sentinel has no link to, and has not flagged itself: a report never overrides a
        // link that is up, and a restarted node that reconnected is up whatever an old +sdown said.
        const bool linkless = r.flags.contains("disconnected") || r.masterLinkStatus != "ok";
        if (!linkless || r.flags.contains("s_down") || r.flags.contains("o_down"))
            continue;
        const QHash<HostPort, bool> said = m_sdownSaid.value(r.address);
        for (auto it = said.cbegin(); it != said.cend(); ++it)
            if (it.value())
                r.downSaidBy.append(it.key());
        std::sort(r.downSaidBy.begin(), r.downSaidBy.end(), [](const HostPort &a, const HostPort &b) {
            return std::tie(a.host, a.port) < std::tie(b.host, b.port);
        });
    }
}

// One sentinel's +switch-master is one vote. The switch happens when a majority of the subscribed sentinels have
// named the same new address (the failover's leader first, the others as its hello messages reach them, within
// milliseconds). Should their events not come, the next poll counts every sentinel's get-master-addr-by-name. With
// one sentinel subscribed, its word is all there is, and the Deployment tab says so.
void SentinelWatcher::countSwitchVote(const HostPort &sentinel, const HostPort &newMaster)
{
    if (newMaster == m_master)
        return;
    m_switchVotes.insert(sentinel, newMaster);
    int subscribed = 0;
    for (const Link *link : std::as_const(m_links))
        subscribed += link->subscribed ? 1 : 0;
    int votes = 0;
    for (const HostPort &vote : std::as_const(m_switchVotes))
        votes += vote == newMaster ? 1 : 0;
    if (votes * 2 > subscribed) {
        noteMaster(newMaster);
        setConfirmed(newMaster);
        ensureMasterConnection();
    }
}

void SentinelWatcher::trustMaster(const HostPort &master)
{
    m_trustedMaster = master;
    ensureMasterConnection();
}

void SentinelWatcher::setConfirmed(const HostPort &address)
{
    if (address == m_confirmedMaster)
        return;
    m_confirmedMaster = address;
    Q_EMIT masterConfirmationChanged(address);
}

void SentinelWatcher::noteMaster(const HostPort &address)
{
    if (!address.isValid() || address == m_master)
        return;
    const HostPort old = m_master;
    m_master = address;
    m_switchVotes.clear();
    Q_EMIT masterChanged(address);
    if (!old.isValid())
        return; // the first address we learn is no switch
    m_epoch.bump(address);
    m_settleClock.start();
    Q_EMIT masterSwitched(old, address);
}

void SentinelWatcher::ensureMasterConnection()
{
    if (!m_master.isValid())
        return;
    if (m_masterConnection && m_masterConnection->options().host == m_master.host
        && m_masterConnection->options().port == m_master.port
        && m_masterConnection->state() != RedisConnection::State::Failed)
        return;
    // A failure of the connection to another node says nothing about this one.
    if (!m_masterConnection || m_masterConnection->options().host != m_master.host
        || m_masterConnection->options().port != m_master.port)
        m_masterError.clear();
    discard(m_masterConnection);
    // The data password goes only to an address a majority of the sentinels named. (A connection made before they
    // stopped agreeing stays: the password is there already, and its answers show what the node says.)
    if (m_master != m_confirmedMaster && m_master != m_trustedMaster) {
        m_masterError = tr("not connected: the sentinels have not confirmed this master");
        return;
    }
    m_roleDenied = false;
    m_infoDenied = false;
    ConnectionOptions options = m_target.dataOptions(m_master, QStringLiteral("master"));
    options.readOnly = true; // the watcher only ever reads INFO
    m_masterConnection = m_connections->make(options, this);
    m_masterAnswered = false;
    connect(m_masterConnection, &RedisConnection::failed, this, [this](const VigilError &error) {
        m_masterError = error.toString();
        // A master killed with SIGKILL drops the connection at once, and the sentinels judge it down-after later: the
        // diagram should not show it up for a whole interval. Only a loss polls; a failed reconnect waits its turn, so
        // a dead master is not asked in a loop.
        if (std::exchange(m_masterAnswered, false))
            pollNow();
    });
    // Its first answers should not wait a whole interval: the Deployment tab shows them.
    connect(m_masterConnection, &RedisConnection::ready, this, [this] {
        m_masterAnswered = true;
        m_masterError.clear();
        if (m_pollOutstanding > 0)
            m_pollAgain = true;
        else
            pollNow();
    });
    m_masterConnection->open();
}

void SentinelWatcher::pollNow()
{
    if (!m_running)
        return;
    if (m_pollOutstanding > 0) {
        m_pollAgain = true;
        return;
    }
    // Poll through the first sentinel whose command connection is ready (the seeds come first).
    Link *primary = nullptr;
    for (const HostPort &seed : std::as_const(m_target.seeds)) {
        Link *link = m_links.value(seed);
        if (link && link->commands && link->commands->isReady()) {
            primary = link;
            break;
        }
    }
    if (!primary) {
        for (Link *link : std::as_const(m_links)) {
            if (link->commands && link->commands->isReady()) {
                primary = link;
                break;
            }
        }
    }
    for (Link *link : std::as_const(m_links)) {
        if (link->commands && link->commands->state() == RedisConnection::State::Failed && !link->retry->isActive())
            link->retry->start(0);
    }
    if (!primary)
        return;

    m_pending = {};
    m_pending.masterName = m_masterName;
    m_pending.taken = QDateTime::currentDateTimeUtc();
    m_pending.polledSentinel = primary->address;
    m_pending.polledSentinelTls = primary->commands->tlsDescription();
    auto done = [this] {
        if (--m_pollOutstanding == 0)
            finishPoll();
    };

    m_pollOutstanding = 4;
    primary->commands->send({"SENTINEL", "MASTER", m_masterName}, [this, done, primary](const RespResult &r) {
        if (!r.ok()) {
            const RespCommand command = {"SENTINEL", "MASTER", m_masterName};
            m_pending.error
                = r.error.isError() ? r.error.toString() : primary->commands->errorFor(command, r.value).toString();
        } else {
            // Only what Sentinel says: the master's own answers (ROLE, INFO, DBSIZE) come on another connection and
            // may well have arrived first. Replacing the whole part lost them now and then, and the Deployment tab
            // then said the master was not answering for a whole interval.
            const TopologySnapshot::Master said
                = TopologySnapshot::masterFrom(r.value.toFieldMap(), m_target.addressMap);
            TopologySnapshot::Master &master = m_pending.master;
            master.address = said.address;
            master.runId = said.runId;
            master.flags = said.flags;
            master.configEpoch = said.configEpoch;
            master.otherSentinels = said.otherSentinels;
            master.quorum = said.quorum;
        }
        done();
    });
    primary->commands->send({"SENTINEL", "REPLICAS", m_masterName}, [this, done](const RespResult &r) {
        if (r.ok()) {
            for (const RespValue &entry : r.value.elements())
                m_pending.replicas.append(TopologySnapshot::replicaFrom(entry.toFieldMap(), m_target.addressMap));
        }
        done();
    });
    primary->commands->send({"SENTINEL", "SENTINELS", m_masterName}, [this, done, primary](const RespResult &r) {
        TopologySnapshot::Sentinel self;
        self.address = primary->address;
        self.flags = "sentinel";
        self.lastOkPingMs = 0;
        m_pending.sentinels.append(self);
        if (r.ok()) {
            for (const RespValue &entry : r.value.elements()) {
                if (m_pending.sentinels.size() >= m_target.maxSentinels)
                    break;
                m_pending.sentinels.append(TopologySnapshot::sentinelFrom(entry.toFieldMap(), m_target.addressMap));
            }
        }
        done();
    });
    primary->commands->send({"SENTINEL", "CKQUORUM", m_masterName}, [this, done](const RespResult &r) {
        m_pending.quorumOk = r.ok();
        m_pending.quorumText = r.value.toByteArray();
        done();
    });
    if (m_masterConnection && m_masterConnection->isReady())
        pollMaster(done);
    // Every sentinel's own answer, so that disagreement shows.
    for (Link *link : std::as_const(m_links)) {
        if (!link->commands || !link->commands->isReady())
            continue;
        ++m_pollOutstanding;
        const HostPort address = link->address;
        link->commands->send(
            {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", m_masterName}, [this, done, address](const RespResult &r) {
                m_answers.insert(address, r.ok() && r.value.size() == 2 ? m_target.addressMap.map(
                                              {QString::fromUtf8(r.value.at(0).toByteArray()),
                                               static_cast<quint16>(r.value.at(1).toByteArray().toUInt())})
                                                                        : HostPort());
                if (!r.ok())
                    m_answerErrors.insert(address, r.error.isError() ? r.error.message()
                                                                     : QString::fromUtf8(r.value.toByteArray()));
                done();
            });
    }
}

void SentinelWatcher::finishPoll()
{
    if (!m_running)
        return;
    TopologySnapshot snapshot = std::move(m_pending);
    m_pending = {};
    // The master connection's state as the poll ends: its TLS session, or why it is not there (nothing while the first
    // connection is on its way: that is no fault).
    if (m_masterConnection && m_masterConnection->isReady())
        snapshot.master.tls = m_masterConnection->tlsDescription();
    else if (snapshot.master.error.isEmpty() && snapshot.master.role.isEmpty())
        snapshot.master.error = m_masterError;
    snapshot.master.connectionFailed = m_masterConnection && !snapshot.master.error.isEmpty();
    // Attach each sentinel's own answer; sentinels we are connected to but the polled one does not list still count.
    for (auto it = m_answers.cbegin(); it != m_answers.cend(); ++it) {
        auto found = std::find_if(snapshot.sentinels.begin(), snapshot.sentinels.end(),
                                  [&](const TopologySnapshot::Sentinel &s) { return s.address == it.key(); });
        if (found == snapshot.sentinels.end()) {
            TopologySnapshot::Sentinel extra;
            extra.address = it.key();
            snapshot.sentinels.append(extra);
            found = snapshot.sentinels.end() - 1;
        }
        found->reportedMaster = it.value();
        found->error = m_answerErrors.value(it.key());
        found->reach = found->error.isEmpty() ? TopologySnapshot::Sentinel::Reach::Answered
                                              : TopologySnapshot::Sentinel::Reach::Failed;
    }
    // One that did not answer has either failed (its link did, and says why) or not been asked yet: its connection
    // is still being made, or it was only just discovered. The latter is no fault.
    for (TopologySnapshot::Sentinel &s : snapshot.sentinels) {
        if (m_answers.contains(s.address))
            continue;
        const Link *link = m_links.value(s.address);
        if (link && link->failures > 0) {
            s.reach = TopologySnapshot::Sentinel::Reach::Failed;
            if (s.error.isEmpty())
                s.error = link->lastError.isEmpty() ? tr("not connected") : link->lastError;
        } else {
            s.reach = TopologySnapshot::Sentinel::Reach::Connecting;
        }
    }
    // During a failover, and for a while after a switch, replicas without a link are re-syncing, not down.
    snapshot.settling = (m_settleClock.isValid() && !m_settleClock.hasExpired(TopologySnapshot::switchGraceMs))
                        || snapshot.master.flags.contains("failover_in_progress");
    for (const TopologySnapshot::Replica &r : std::as_const(snapshot.replicas))
        snapshot.settling = snapshot.settling || r.flags.contains("promoted") || r.flags.contains("reconf_");
    for (TopologySnapshot::Replica &r : snapshot.replicas) {
        const bool down = r.flags.contains("s_down") || r.flags.contains("o_down");
        r.resyncing = snapshot.settling && !down && (r.flags.contains("disconnected") || r.masterLinkStatus != "ok");
    }
    // During a failover the leader names the old master until its very end, while the others have already switched:
    // a poll only moves the master when most of the sentinels that answered agree on the new address.
    QHash<HostPort, int> votes;
    int answered = 0;
    for (const HostPort &answer : std::as_const(m_answers)) {
        if (answer.isValid()) {
            ++votes[answer];
            ++answered;
        }
    }
    HostPort majority;
    for (auto it = votes.cbegin(); it != votes.cend(); ++it)
        if (it.value() * 2 > answered)
            majority = it.key();
    // A sentinel that has not answered yet, and has not failed either (its link is still connecting: the first poll
    // runs as soon as one sentinel is ready), may yet disagree. The master is confirmed only by a majority that holds
    // whatever they will say; until then it is undecided, and nothing with the data password goes out.
    int undecided = 0;
    for (const Link *link : std::as_const(m_links))
        undecided += !m_answers.contains(link->address) && link->failures == 0 ? 1 : 0;
    const bool confirmed = majority.isValid() && votes.value(majority) * 2 > answered + undecided;
    m_answers.clear();
    m_answerErrors.clear();
    for (TopologySnapshot::Replica &r : snapshot.replicas) {
        if (m_replicaOffsets.contains(r.address))
            r.replicationOffset = m_replicaOffsets.value(r.address);
        if (snapshot.master.replicationOffset >= 0 && m_replicaOffsets.contains(r.address))
            r.lagBytes = qMax<qint64>(0, snapshot.master.replicationOffset - r.replicationOffset);
    }
    m_replicaOffsets.clear();

    const Link *polled = m_links.value(snapshot.polledSentinel);
    if (snapshot.isValid() && polled && polled->seed) {
        // Sentinel discovery and removal, only on a seed's word: keep the seeds and the ones the polled seed lists.
        QSet<HostPort> listed;
        for (const TopologySnapshot::Sentinel &s : std::as_const(snapshot.sentinels))
            if (!s.runId.isEmpty() || s.address == snapshot.polledSentinel)
                listed.insert(s.address);
        for (const HostPort &address : std::as_const(listed))
            addSentinel(address);
        const QList<HostPort> known = m_links.keys();
        for (const HostPort &address : known) {
            if (!listed.contains(address) && !m_links.value(address)->seed)
                removeSentinel(address);
        }
    }
    if (snapshot.isValid()) {
        // Without a majority the master stays where it was (the first time: where the polled sentinel says), but it
        // is not confirmed: the sentinels disagree. With no answer at all, the last confirmation stands.
        // The master moves only on a confirmed majority. Without one it stays where it was; the first time, once
        // every sentinel has answered or failed, it is where the polled sentinel (the first seed that answers) says,
        // unconfirmed: the sentinels disagree.
        if (confirmed)
            noteMaster(majority);
        else if (!m_master.isValid() && undecided == 0)
            noteMaster(snapshot.master.address);
        if (confirmed)
            setConfirmed(majority);
        else if (answered > 0 && !majority.isValid())
            setConfirmed({});
        ensureMasterConnection();
    }
    snapshot.watchedMaster = m_master;
    snapshot.masterConfirmed = m_master.isValid() && m_master == m_confirmedMaster;
    snapshot.failoverDenied = m_failoverDenied;
    snapshot.eventsDenied = m_eventsDenied;
    applySdownReports(snapshot);
    m_snapshot = snapshot;
    Q_EMIT snapshotUpdated(snapshot);
    if (std::exchange(m_pollAgain, false))
        pollNow();
}

// ROLE, INFO server, INFO replication and DBSIZE from the master itself, pipelined on the watcher's one connection
// to it: what the Deployment tab shows, and replica offsets fresher than Sentinel's (it refreshes INFO every 10 s).
// A command the user may not run (NOPERM) is dropped from the poll for as long as the connection lasts.
void SentinelWatcher::pollMaster(const std::function<void()> &done)
{
    RedisConnection *master = m_masterConnection;
    m_pollOutstanding += (m_roleDenied ? 0 : 1) + (m_infoDenied ? 0 : 2) + 1;
    if (!m_roleDenied) {
        master->send({"ROLE"}, [this, done](const RespResult &r) {
            if (r.ok() && r.value.size() > 0)
                m_pending.master.role = r.value.at(0).toByteArray();
            else if (r.error.isError())
                m_pending.master.error = r.error.toString();
            else if (Resp::isCommandDenied(r.value))
                m_roleDenied = true;
            done();
        });
    }
    if (!m_infoDenied) {
        master->send({"INFO", "server"}, [this, done](const RespResult &r) {
            if (r.ok())
                m_pending.master.redisVersion = InfoParser::field(r.value.toByteArray(), "redis_version");
            else if (Resp::isCommandDenied(r.value))
                m_infoDenied = true;
            done();
        });
        master->send({"INFO", "replication"}, [this, done](const RespResult &r) {
            if (r.ok()) {
                const QByteArray info = r.value.toByteArray();
                bool ok = false;
                const int connected = InfoParser::field(info, "connected_slaves").toInt(&ok);
                m_pending.master.connectedReplicas = ok ? connected : -1;
                const qint64 offset = InfoParser::field(info, "master_repl_offset").toLongLong(&ok);
                m_pending.master.replicationOffset = ok ? offset : -1;
                for (const QHash<QByteArray, QByteArray> &replica : InfoParser::replicas(info))
                    m_replicaOffsets.insert(m_target.addressMap.map(addressOf(replica)),
                                            replica.value("offset").toLongLong());
                // ROLE refused, INFO granted: INFO's role line says the same.
                if (m_roleDenied && m_pending.master.role.isEmpty())
                    m_pending.master.role = InfoParser::field(info, "role");
            } else if (Resp::isCommandDenied(r.value)) {
                m_infoDenied = true;
            }
            done();
        });
    }
    // Replies come in order, so this one runs last and sees what the others learned.
    master->send({"DBSIZE"}, [this, done](const RespResult &r) {
        if (r.ok())
            m_pending.master.keys = r.value.toInteger();
        m_pending.master.infoDenied = m_infoDenied;
        if (m_roleDenied && m_infoDenied && m_pending.master.error.isEmpty()) {
            m_pending.master.role = "master";
            m_pending.master.roleVerified = false;
        }
        done();
    });
}
