#pragma once

#include "common/vigilerror.h"
#include "keyset.h"
#include "scantypes.h"
#include "sentinel/masterresolver.h"
#include "sentinel/switchepoch.h"

#include <QElapsedTimer>

#include <functional>
#include <memory>

class RedisConnection;

// A SCAN over a Sentinel-managed deployment that survives failover.
//
// It scans the master (or a sticky replica) with SCAN cursor [MATCH] [COUNT] [TYPE]. After every round trip it reads
// the switch epoch; on a switch, or a lost connection, it finds the serving node again and compares identities
// (address, run_id, master_replid):
//  - the same node: it resumes with its cursor;
//  - another node: it restarts at cursor 0 there, and says so (a ScanNotice).
// With dedupe on, no key is reported twice, and every key present on the serving master from the start of the scan to
// its end is reported. When a pass that followed a restart completes, the keys reported before the restart that the
// new node did not list are reported as missing after failover: writes that asynchronous replication may have lost.
//
// Every failure is bounded. A lost connection, a timeout or a node that says it is not the master (a failover) is
// waited out for ScanOptions::recoveryTimeoutMs, counted from the last reply the scan could use. A reply it cannot
// accept (the wrong shape, a header over the reader's limits, a reply broken off) is a protocol fault on that node:
// tried again protocolRetries times at most, then the scan fails, naming the node and the step. A well-formed reply
// that is wrong (a cursor that is not a number, a key that is not a string) is such a fault too: it never ends in
// "complete". Running out of memory is an error, never an exception out of run().
//
// Blocking: run() returns when the scan is complete, failed or cancelled. Never KEYS, never Lua.
class ScanIterator final
{
public:
    struct Callbacks
    {
        std::function<void(const NodeIdentity &)> resolved;
        std::function<void(const QList<QByteArray> &, int pass)> keys;
        std::function<void(const ScanNotice &)> notice;
        std::function<void(const ScanProgress &)> progress;
        std::function<bool()> cancelled;
    };

    // Connections come from `connections` (the deployment's factory), or from a factory of its own when null.
    ScanIterator(SentinelTarget target, ScanOptions options, SwitchEpoch epoch, Callbacks callbacks,
                 ConnectionFactoryPtr connections = {});
    ~ScanIterator();
    Q_DISABLE_COPY_MOVE(ScanIterator)

    // Runs the scan. On failure *error says why, and started() says whether it got as far as the first SCAN
    // (vigil-scan's exit status 3 versus 1).
    ScanSummary run(VigilError *error);
    bool started() const { return m_started; }

private:
    ScanSummary scanKeys(VigilError *error);
    bool connect(VigilError *error);
    bool readIdentity(RedisConnection &connection, NodeIdentity *identity, qint64 *dbsize, VigilError *error);
    bool roleOf(RedisConnection &connection, const QByteArray &unverified, NodeIdentity *identity, VigilError *error);
    bool recover(const QString &reason, bool switched, VigilError *error);
    // Counts a protocol fault; false (and *error) once there were too many in a row.
    bool countFault(const VigilError &fault, VigilError *error);
    // The time left to wait trouble out, starting the clock if it was not running.
    qint64 recoveryLeftMs();
    bool isCancelled() const { return m_callbacks.cancelled && m_callbacks.cancelled(); }
    void pace(qint64 processed, qint64 elapsedMs);

    SentinelTarget m_target;
    ScanOptions m_options;
    SwitchEpoch m_epoch;
    Callbacks m_callbacks;
    ConnectionFactoryPtr m_connections;
    std::unique_ptr<MasterResolver> m_resolver;
    std::unique_ptr<RedisConnection> m_connection;
    NodeIdentity m_node;
    HostPort m_stickyReplica;
    std::unique_ptr<KeySet> m_seen;
    ScanSummary m_summary;
    QByteArray m_cursor = "0";
    // Brent's cycle check on the cursors of one pass: a server whose well-formed cursors go round in a circle would
    // otherwise be scanned for ever. Redis's cursors never repeat within a pass (their bit-reversed value only grows),
    // so a repeat is a fault. Constant memory: one remembered cursor, moved at steps 1, 2, 4, 8, ...
    struct CursorCycle
    {
        quint64 mark = 0; // 0 never comes back mid-pass
        quint64 last = 0;
        qint64 steps = 0;
        qint64 span = 1;
        void reset() { *this = {}; }
        // False when the cursor closes a circle. A cursor that repeats the last one is caught at once.
        bool advance(quint64 cursor)
        {
            if (cursor != 0 && (cursor == mark || cursor == last))
                return false;
            last = cursor;
            if (++steps == span) {
                mark = cursor;
                span *= 2;
                steps = 0;
            }
            return true;
        }
    };
    CursorCycle m_cycle;
    qint64 m_dbsize = -1;
    bool m_started = false;
    // Since the last SCAN reply the scan could use: protocol faults, recoveries, and how long the trouble has lasted.
    int m_faults = 0;
    int m_recoveries = 0;
    QElapsedTimer m_trouble;
};
