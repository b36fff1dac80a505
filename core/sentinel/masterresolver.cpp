#include "masterresolver.h"

#include "resp/redisconnection.h"

#include <QStringList>
#include <QThread>

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
    QList<VigilError> authErrors;
    QStringList unknownName;
    QStringList notSentinel;
    const QList<HostPort> order = m_sentinels;
    for (const HostPort &seed : order) {
        const std::unique_ptr<RedisConnection> connection = m_connections->make(m_target.sentinelOptions(seed));
        RedisConnection &sentinel = *connection;
        if (const VigilError e = sentinel.openBlocking(); e.isError()) {
            if (e.kind() == VigilError::Kind::Auth)
                authErrors.append(e);
            failures.append(e.toString());
            continue;
        }
        const RespResult reply = sentinel.execute(ask);
        if (reply.error.isError()) {
            failures.append(reply.error.toString());
            continue;
        }
        if (reply.value.isError()) {
            const VigilError e = sentinel.errorFor(ask, reply.value);
            if (e.kind() == VigilError::Kind::Auth) {
                authErrors.append(e);
                failures.append(e.toString());
            } else if (reply.value.toByteArray().contains("unknown command")) {
                notSentinel.append(seed.toString());
                failures.append(QStringLiteral("%1: not a sentinel (it answered: %2)")
                                    .arg(seed.toString(), QString::fromUtf8(reply.value.toByteArray())));
            } else {
                failures.append(e.toString());
            }
            continue;
        }
        if (reply.value.isNil() || !reply.value.isArray() || reply.value.size() != 2) {
            // The spec: this sentinel does not know the master; ask the next one.
            unknownName.append(seed.toString());
            failures.append(
                QStringLiteral("sentinel %1: does not know master '%2'").arg(seed.toString(), m_target.masterName));
            continue;
        }
        // Found it: this sentinel goes to the front for next time.
        m_sentinels.removeAll(seed);
        m_sentinels.prepend(seed);
        refreshSentinels(sentinel);

        ResolvedMaster resolved;
        resolved.sentinel = seed;
        resolved.reported = {QString::fromUtf8(reply.value.at(0).toByteArray()),
                             static_cast<quint16>(reply.value.at(1).toByteArray().toUInt())};
        resolved.address = m_target.addressMap.map(resolved.reported);
        *error = {};
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
    } else {
        *error = {VigilError::Kind::Unreachable, masterNode, QStringLiteral("reach a sentinel"),
                  QStringLiteral("no sentinel answered: ") + failures.join(QStringLiteral("; "))};
    }
    return {};
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
        if (discovered.isValid() && !m_sentinels.contains(discovered))
            m_sentinels.append(discovered);
    }
}

std::unique_ptr<RedisConnection> MasterResolver::connectToMaster(ResolvedMaster *resolved, VigilError *error)
{
    VigilError last;
    for (int attempt = 1; attempt <= m_target.roleRetries + 1; ++attempt) {
        if (attempt > 1)
            QThread::msleep(static_cast<unsigned long>(m_target.roleRetryDelayMs));
        ResolvedMaster found = queryMasterAddress(error);
        if (error->isError())
            return nullptr;
        found.attempts = attempt;
        std::unique_ptr<RedisConnection> connection
            = m_connections->make(m_target.dataOptions(found.address, QStringLiteral("master")));
        if (const VigilError e = connection->openBlocking(); e.isError()) {
            if (e.kind() == VigilError::Kind::Auth) {
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
        const RespResult role = connection->execute({"ROLE"});
        if (!role.ok() || !role.value.isArray() || role.value.size() < 1) {
            last = role.error.isError() ? role.error : connection->errorFor({"ROLE"}, role.value);
            if (last.kind() == VigilError::Kind::Auth) {
                *error = last;
                return nullptr;
            }
            continue;
        }
        found.role = role.value.at(0).toByteArray();
        if (found.role != "master") {
            last = {VigilError::Kind::Server, connection->nodeName(), QStringLiteral("ROLE"),
                    QStringLiteral("the reported master says it is a %1 (failover in progress?)")
                        .arg(QString::fromUtf8(found.role))};
            continue;
        }
        *resolved = found;
        *error = {};
        return connection;
    }
    *error = last;
    return nullptr;
}

QList<HostPort> MasterResolver::queryReplicas(VigilError *error)
{
    QStringList failures;
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
            failures.append(reply.error.isError() ? reply.error.toString()
                                                  : sentinel.errorFor(command, reply.value).toString());
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
    *error = {VigilError::Kind::Unreachable, QStringLiteral("master '%1'").arg(m_target.masterName),
              QStringLiteral("SENTINEL REPLICAS"),
              QStringLiteral("no sentinel answered: ") + failures.join(QStringLiteral("; "))};
    return {};
}
