#include "masterresolver.h"

#include "resp/commandpolicy.h"
#include "resp/infoparser.h"
#include "resp/redisconnection.h"

#include <QElapsedTimer>
#include <QStringList>
#include <QThread>

#include <charconv>

namespace {
// SENTINEL get-master-addr-by-name answers nil (an unknown name) or [host, port]. Anything else comes from a sentinel
// that cannot be trusted with the address: *problem says what it sent, quoting only the start of it.
bool readMasterAddress(const RespValue &reply, HostPort *address, QString *problem)
{
    const auto unexpected = [&](const QString &what) {
        *problem = QStringLiteral("%1: %2").arg(what, QString::fromUtf8(reply.preview()));
        return false;
    };
    if (!reply.isArray() || reply.size() != 2 || !reply.at(0).isBulk() || !reply.at(1).isBulk())
        return unexpected(QStringLiteral("unexpected reply, not a host and a port"));
    const QByteArray &host = reply.at(0).toByteArray();
    const QByteArray &port = reply.at(1).toByteArray();
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.cbegin(), port.cend(), value);
    if (ec != std::errc() || end != port.cend() || value == 0 || value > 65535)
        return unexpected(QStringLiteral("the port is not a port number"));
    if (host.isEmpty() || host.size() > 255)
        return unexpected(QStringLiteral("the host is not a host name"));
    *address = {QString::fromUtf8(host), static_cast<quint16>(value)};
    return true;
}
} // namespace

ConnectionOptions SentinelTarget::sentinelOptions(const HostPort &address) const
{
    ConnectionOptions o;
    o.host = address.host;
    o.port = address.port;
    o.role = QStringLiteral("sentinel");
    o.user = sentinelUser;
    o.password = sentinelPassword;
    o.db = -1;
    // A read-only deployment cannot make the sentinels act either: SENTINEL FAILOVER, SET, RESET, REMOVE and
    // MONITOR are refused by the connection, like every data write.
    o.readOnly = readOnly;
    o.tls = sentinelTls;
    o.connectTimeoutMs = sentinelTimeoutMs;
    o.commandTimeoutMs = sentinelTimeoutMs;
    o.limits = limits;
    return o;
}

ConnectionOptions SentinelTarget::dataOptions(const HostPort &address, const QString &role) const
{
    ConnectionOptions o;
    o.host = address.host;
    o.port = address.port;
    o.role = role;
    o.user = dataUser;
    o.password = dataPassword;
    o.db = db;
    o.readOnly = readOnly;
    o.tls = dataTls;
    o.connectTimeoutMs = dataConnectTimeoutMs;
    o.commandTimeoutMs = dataCommandTimeoutMs;
    o.limits = limits;
    return o;
}

MasterResolver::MasterResolver(SentinelTarget target, ConnectionFactoryPtr connections)
    : m_target(std::move(target))
    , m_connections(connections ? std::move(connections) : ConnectionFactory::standalone())
    , m_sentinels(m_target.seeds)
{
}

MasterResolver::~MasterResolver() = default;

ResolvedMaster MasterResolver::queryMasterAddress(VigilError *error)
{
    const QString masterNode = QStringLiteral("master '%1'").arg(m_target.masterName);
    if (m_sentinels.isEmpty()) {
        *error = {VigilError::Kind::Usage, masterNode, QStringLiteral("resolve"), QStringLiteral("no sentinel given")};
        return {};
    }
    const RespCommand ask = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", m_target.masterName.toUtf8()};
    // Every seed's failure, by what it tells us. Only seeds that answered say something definite about the name or
    // the password; a dead seed says nothing, and must not hide what the live ones said.
    QStringList failures;
    // Through a bastion, a failure of the SSH session is the same for every seed: said once, not once per sentinel.
    const auto addFailure = [&failures](const QString &failure) {
        if (!failures.contains(failure))
            failures.append(failure);
    };
    QList<VigilError> authErrors;
    QList<VigilError> protocolErrors; // sentinels that answered what no sentinel would
    QStringList unknownName;
    QStringList notSentinel;
    const QList<HostPort> order = m_sentinels;
    for (const HostPort &seed : order) {
        const std::unique_ptr<RedisConnection> connection = m_connections->make(m_target.sentinelOptions(seed));
        RedisConnection &sentinel = *connection;
        if (const VigilError e = sentinel.openBlocking(); e.isError()) {
            if (e.kind() == VigilError::Kind::Auth)
                authErrors.append(e);
            if (e.kind() == VigilError::Kind::Protocol)
                protocolErrors.append(e);
            addFailure(e.toString());
            continue;
        }
        const RespResult reply = sentinel.execute(ask);
        if (reply.error.isError()) {
            if (reply.error.kind() == VigilError::Kind::Protocol)
                protocolErrors.append(reply.error);
            addFailure(reply.error.toString());
            continue;
        }
        if (reply.value.isError()) {
            const VigilError e = sentinel.errorFor(ask, reply.value);
            if (e.kind() == VigilError::Kind::Auth) {
                authErrors.append(e);
                addFailure(e.toString());
            } else if (reply.value.toByteArray().contains("unknown command")) {
                notSentinel.append(seed.toString());
                addFailure(
                    QStringLiteral("%1: not a sentinel (it answered: %2)")
                        .arg(seed.toString(), QString::fromUtf8(RespValue::printable(reply.value.toByteArray(), 200))));
            } else {
                addFailure(e.toString());
            }
            continue;
        }
        if (reply.value.isNil()) {
            // The spec: this sentinel does not know the master; ask the next one.
            unknownName.append(seed.toString());
            addFailure(
                QStringLiteral("sentinel %1: does not know master '%2'").arg(seed.toString(), m_target.masterName));
            continue;
        }
        HostPort reported;
        QString problem;
        if (!readMasterAddress(reply.value, &reported, &problem)) {
            const VigilError e(VigilError::Kind::Protocol, sentinel.nodeName(), Resp::describe(ask), problem);
            protocolErrors.append(e);
            addFailure(e.toString());
            continue;
        }
        // Found it: this sentinel goes to the front for next time.
        m_sentinels.removeAll(seed);
        m_sentinels.prepend(seed);
        // Only a seed's list is taken: the sentinel password goes to the seeds and the sentinels they name, never to
        // one that only another learned sentinel vouches for.
        if (m_target.seeds.contains(seed))
            refreshSentinels(sentinel);

        ResolvedMaster resolved;
        resolved.sentinel = seed;
        resolved.reported = reported;
        resolved.address = m_target.addressMap.map(resolved.reported);
        *error = {};
        if (!confirm(sentinel, seed, &resolved, error))
            return {};
        return resolved;
    }

    const int others = static_cast<int>(failures.size()) - 1;
    const QString rest
        = others > 0
              ? QStringLiteral(" (all %1 sentinels: %2)").arg(failures.size()).arg(failures.join(QStringLiteral("; ")))
              : QString();
    if (!authErrors.isEmpty()) {
        // A password problem is what the user has to fix; name the first sentinel that refused it.
        const VigilError &first = authErrors.first();
        *error = {VigilError::Kind::Auth, first.node(), first.step(), first.message() + rest};
    } else if (!unknownName.isEmpty()) {
        *error = {VigilError::Kind::Usage, masterNode, QStringLiteral("SENTINEL get-master-addr-by-name"),
                  QStringLiteral("no sentinel knows a master called '%1' (asked %2)")
                          .arg(m_target.masterName, unknownName.join(QStringLiteral(", ")))
                      + (failures.size() > unknownName.size() ? rest : QString())};
    } else if (!notSentinel.isEmpty()) {
        *error = {VigilError::Kind::Usage, masterNode, QStringLiteral("SENTINEL get-master-addr-by-name"),
                  failures.join(QStringLiteral("; "))};
    } else if (!protocolErrors.isEmpty()) {
        // Not "no sentinel answered": one did, with something that cannot be a master's address. Name it.
        const VigilError &first = protocolErrors.first();
        *error = {VigilError::Kind::Protocol, first.node(), first.step(), first.message() + rest};
    } else {
        *error = {VigilError::Kind::Unreachable, masterNode, QStringLiteral("reach a sentinel"),
                  QStringLiteral("no sentinel answered: ") + failures.join(QStringLiteral("; "))};
    }
    return {};
}

bool MasterResolver::confirm(RedisConnection &firstConnection, const HostPort &first, ResolvedMaster *resolved,
                             VigilError *error)
{
    const RespCommand ask = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", m_target.masterName.toUtf8()};
    std::vector<std::unique_ptr<RedisConnection>> others;
    for (const HostPort &address : std::as_const(m_sentinels)) {
        if (address == first)
            continue;
        others.push_back(m_connections->make(m_target.sentinelOptions(address)));
        others.back()->open();
    }
    std::vector<bool> open(others.size(), false);
    for (std::size_t i = 0; i < others.size(); ++i)
        open[i] = !others[i]->waitOpen().isError();

    // A first sentinel the others contradict is either ahead of them in a failover (they learn the new master from
    // its hello messages, every 2 s) or not of this deployment at all. Either way nothing goes to the address it
    // names yet; it is asked again with the others until they agree, and only after `patience` is the majority's
    // address taken over the first's.
    constexpr int patienceMs = 5000;
    QElapsedTimer waited;
    waited.start();
    for (int round = 0;; ++round) {
        QHash<HostPort, int> votes;
        QStringList said;
        int answering = 0;
        HostPort firstNamed;
        const auto tally = [&](RedisConnection &connection, const RespResult &reply, bool isFirst) {
            if (!reply.ok() || reply.value.isError())
                return;
            ++answering; // a sentinel that does not know the master answers too, and confirms nothing
            HostPort named;
            QString problem;
            if (reply.value.isNil() || !readMasterAddress(reply.value, &named, &problem)) {
                said.append(QStringLiteral("%1 names none").arg(connection.options().address()));
                return;
            }
            votes[named] += 1;
            if (isFirst)
                firstNamed = named;
            said.append(QStringLiteral("%1 names %2").arg(connection.options().address(), named.toString()));
        };
        // Asked in parallel: every question goes out before the first answer is read. The first sentinel's answer is
        // the one just read, at first; while waiting, it is asked again, and a reply it cannot accept from it is what
        // it was when it came first: a protocol fault on that sentinel.
        const quint64 firstTicket = round > 0 ? firstConnection.post(ask) : 0;
        std::vector<quint64> tickets(others.size(), 0);
        for (std::size_t i = 0; i < others.size(); ++i)
            if (open[i])
                tickets[i] = others[i]->post(ask);
        if (round == 0) {
            ++answering;
            votes[resolved->reported] += 1;
            firstNamed = resolved->reported;
            said.append(QStringLiteral("%1 names %2").arg(first.toString(), firstNamed.toString()));
        } else {
            const RespResult reply = firstConnection.collect(firstTicket);
            QString problem;
            HostPort named;
            if (reply.error.isError()) {
                *error = reply.error;
                return false;
            }
            if (!reply.value.isError() && !reply.value.isNil() && !readMasterAddress(reply.value, &named, &problem)) {
                *error = {VigilError::Kind::Protocol, firstConnection.nodeName(), Resp::describe(ask), problem};
                return false;
            }
            tally(firstConnection, reply, true);
        }
        for (std::size_t i = 0; i < others.size(); ++i)
            if (tickets[i])
                tally(*others[i], others[i]->collect(tickets[i]), false);

        const auto settle = [&](const HostPort &address) {
            resolved->reported = address;
            resolved->address = m_target.addressMap.map(address);
            resolved->sentinelsAnswering = answering;
            resolved->sentinelsAgreeing = votes.value(address);
        };
        if (firstNamed.isValid() && 2 * votes.value(firstNamed) > answering) {
            settle(firstNamed);
            return true;
        }
        if (m_target.trustedMaster.isValid()) {
            for (auto it = votes.cbegin(); it != votes.cend(); ++it) {
                if (m_target.addressMap.map(it.key()) == m_target.trustedMaster) {
                    settle(it.key());
                    return true;
                }
            }
        }
        const bool patienceLeft = waited.elapsed() < patienceMs;
        if (!patienceLeft) {
            for (auto it = votes.cbegin(); it != votes.cend(); ++it) {
                if (2 * it.value() > answering) {
                    settle(it.key());
                    resolved->outvoted = first;
                    m_sentinels.removeAll(first); // asked last from now on
                    m_sentinels.append(first);
                    return true;
                }
            }
            *error = {VigilError::Kind::Unreachable, QStringLiteral("master '%1'").arg(m_target.masterName),
                      QStringLiteral("confirm the master"),
                      QStringLiteral("the sentinels disagree and no address has a majority of the %1 that answered "
                                     "(%2)")
                          .arg(answering)
                          .arg(said.join(QStringLiteral("; ")))};
            return false;
        }
        QThread::msleep(static_cast<unsigned long>(qMax(50, m_target.roleRetryDelayMs)));
    }
}

void MasterResolver::refreshSentinels(RedisConnection &sentinel)
{
    const RespResult reply = sentinel.execute({"SENTINEL", "SENTINELS", m_target.masterName.toUtf8()});
    if (!reply.ok() || !reply.value.isArray())
        return;
    for (const RespValue &entry : reply.value.elements()) {
        const auto m = entry.toFieldMap();
        const HostPort discovered = m_target.addressMap.map(
            {QString::fromUtf8(m.value("ip")), static_cast<quint16>(m.value("port").toUInt())});
        if (m_sentinels.size() >= m_target.maxSentinels)
            break;
        if (discovered.isValid() && !m_sentinels.contains(discovered))
            m_sentinels.append(discovered);
    }
}

std::unique_ptr<RedisConnection> MasterResolver::connectToMaster(ResolvedMaster *resolved, VigilError *error,
                                                                 QDeadlineTimer deadline)
{
    VigilError last;
    for (int attempt = 1; attempt <= m_target.roleRetries + 1; ++attempt) {
        if (attempt > 1) {
            if (deadline.remainingTime() >= 0 && deadline.remainingTime() < m_target.roleRetryDelayMs)
                break;
            QThread::msleep(static_cast<unsigned long>(m_target.roleRetryDelayMs));
        }
        ResolvedMaster found = queryMasterAddress(error);
        if (error->isError())
            return nullptr;
        found.attempts = attempt;
        std::unique_ptr<RedisConnection> connection
            = m_connections->make(m_target.dataOptions(found.address, QStringLiteral("master")));
        if (const VigilError e = connection->openBlocking(); e.isError()) {
            if (e.kind() == VigilError::Kind::Auth || e.kind() == VigilError::Kind::Protocol) {
                *error = e;
                return nullptr;
            }
            // The reported master may be the one that just died; sentinels will name another soon.
            QString message = QStringLiteral("master unreachable: ") + e.message();
            if (found.address != found.reported)
                message += QStringLiteral(" (sentinel %1 reported %2; the address map sent us to %3)")
                               .arg(found.sentinel.toString(), found.reported.toString(), found.address.toString());
            last = VigilError(e.kind(), e.node(), e.step(), message);
            continue;
        }
        VigilError roleError;
        checkRole(*connection, &found.role, &roleError);
        if (roleError.isError()) {
            last = roleError;
            if (last.kind() == VigilError::Kind::Auth || last.kind() == VigilError::Kind::Protocol) {
                *error = last;
                return nullptr;
            }
            continue;
        }
        if (found.role.isEmpty()) {
            // Neither ROLE nor INFO is granted: the sentinel's word is all there is, and the user is told so.
            found.role = "master";
            found.roleVerified = false;
        }
        if (found.role != "master") {
            last = {VigilError::Kind::Server, connection->nodeName(), QStringLiteral("ROLE"),
                    QStringLiteral("the reported master says it is a %1 (failover in progress?)")
                        .arg(QString::fromUtf8(RespValue::printable(found.role, 40)))};
            continue;
        }
        *resolved = found;
        *error = {};
        return connection;
    }
    *error = last;
    return nullptr;
}

QString ResolvedMaster::roleNotVerifiedText()
{
    return QStringLiteral("role not verified: this user may not run ROLE or INFO");
}

void MasterResolver::checkRole(RedisConnection &connection, QByteArray *role, VigilError *error)
{
    *role = {};
    *error = {};
    const RespResult reply = connection.execute({"ROLE"});
    if (reply.ok()) {
        if (!reply.value.isArray() || reply.value.size() < 1 || !reply.value.at(0).isBulk()) {
            *error = {VigilError::Kind::Protocol, connection.nodeName(), QStringLiteral("ROLE"),
                      QStringLiteral("unexpected reply: %1").arg(QString::fromUtf8(reply.value.preview()))};
            return;
        }
        *role = reply.value.at(0).toByteArray();
        return;
    }
    if (reply.error.isError() || !Resp::isCommandDenied(reply.value)) {
        *error = reply.error.isError() ? reply.error : connection.errorFor({"ROLE"}, reply.value);
        return;
    }
    const RespCommand info = {"INFO", "replication"};
    const RespResult replication = connection.execute(info);
    if (!replication.ok()) {
        if (replication.error.isError() || !Resp::isCommandDenied(replication.value))
            *error = replication.error.isError() ? replication.error : connection.errorFor(info, replication.value);
        return;
    }
    *role = replication.value.isBulk() ? InfoParser::field(replication.value.toByteArray(), "role") : QByteArray();
    if (role->isEmpty())
        *error = {VigilError::Kind::Protocol, connection.nodeName(), QStringLiteral("INFO replication"),
                  QStringLiteral("the reply names no role: %1").arg(QString::fromUtf8(replication.value.preview()))};
}

QList<HostPort> MasterResolver::queryReplicas(VigilError *error)
{
    QStringList failures;
    VigilError protocolError;
    for (const HostPort &seed : std::as_const(m_sentinels)) {
        const std::unique_ptr<RedisConnection> connection = m_connections->make(m_target.sentinelOptions(seed));
        RedisConnection &sentinel = *connection;
        if (const VigilError e = sentinel.openBlocking(); e.isError()) {
            failures.append(e.toString());
            continue;
        }
        const RespCommand command = {"SENTINEL", "REPLICAS", m_target.masterName.toUtf8()};
        const RespResult reply = sentinel.execute(command);
        if (!reply.ok()) {
            if (reply.error.kind() == VigilError::Kind::Protocol)
                protocolError = reply.error;
            failures.append(reply.error.isError() ? reply.error.toString()
                                                  : sentinel.errorFor(command, reply.value).toString());
            continue;
        }
        bool fieldMaps = reply.value.isArray();
        for (const RespValue &entry : reply.value.elements()) {
            fieldMaps = fieldMaps && entry.isArray() && entry.size() % 2 == 0;
            for (const RespValue &field : entry.elements())
                fieldMaps = fieldMaps && field.isBulk();
        }
        if (!fieldMaps) {
            protocolError = {VigilError::Kind::Protocol, sentinel.nodeName(), Resp::describe(command),
                             QStringLiteral("unexpected reply, not a list of replicas: %1")
                                 .arg(QString::fromUtf8(reply.value.preview()))};
            failures.append(protocolError.toString());
            continue;
        }
        QList<HostPort> replicas;
        for (const RespValue &entry : reply.value.elements()) {
            const auto m = entry.toFieldMap();
            if (m.value("flags") != "slave" || m.value("master-link-status") != "ok")
                continue;
            replicas.append(m_target.addressMap.map(
                {QString::fromUtf8(m.value("ip")), static_cast<quint16>(m.value("port").toUInt())}));
        }
        *error = {};
        return replicas;
    }
    if (protocolError.isError()) {
        *error = {VigilError::Kind::Protocol, protocolError.node(), protocolError.step(),
                  protocolError.message()
                      + (failures.size() > 1 ? QStringLiteral(" (all %1 sentinels: %2)")
                                                   .arg(failures.size())
                                                   .arg(failures.join(QStringLiteral("; ")))
                                             : QString())};
        return {};
    }
    *error = {VigilError::Kind::Unreachable, QStringLiteral("master '%1'").arg(m_target.masterName),
              QStringLiteral("SENTINEL REPLICAS"),
              QStringLiteral("no sentinel answered: ") + failures.join(QStringLiteral("; "))};
    return {};
}
