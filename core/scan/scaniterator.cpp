#include "scaniterator.h"

#include "resp/commandpolicy.h"
#include "resp/infoparser.h"
#include "resp/redisconnection.h"
#include "ssh/sshtunnel.h"

#include <QElapsedTimer>
#include <QThread>

#include <charconv>
#include <limits>
#include <new>

namespace {
// Sleeps up to `ms`, in short slices, giving up early when cancelled.
void nap(qint64 ms, const std::function<bool()> &cancelled)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms && !(cancelled && cancelled()))
        QThread::msleep(static_cast<unsigned long>(qMin<qint64>(20, ms - t.elapsed())));
}

// A SCAN reply is [cursor, [key, ...]]: the cursor a bulk string of decimal digits that fits in 64 bits, every key a
// bulk string. Anything else, well-formed RESP or not, is no reply to build a scan on: *problem says what it was.
bool readScanReply(const RespValue &reply, quint64 *cursor, QString *problem)
{
    if (!reply.isArray() || reply.size() != 2 || !reply.at(1).isArray()) {
        *problem = QStringLiteral("unexpected reply, not a cursor and a list of keys: %1")
                       .arg(QString::fromUtf8(reply.preview()));
        return false;
    }
    const QByteArray &digits = reply.at(0).toByteArray();
    const auto [end, ec] = std::from_chars(digits.cbegin(), digits.cend(), *cursor);
    if (!reply.at(0).isBulk() || digits.isEmpty() || ec != std::errc() || end != digits.cend()) {
        *problem = QStringLiteral("the cursor is not a number: %1").arg(QString::fromUtf8(reply.at(0).preview()));
        return false;
    }
    const QList<RespValue> &keys = reply.at(1).elements();
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (!keys.at(i).isBulk()) {
            *problem = QStringLiteral("key %1 of %2 is not a string: %3")
                           .arg(i + 1)
                           .arg(keys.size())
                           .arg(QString::fromUtf8(keys.at(i).preview()));
            return false;
        }
    }
    return true;
}
} // namespace

QString ScanNotice::describe() const
{
    const QString fromText = from.address.toString();
    const QString toText = to.address.toString();
    if (kind == Kind::Resume)
        return QStringLiteral(
                   "Resumed on %1 after %2 keys: %3; the node is the same process with the same data, so the "
                   "cursor is still valid.")
            .arg(toText)
            .arg(keysReported)
            .arg(reason);
    return QStringLiteral("Restarted from cursor 0 on %1 (pass %2) after %3 keys: %4. A SCAN cursor from %5 means "
                          "nothing on another node; keys already listed are not listed again.")
        .arg(toText)
        .arg(pass)
        .arg(keysReported)
        .arg(reason, fromText);
}

ScanIterator::ScanIterator(SentinelTarget target, ScanOptions options, SwitchEpoch epoch, Callbacks callbacks,
                           ConnectionFactoryPtr connections)
    : m_target(std::move(target))
    , m_options(std::move(options))
    , m_epoch(std::move(epoch))
    , m_callbacks(std::move(callbacks))
    , m_connections(connections ? std::move(connections) : SshTunnel::factoryFor(m_target.ssh))
    , m_resolver(std::make_unique<MasterResolver>(m_target, m_connections))
{
    if (m_options.dedupe)
        m_seen = std::make_unique<KeySet>();
}

ScanIterator::~ScanIterator() = default;

bool ScanIterator::readIdentity(RedisConnection &connection, NodeIdentity *identity, qint64 *dbsize, VigilError *error)
{
    // DBSIZE is only shown as "about N keys": the set of keys seen grows from what arrives, never from this number.
    const QList<RespCommand> commands = {{"INFO", "server"}, {"INFO", "replication"}, {"DBSIZE"}};
    const QList<RespResult> replies = connection.executePipeline(commands);
    identity->address = {connection.options().host, connection.options().port};
    // INFO is @dangerous, so a least-privilege user gets NOPERM for both: the identity stays unknown (every
    // reconnection restarts) and the caller finds the role another way.
    const bool infoDenied = Resp::isCommandDenied(replies.at(0).value) && Resp::isCommandDenied(replies.at(1).value);
    for (qsizetype i = infoDenied ? 2 : 0; i < replies.size(); ++i) {
        if (!replies.at(i).ok()) {
            *error = replies.at(i).error.isError() ? replies.at(i).error
                                                   : connection.errorFor(commands.at(i), replies.at(i).value);
            return false;
        }
        const RespValue &value = replies.at(i).value;
        if (i < 2 ? !value.isBulk() : !value.isInteger() || value.toInteger() < 0) {
            *error = {VigilError::Kind::Protocol, connection.nodeName(), QString::fromLatin1(commands.at(i).join(' ')),
                      QStringLiteral("unexpected reply: %1").arg(QString::fromUtf8(value.preview()))};
            return false;
        }
    }
    *dbsize = replies.at(2).value.toInteger();
    if (infoDenied)
        return true;
    identity->runId = InfoParser::field(replies.at(0).value.toByteArray(), "run_id");
    identity->replId = InfoParser::field(replies.at(1).value.toByteArray(), "master_replid");
    identity->role = InfoParser::field(replies.at(1).value.toByteArray(), "role");
    if (identity->role.isEmpty()) {
        *error = {VigilError::Kind::Protocol, connection.nodeName(), QStringLiteral("INFO replication"),
                  QStringLiteral("the reply names no role: %1")
                      .arg(QString::fromUtf8(RespValue::printable(replies.at(1).value.toByteArray())))};
        return false;
    }
    return true;
}

// The node's role when INFO was refused: ROLE if granted, else the sentinels' word (`unverified`), marked as such.
bool ScanIterator::roleOf(RedisConnection &connection, const QByteArray &unverified, NodeIdentity *identity,
                          VigilError *error)
{
    MasterResolver::checkRole(connection, &identity->role, error);
    if (error->isError())
        return false;
    if (identity->role.isEmpty()) {
        identity->role = unverified;
        identity->roleVerified = false;
    }
    return true;
}

// Opens m_connection to the node to scan: the master (where the watcher says it moved, or where the sentinels say it
// is), or the sticky replica (another one if it is gone or was promoted).
bool ScanIterator::connect(VigilError *error)
{
    m_connection.reset();
    NodeIdentity identity;
    qint64 dbsize = -1;
    std::unique_ptr<RedisConnection> connection;

    if (m_options.source == ScanOptions::Source::Master) {
        const HostPort switchedTo = m_epoch.master();
        if (switchedTo.isValid() && m_epoch.value() > 0) {
            // The watcher heard +switch-master: go straight there. The sentinel we would ask first may be the
            // failover's leader, which names the old master until its very end.
            connection = m_connections->make(m_target.dataOptions(switchedTo, QStringLiteral("master")));
            if (const VigilError e = connection->openBlocking(); e.isError()) {
                *error = e;
                return false;
            }
            if (!readIdentity(*connection, &identity, &dbsize, error))
                return false;
            if (identity.role.isEmpty() && !roleOf(*connection, "master", &identity, error))
                return false;
        } else {
            // While trouble is waited out, the resolver's own retries stop where that wait ends.
            const QDeadlineTimer deadline = m_trouble.isValid() ? QDeadlineTimer(qMax<qint64>(0, recoveryLeftMs()))
                                                                : QDeadlineTimer(QDeadlineTimer::Forever);
            ResolvedMaster resolved;
            connection = m_resolver->connectToMaster(&resolved, error, deadline);
            if (!connection)
                return false;
            if (!readIdentity(*connection, &identity, &dbsize, error))
                return false;
            if (identity.role.isEmpty()) {
                // The resolver has just asked ROLE (or INFO) on this connection; its answer stands.
                identity.role = resolved.role;
                identity.roleVerified = resolved.roleVerified;
            }
        }
        if (identity.role != "master") {
            *error = {VigilError::Kind::Server, connection->nodeName(), QStringLiteral("INFO replication"),
                      QStringLiteral("the node says it is a %1, not the master (failover in progress?)")
                          .arg(QString::fromUtf8(RespValue::printable(identity.role, 40)))};
            return false;
        }
    } else {
        QList<HostPort> candidates;
        if (m_stickyReplica.isValid())
            candidates.append(m_stickyReplica);
        VigilError listError;
        for (const HostPort &replica : m_resolver->queryReplicas(&listError))
            if (!candidates.contains(replica))
                candidates.append(replica);
        if (candidates.isEmpty()) {
            *error = listError.isError() ? listError
                                         : VigilError(VigilError::Kind::Unreachable,
                                                      QStringLiteral("master '%1'").arg(m_target.masterName),
                                                      QStringLiteral("pick a replica"),
                                                      QStringLiteral("the sentinels list no healthy replica"));
            return false;
        }
        for (const HostPort &replica : std::as_const(candidates)) {
            std::unique_ptr<RedisConnection> attempt
                = m_connections->make(m_target.dataOptions(replica, QStringLiteral("replica")));
            if (VigilError e = attempt->openBlocking(); e.isError()) {
                *error = e;
                continue;
            }
            NodeIdentity candidate;
            if (!readIdentity(*attempt, &candidate, &dbsize, error))
                continue;
            // The sentinels list it as a healthy replica: that is its role when it may not be asked.
            if (candidate.role.isEmpty() && !roleOf(*attempt, "slave", &candidate, error))
                continue;
            if (candidate.role != "slave") {
                // Promoted: it is a replica no more. Sticky means sticky to a replica.
                *error = {VigilError::Kind::Server, attempt->nodeName(), QStringLiteral("INFO replication"),
                          QStringLiteral("the replica was promoted to master")};
                continue;
            }
            connection = std::move(attempt);
            identity = candidate;
            m_stickyReplica = replica;
            break;
        }
        if (!connection)
            return false;
    }
    m_connection = std::move(connection);
    m_node = identity;
    m_dbsize = dbsize;
    *error = {};
    return true;
}

// After a switch, a lost connection or a reply it could not accept: find the serving node, then resume or restart.
bool ScanIterator::recover(const QString &reason, bool switched, VigilError *error)
{
    const NodeIdentity old = m_node;
    // The first recovery goes at once (a failover's new master is wanted now). One after another with no good reply
    // in between means the node keeps failing: back off, up to 2 s, rather than hammer it.
    if (m_recoveries > 0)
        nap(qMin(2000, 250 << qMin(m_recoveries - 1, 3)), m_callbacks.cancelled);
    ++m_recoveries;
    recoveryLeftMs();
    VigilError last;
    for (;;) {
        if (isCancelled()) {
            *error = {VigilError::Kind::Cancelled, {}, QStringLiteral("SCAN"), QStringLiteral("cancelled")};
            return false;
        }
        if (connect(&last)) {
            // A switch announced by the sentinels is never "the same node", even if the deposed master still answers.
            const bool same = m_node.sameNodeAs(old)
                              && !(switched && m_epoch.master().isValid() && m_epoch.master() != old.address);
            ScanNotice notice;
            notice.reason = reason;
            if (!same && old.runId.isEmpty() && old.address == m_node.address)
                notice.reason += QStringLiteral(" (this user may not run INFO, so Vigil cannot tell whether it is "
                                                "the same process: a cursor is only safe there)");
            notice.from = old;
            notice.to = m_node;
            notice.keysReported = m_summary.keys;
            notice.time = QDateTime::currentDateTimeUtc();
            if (same) {
                notice.kind = ScanNotice::Kind::Resume;
                notice.pass = m_summary.passes;
                ++m_summary.resumes;
            } else {
                notice.kind = ScanNotice::Kind::Restart;
                m_cursor = "0";
                m_cycle.reset();
                ++m_summary.passes;
                ++m_summary.restarts;
                notice.pass = m_summary.passes;
                if (m_seen)
                    m_seen->markRestart();
            }
            if (m_callbacks.notice)
                m_callbacks.notice(notice);
            return true;
        }
        // A refused password, a certificate that does not verify and a usage error do not fix themselves by waiting.
        const VigilError::Kind kind = last.kind();
        if (kind == VigilError::Kind::Auth || kind == VigilError::Kind::Usage || kind == VigilError::Kind::Refused
            || kind == VigilError::Kind::Tls || kind == VigilError::Kind::OutOfMemory)
            break;
        if (kind == VigilError::Kind::Protocol && !countFault(last, error))
            return false;
        if (recoveryLeftMs() <= 0)
            break;
        nap(qMin<qint64>(250, recoveryLeftMs()), m_callbacks.cancelled);
    }
    *error = VigilError(last.kind(), last.node(), last.step(),
                        QStringLiteral("%1 (gave up finding the serving node after %2 s: %3)")
                            .arg(last.message())
                            .arg(static_cast<double>(m_trouble.elapsed()) / 1000.0, 0, 'f', 1)
                            .arg(reason));
    return false;
}

bool ScanIterator::countFault(const VigilError &fault, VigilError *error)
{
    if (++m_faults <= m_options.protocolRetries)
        return true;
    *error = VigilError(fault.kind(), fault.node(), fault.step(),
                        QStringLiteral("%1 (%2 attempts in a row met a reply Vigil cannot accept; not trying again)")
                            .arg(fault.message())
                            .arg(m_faults));
    return false;
}

qint64 ScanIterator::recoveryLeftMs()
{
    if (!m_trouble.isValid())
        m_trouble.start();
    return m_options.recoveryTimeoutMs - m_trouble.elapsed();
}

void ScanIterator::pace(qint64 processed, qint64 elapsedMs)
{
    if (m_options.keysPerSecond <= 0)
        return;
    const auto due = static_cast<qint64>(1000.0 * static_cast<double>(processed) / m_options.keysPerSecond);
    if (due > elapsedMs)
        nap(static_cast<int>(due - elapsedMs), m_callbacks.cancelled);
}

ScanSummary ScanIterator::run(VigilError *error)
{
    try {
        return scanKeys(error);
    } catch (const std::bad_alloc &) {
        // Give back what the scan holds first: the message below needs memory too.
        const qint64 held = m_seen ? m_seen->memoryBytes() : 0;
        const QString node = m_connection ? m_connection->nodeName() : QString();
        m_seen.reset();
        m_connection.reset();
        *error = {VigilError::Kind::OutOfMemory, node, QStringLiteral("SCAN"),
                  QStringLiteral("out of memory after %1 keys (the set that keeps keys from being reported twice "
                                 "held %2 MiB)")
                      .arg(m_summary.keys)
                      .arg(held / (1024 * 1024))};
        return m_summary;
    }
}

ScanSummary ScanIterator::scanKeys(VigilError *error)
{
    QElapsedTimer clock;
    clock.start();
    m_summary = {};
    m_started = false;
    *error = {};
    m_faults = 0;
    m_recoveries = 0;
    m_trouble.invalidate();
    m_cycle.reset();

    quint64 epochSeen = m_epoch.value();
    if (!connect(error))
        return m_summary;
    m_started = true;
    // The set of keys seen is not sized for DBSIZE: that is the server's word, and a lie would reserve gigabytes up
    // front. It grows from what arrives.
    if (m_callbacks.resolved)
        m_callbacks.resolved(m_node);

    RespCommand scan = {"SCAN", "0"};
    if (!m_options.match.isEmpty())
        scan << "MATCH" << m_options.match;
    scan << "COUNT" << QByteArray::number(qMax(1, m_options.count));
    if (!m_options.type.isEmpty())
        scan << "TYPE" << m_options.type;

    qint64 processed = 0; // keys the server returned, duplicates included: what pacing counts
    QList<QByteArray> fresh;
    quint64 ticket = 0;
    bool inFlight = false;
    QList<QByteArrayView> views;
    QList<bool> isNew;
    for (;;) {
        if (isCancelled()) {
            *error = {VigilError::Kind::Cancelled, m_connection ? m_connection->nodeName() : QString(),
                      QStringLiteral("SCAN"), QStringLiteral("cancelled")};
            break;
        }
        if (m_epoch.value() != epochSeen) {
            epochSeen = m_epoch.value();
            const QString reason = QStringLiteral("the sentinels switched the master to %1 (+switch-master)")
                                       .arg(m_epoch.master().toString());
            if (m_options.source == ScanOptions::Source::Master || m_epoch.master() == m_stickyReplica) {
                inFlight = false; // it went with the old connection; m_cursor asks for it again
                if (!recover(reason, true, error))
                    break;
                epochSeen = m_epoch.value();
                continue;
            }
        }

        // The next SCAN may already be on its way (sent before the last batch was processed).
        if (!inFlight) {
            scan[1] = m_cursor;
            ticket = m_connection->post(scan);
        }
        inFlight = false;
        const RespResult reply = m_connection->collect(ticket);
        if (!reply.error.isError() && reply.value.isError()) {
            const QByteArray code = reply.value.errorCode();
            if (code == "LOADING" || code == "BUSY" || code == "MASTERDOWN") {
                // It answers once it has loaded, or once its script ends: worth a wait, but a bounded one.
                if (recoveryLeftMs() <= 0) {
                    const VigilError e = m_connection->errorFor(scan, reply.value);
                    *error = VigilError(e.kind(), e.node(), e.step(),
                                        QStringLiteral("%1 (still after %2 s)")
                                            .arg(e.message())
                                            .arg(static_cast<double>(m_trouble.elapsed()) / 1000.0, 0, 'f', 1));
                    break;
                }
                nap(200, m_callbacks.cancelled);
                continue;
            }
            *error = m_connection->errorFor(scan, reply.value);
            break;
        }
        VigilError fault = reply.error;
        quint64 cursor = 0;
        QString problem;
        if (!fault.isError() && !readScanReply(reply.value, &cursor, &problem))
            fault = {VigilError::Kind::Protocol, m_connection->nodeName(), QStringLiteral("SCAN"), problem};
        if (!fault.isError() && !m_cycle.advance(cursor)) {
            // The keys of this reply are not taken: they are the circle's, already reported once.
            fault = {
                VigilError::Kind::Protocol, m_connection->nodeName(), QStringLiteral("SCAN"),
                QStringLiteral("cursor %1 came back a second time in one pass: the scan would never end").arg(cursor)};
        }
        if (fault.isError()) {
            // A lost connection or a timeout is waited out (a failover); a reply it cannot accept is tried again a
            // few times, on a new connection (the old one's byte stream cannot be trusted), then it gives up.
            if (fault.kind() == VigilError::Kind::Protocol && !countFault(fault, error))
                break;
            if (fault.kind() != VigilError::Kind::Protocol && m_trouble.isValid() && recoveryLeftMs() <= 0) {
                // Reconnecting works, and the next reply fails again: that too ends once the trouble is too old.
                *error = VigilError(fault.kind(), fault.node(), fault.step(),
                                    QStringLiteral("%1 (gave up after %2 s without a reply the scan could use)")
                                        .arg(fault.message())
                                        .arg(static_cast<double>(m_trouble.elapsed()) / 1000.0, 0, 'f', 1));
                break;
            }
            if (!recover(fault.kind() == VigilError::Kind::ConnectionLost
                             ? QStringLiteral("the connection to %1 was lost").arg(m_node.address.toString())
                             : fault.toString(),
                         false, error))
                break;
            epochSeen = m_epoch.value();
            continue;
        }
        // A reply the scan can use: whatever trouble there was is over.
        m_faults = 0;
        m_recoveries = 0;
        m_trouble.invalidate();
        m_cursor = QByteArray::number(cursor);
        // Ask for the next batch now, and process this one while the server works on it. Its keys are not ours until
        // they arrive: after a switch it is dropped with the old connection, and m_cursor asks for it again.
        if (m_cursor != "0" && m_options.keysPerSecond <= 0 && m_epoch.value() == epochSeen) {
            scan[1] = m_cursor;
            ticket = m_connection->post(scan);
            inFlight = true;
        }

        const QList<RespValue> &elements = reply.value.at(1).elements();
        fresh.clear();
        fresh.reserve(elements.size());
        if (m_seen) {
            views.resize(elements.size());
            isNew.resize(elements.size());
            for (qsizetype i = 0; i < elements.size(); ++i)
                views[i] = elements.at(i).toByteArray();
            m_seen->insertMany(views.constData(), views.size(), isNew.data());
            for (qsizetype i = 0; i < elements.size(); ++i) {
                if (isNew[i])
                    fresh.append(elements.at(i).toByteArray());
                else
                    ++m_summary.duplicatesSkipped;
            }
        } else {
            for (const RespValue &element : elements)
                fresh.append(element.toByteArray());
        }
        processed += elements.size();
        if (!fresh.isEmpty()) {
            m_summary.keys += fresh.size();
            if (m_callbacks.keys)
                m_callbacks.keys(fresh, m_summary.passes);
        }
        if (m_callbacks.progress) {
            ScanProgress progress;
            progress.keys = m_summary.keys;
            progress.dbsize = m_dbsize;
            progress.pass = m_summary.passes;
            progress.node = m_node;
            const qint64 ms = clock.elapsed();
            progress.keysPerSecond
                = ms > 0 ? 1000.0 * static_cast<double>(m_summary.keys) / static_cast<double>(ms) : 0;
            m_callbacks.progress(progress);
        }
        if (m_cursor == "0") {
            // A whole pass on one node: done. The keys missing after a failover are all listed, not a sample: the
            // tree strikes out every one, and a failover can lose thousands of writes.
            if (m_summary.restarts > 0 && m_seen)
                m_summary.missingKeys = m_seen->unseenSinceRestart(std::numeric_limits<qsizetype>::max(),
                                                                   &m_summary.missingAfterFailover);
            break;
        }
        pace(processed, clock.elapsed());
    }
    m_summary.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    m_summary.node = m_node;
    m_summary.dedupeBytes = m_seen ? m_seen->memoryBytes() : 0;
    return m_summary;
}
