#include "failovertracker.h"

#include <QJsonDocument>
#include <QJsonObject>

bool FailoverRecord::isFinished() const
{
    if (reached(Aborted) || superseded)
        return true;
    // The leader says +failover-end; every sentinel says +switch-master. Both, in either order, close the record.
    return reached(Ended) && reached(SwitchMaster);
}

qint64 FailoverRecord::durationMs() const
{
    if (!reached(Started))
        return -1;
    QDateTime end;
    for (Phase p : {Ended, Aborted, SwitchMaster}) {
        if (reached(p) && (!end.isValid() || at.at(p) > end))
            end = at.at(p);
    }
    if (!isFinished() || !end.isValid())
        return -1;
    return at.at(Started).msecsTo(end);
}

QString FailoverRecord::phaseName(Phase phase)
{
    switch (phase) {
    case Started:
        return QStringLiteral("started");
    case LeaderElected:
        return QStringLiteral("leader-elected");
    case ReplicaSelected:
        return QStringLiteral("replica-selected");
    case ReplicaPromoted:
        return QStringLiteral("replica-promoted");
    case ReplicasReconfigured:
        return QStringLiteral("replicas-reconfigured");
    case SwitchMaster:
        return QStringLiteral("switch-master");
    case Ended:
        return QStringLiteral("ended");
    case Aborted:
        return QStringLiteral("aborted");
    case PhaseCount:
        break;
    }
    return {};
}

QByteArray FailoverRecord::toJson() const
{
    QJsonObject phases;
    for (int p = 0; p < PhaseCount; ++p) {
        if (reached(Phase(p)))
            phases.insert(phaseName(Phase(p)), at.at(p).toString(Qt::ISODateWithMs));
    }
    QJsonObject o{
        {QStringLiteral("event"), QStringLiteral("failover")},
        {QStringLiteral("id"), id},
        {QStringLiteral("master_name"), QString::fromUtf8(masterName)},
        {QStringLiteral("old_master"), oldMaster.toString()},
        {QStringLiteral("new_master"), newMaster.isValid() ? newMaster.toString() : QString()},
        {QStringLiteral("leader"), leader.isValid() ? leader.toString() : QString()},
        {QStringLiteral("started_by"), QString::fromUtf8(startEvent)},
        {QStringLiteral("phases"), phases},
        {QStringLiteral("finished"), isFinished()},
        {QStringLiteral("duration_ms"), durationMs()},
        {QStringLiteral("events"), static_cast<qint64>(events.size()) + droppedEvents},
    };
    if (reached(Aborted))
        o.insert(QStringLiteral("aborted"), QString::fromUtf8(abortReason));
    if (superseded)
        o.insert(QStringLiteral("incomplete"), true);
    if (endedByTimeout)
        o.insert(QStringLiteral("ended_by_timeout"), true);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void FailoverRecord::keep(const SentinelEvent &event)
{
    if (event.name == "+try-failover")
        triedFailover = true;
    if (events.size() < maxEvents)
        events.append(event);
    else
        ++droppedEvents;
}

FailoverTracker::FailoverTracker(const QByteArray &masterName, QObject *parent)
    : QObject(parent)
    , m_masterName(masterName)
{
    qRegisterMetaType<FailoverRecord>();
}

FailoverRecord *FailoverTracker::open()
{
    if (m_records.isEmpty() || m_records.last().isFinished())
        return nullptr;
    return &m_records.last();
}

void FailoverTracker::mark(FailoverRecord &record, FailoverRecord::Phase phase, const SentinelEvent &event)
{
    if (record.reached(phase))
        return;
    record.at[phase] = event.received;
    record.markedBy[phase] = event;
}

void FailoverTracker::finishIfDone(FailoverRecord &record)
{
    if (record.isFinished())
        Q_EMIT failoverFinished(record);
    else
        Q_EMIT failoverUpdated(record);
}

FailoverRecord *FailoverTracker::waiting()
{
    if (m_waitingId == 0)
        return nullptr;
    for (qsizetype i = m_records.size() - 1; i >= 0; --i) {
        if (m_records.at(i).id == m_waitingId)
            return &m_records[i];
    }
    m_waitingId = 0; // it aged out of the list
    return nullptr;
}

void FailoverTracker::handleEvent(const SentinelEvent &event)
{
    if (event.masterName != m_masterName)
        return;
    const QByteArray &name = event.name;
    const bool aboutMaster = event.instanceType == "master";
    const bool starts = (aboutMaster && (name == "+sdown" || name == "+odown")) || name == "+try-failover"
                        || name == "+failover-detected";
    // The master an event is about, as its sentinel sees it: the old one, for a switch.
    const HostPort &about = name == "+switch-master" ? event.oldMaster : event.master;

    FailoverRecord *record = open();
    // A failover that switched but still waits for its last events (the leader's +failover-end comes after every
    // replica is reconfigured) while a newer record runs: what is about its old master is its own.
    if (FailoverRecord *earlier = waiting();
        earlier && about == earlier->oldMaster && (!record || record->oldMaster != about)) {
        earlier->keep(event);
        apply(*earlier, event);
        if (earlier->isFinished())
            m_waitingId = 0;
        return;
    }
    if (name == "+switch-master" && (!record || record->oldMaster != event.oldMaster)) {
        // The leader announces the switch only at the very end, after the others: it belongs to the newest record that
        // closed, when that record made the same switch.
        for (auto it = m_records.rbegin(); it != m_records.rend(); ++it) {
            if (!it->isFinished())
                continue;
            if (it->oldMaster == event.oldMaster && it->newMaster == event.newMaster) {
                it->keep(event);
                return;
            }
            break;
        }
    }
    // A record that already switched belongs to the past: a new outage opens a new one.
    if (record && starts && (record->reached(FailoverRecord::SwitchMaster) || record->reached(FailoverRecord::Ended))
        && name != "+try-failover") {
        if (about.isValid() && about != record->oldMaster) {
            // The outage is of another node, often the master just promoted: a sentinel under load can miss its pings
            // for down-after-milliseconds. The switched record stays open for its own last events.
            if (FailoverRecord *earlier = waiting())
                supersede(*earlier);
            m_waitingId = record->id;
        } else {
            // We missed its last event (the leader's +failover-end, say): close it with what it has.
            supersede(*record);
        }
        record = nullptr;
    }
    if (!record) {
        // Only a start, or a switch we did not see coming (the watcher came up mid-failover), opens a record.
        if (!starts && name != "+switch-master")
            return;
        FailoverRecord fresh;
        fresh.id = m_nextId++;
        fresh.masterName = m_masterName;
        fresh.oldMaster = about;
        fresh.startEvent = name;
        fresh.at[FailoverRecord::Started] = event.received;
        fresh.markedBy[FailoverRecord::Started] = event;
        if (aboutMaster && name != "+try-failover")
            fresh.downSaidBy.insert(event.reporter);
        m_records.append(fresh);
        if (m_records.size() > maxRecords)
            m_records.removeFirst(); // the oldest, finished: only the last two records can be open
        record = &m_records.last();
        record->keep(event);
        Q_EMIT failoverStarted(*record);
        if (name != "+switch-master")
            return;
    } else {
        record->keep(event);
    }
    apply(*record, event);
}

void FailoverTracker::supersede(FailoverRecord &record)
{
    if (record.id == m_waitingId)
        m_waitingId = 0;
    record.superseded = true;
    Q_EMIT failoverFinished(record);
}

void FailoverTracker::apply(FailoverRecord &record, const SentinelEvent &event)
{
    const QByteArray &name = event.name;
    const bool aboutMaster = event.instanceType == "master";
    if (aboutMaster && (name == "+sdown" || name == "+odown") && event.instance == record.oldMaster) {
        record.downSaidBy.insert(event.reporter);
    } else if (name == "+elected-leader") {
        mark(record, FailoverRecord::LeaderElected, event);
        record.leader = event.reporter;
    } else if (name == "+selected-slave") {
        mark(record, FailoverRecord::ReplicaSelected, event);
        record.promoted = event.instance;
    } else if (name == "+promoted-slave") {
        mark(record, FailoverRecord::ReplicaPromoted, event);
        if (!record.promoted.isValid())
            record.promoted = event.instance;
    } else if (name == "+slave-reconf-done") {
        record.at[FailoverRecord::ReplicasReconfigured] = event.received; // the last one counts
        record.markedBy[FailoverRecord::ReplicasReconfigured] = event;
    } else if (name == "+failover-end" || name == "+failover-end-for-timeout") {
        mark(record, FailoverRecord::Ended, event);
        record.endedByTimeout = name == "+failover-end-for-timeout";
        mark(record, FailoverRecord::ReplicasReconfigured, event);
    } else if (name == "+switch-master") {
        mark(record, FailoverRecord::SwitchMaster, event);
        record.newMaster = event.newMaster;
        if (!record.oldMaster.isValid())
            record.oldMaster = event.oldMaster;
    } else if (name.startsWith("-failover-abort")) {
        mark(record, FailoverRecord::Aborted, event);
        record.abortReason = name;
    } else if (aboutMaster && (name == "-sdown" || name == "-odown") && event.instance == record.oldMaster) {
        // -odown alone only says the quorum is gone: its sentinel may still see the master down.
        if (name == "-sdown") {
            record.downSaidBy.remove(event.reporter);
            record.lastUpSaid = event;
        }
        endOutageIfNobodySaysDown(record, event);
    }
    finishIfDone(record);
}

void FailoverTracker::endOutageIfNobodySaysDown(FailoverRecord &record, const SentinelEvent &upSaid)
{
    // The master came back before anyone started a failover: an outage, not a failover. It is back when no sentinel
    // we hear still says it is down; under load one sentinel can miss pings while another stays down, and a kill that
    // follows then carries on the outage the second one saw.
    if (record.isFinished() || record.triedFailover || record.reached(FailoverRecord::LeaderElected)
        || record.reached(FailoverRecord::SwitchMaster) || !record.downSaidBy.isEmpty())
        return;
    mark(record, FailoverRecord::Aborted, upSaid);
    record.abortReason = upSaid.name;
}

void FailoverTracker::forgetSentinel(const HostPort &sentinel)
{
    for (FailoverRecord *record : {open(), waiting()}) {
        if (!record || !record->downSaidBy.remove(sentinel))
            continue;
        // Every sentinel still heard said the master is back: the outage ended when the last of them said so.
        if (record->lastUpSaid.name.isEmpty())
            continue;
        endOutageIfNobodySaysDown(*record, record->lastUpSaid);
        if (record->isFinished())
            Q_EMIT failoverFinished(*record);
    }
}
