#pragma once

#include "sentinelevent.h"

#include <QList>
#include <QObject>
#include <QSet>

#include <array>

// One failover (or one outage that Sentinel saw but did not fail over), built from the events of every sentinel.
struct FailoverRecord
{
    enum Phase {
        Started,              // +sdown / +odown of the master, or +try-failover
        LeaderElected,        // +elected-leader
        ReplicaSelected,      // +selected-slave
        ReplicaPromoted,      // +promoted-slave
        ReplicasReconfigured, // the last +slave-reconf-done (or the end, when there was nothing to reconfigure)
        SwitchMaster,         // the first +switch-master
        Ended,                // +failover-end / +failover-end-for-timeout
        Aborted,              // -failover-abort-*, or the master came back before a failover began
        PhaseCount
    };

    int id = 0;
    QByteArray masterName;
    HostPort oldMaster;
    HostPort newMaster;
    HostPort leader;        // the sentinel that won the election
    HostPort promoted;      // the replica it selected
    QByteArray startEvent;  // what opened the record
    QByteArray abortReason; // the abort event, or "-sdown" / "-odown"
    bool endedByTimeout = false;
    bool superseded = false;                        // closed because a new outage began before its last event arrived
    std::array<QDateTime, PhaseCount> at;           // when each phase was first seen; null when it was not
    std::array<SentinelEvent, PhaseCount> markedBy; // the event that marked each phase (its name, sentinel, time)
    // What belongs to it, in arrival order: the first maxEvents, and a count of the rest. A sentinel stuck in a loop
    // (or a hostile one) must not make one record grow without end.
    static constexpr int maxEvents = 1000;
    QList<SentinelEvent> events;
    qint64 droppedEvents = 0;
    bool triedFailover = false; // a +try-failover was among them
    // The sentinels whose last word on the old master is that it is down (+sdown, +odown). An outage ends when none is
    // left: one sentinel seeing the master back does not make it back while another still sees it down.
    QSet<HostPort> downSaidBy;
    SentinelEvent lastUpSaid; // the latest -sdown of the old master; empty name when none came

    void keep(const SentinelEvent &event);

    bool reached(Phase phase) const { return at.at(phase).isValid(); }
    bool isFinished() const;
    bool isAborted() const { return reached(Aborted); }
    // From the start to the end (or abort, or switch); -1 while open.
    qint64 durationMs() const;

    static QString phaseName(Phase phase);
    // One JSON object on one line, for vigil-sandbox watch.
    QByteArray toJson() const;
};

Q_DECLARE_METATYPE(FailoverRecord)

// Groups Sentinel events into FailoverRecords for one master name, and keeps the last maxRecords records of the
// session. Only the newest record is open, with one exception: a failover that switched, whose last events are still to
// come when an outage of another node (often the new master) opens a record of its own, stays open beside it.
class FailoverTracker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FailoverTracker)

public:
    static constexpr int maxRecords = 200;

    explicit FailoverTracker(const QByteArray &masterName, QObject *parent = nullptr);

    const QList<FailoverRecord> &records() const { return m_records; }

public Q_SLOTS:
    void handleEvent(const SentinelEvent &event);
    // The watcher lost this sentinel: its word that the master is down no longer holds an outage open.
    void forgetSentinel(const HostPort &sentinel);

Q_SIGNALS:
    void failoverStarted(const FailoverRecord &record);
    void failoverUpdated(const FailoverRecord &record);
    void failoverFinished(const FailoverRecord &record);

private:
    FailoverRecord *open();
    FailoverRecord *waiting();
    void apply(FailoverRecord &record, const SentinelEvent &event);
    void supersede(FailoverRecord &record);
    void mark(FailoverRecord &record, FailoverRecord::Phase phase, const SentinelEvent &event);
    void finishIfDone(FailoverRecord &record);
    void endOutageIfNobodySaysDown(FailoverRecord &record, const SentinelEvent &upSaid);

    QByteArray m_masterName;
    QList<FailoverRecord> m_records;
    int m_nextId = 1;
    int m_waitingId = 0; // a switched record still open behind a newer one; 0 when none
};
