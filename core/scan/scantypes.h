#pragma once

#include "sentinel/hostport.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>

// What to scan.
struct ScanOptions
{
    enum class Source { Master, Replica };

    QByteArray match; // SCAN MATCH; empty for all keys
    QByteArray type;  // SCAN TYPE; empty for every type
    int count = 1000; // SCAN COUNT
    Source source = Source::Master;
    double keysPerSecond = 0; // pacing ceiling; 0 = as fast as the server answers
    bool dedupe = true;
    // How long trouble is waited out: a failover, a lost connection, a node that does not answer or is still loading.
    // Counted from the first failure since the last SCAN reply the scan could use; longer than any failover.
    int recoveryTimeoutMs = 60000;
    // Replies a node sent that Vigil cannot accept (wrong types, lying headers, a reply broken off), in a row: after
    // the first, this many more attempts, then the scan fails. A protocol fault is not a failover, and waiting will not
    // fix it.
    int protocolRetries = 2;
};

// Keys leave a scan in batches, never one signal per key.
struct KeyBatch
{
    quint64 scanId = 0; // which request these belong to: late batches of a cancelled scan are told apart
    QList<QByteArray> keys;
    int pass = 1;
    QByteArray type; // the SCAN TYPE filter: every key of the batch has this type; empty when the scan lists every type
};

// The node a scan reads from. A SCAN cursor is only valid on the same process with the same data set.
struct NodeIdentity
{
    HostPort address;
    QByteArray runId;  // INFO server run_id: a restarted process has a new one
    QByteArray replId; // INFO replication master_replid: changes when a replica is promoted or resynced
    QByteArray role;   // "master" or "slave"
    // False when the user may run neither ROLE nor INFO: the role is the sentinels' word, and run_id and
    // master_replid are unknown.
    bool roleVerified = true;

    // An identity that could not be read is never the same node: resuming a cursor on a restarted process would
    // silently skip keys, restarting only lists some twice (which the dedupe hides).
    bool sameNodeAs(const NodeIdentity &other) const
    {
        return !runId.isEmpty() && address == other.address && runId == other.runId && replId == other.replId;
    }
};

// What the scan tells the user when it had to change course.
struct ScanNotice
{
    enum class Kind { Restart, Resume };

    quint64 scanId = 0;
    Kind kind = Kind::Restart;
    QString reason; // "master switched (+switch-master)", "connection lost: ...", ...
    NodeIdentity from;
    NodeIdentity to;
    qint64 keysReported = 0; // before this notice
    int pass = 1;            // the pass that starts (restart) or goes on (resume)
    QDateTime time;

    QString describe() const;
};

struct ScanProgress
{
    quint64 scanId = 0;
    qint64 keys = 0;    // reported so far
    qint64 dbsize = -1; // DBSIZE of the node being scanned, the estimate of the total
    int pass = 1;
    double keysPerSecond = 0;
    NodeIdentity node; // the node being scanned: the master, or the sticky replica
};

struct ScanSummary
{
    quint64 scanId = 0;
    qint64 keys = 0;
    int passes = 1;
    int restarts = 0;
    int resumes = 0;
    qint64 duplicatesSkipped = 0;
    qint64 missingAfterFailover = 0; // reported before the last restart, not found on the new node since
    QList<QByteArray> missingKeys;   // all of them
    double seconds = 0;
    NodeIdentity node;      // where it finished
    qint64 dedupeBytes = 0; // memory held by the dedupe set at the end
};

Q_DECLARE_METATYPE(NodeIdentity)
Q_DECLARE_METATYPE(KeyBatch)
Q_DECLARE_METATYPE(ScanNotice)
Q_DECLARE_METATYPE(ScanProgress)
Q_DECLARE_METATYPE(ScanSummary)
