#include "connectioncheck.h"

#include "resp/redisconnection.h"

ConnectionCheck::ConnectionCheck(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<SentinelTarget>();
}

QString ConnectionCheck::stepName(Step step)
{
    switch (step) {
    case SentinelReached:
        return tr("Sentinel reached");
    case MasterKnown:
        return tr("Master name known");
    case MasterAuth:
        return tr("Auth on the master");
    case MasterRole:
        return tr("Master's ROLE");
    case StepCount:
        break;
    }
    return {};
}

void ConnectionCheck::run(const SentinelTarget &target)
{
    const auto fail = [this](int step, const QString &detail) {
        Q_EMIT stepFinished(step, false, detail);
        for (int later = step + 1; later < StepCount; ++later)
            Q_EMIT stepFinished(later, false, tr("not tried"));
        Q_EMIT checkFinished(false);
    };
    if (target.seeds.isEmpty())
        return fail(SentinelReached, tr("no sentinel address given"));
    if (target.masterName.isEmpty())
        return fail(SentinelReached, tr("no master name given"));

    // 1. The first seed that answers, with the sentinel credentials.
    std::unique_ptr<RedisConnection> sentinel;
    QStringList failures;
    for (const HostPort &seed : target.seeds) {
        auto attempt = std::make_unique<RedisConnection>(target.sentinelOptions(seed));
        if (const VigilError e = attempt->openBlocking(); e.isError()) {
            failures.append(e.toString());
            continue;
        }
        const RespResult ping = attempt->execute({"PING"});
        if (!ping.ok()) {
            failures.append(ping.error.isError() ? ping.error.toString()
                                                 : attempt->errorFor({"PING"}, ping.value).toString());
            continue;
        }
        sentinel = std::move(attempt);
        Q_EMIT stepFinished(SentinelReached, true, tr("%1 answered").arg(seed.toString()));
        break;
    }
    if (!sentinel)
        return fail(SentinelReached, failures.join(QStringLiteral("; ")));

    // 2. It knows the master.
    const RespCommand ask = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", target.masterName.toUtf8()};
    const RespResult reply = sentinel->execute(ask);
    if (reply.error.isError())
        return fail(MasterKnown, reply.error.toString());
    if (reply.value.isError()) {
        const QString text = QString::fromUtf8(reply.value.toByteArray());
        return fail(MasterKnown, text.contains(QLatin1String("unknown command"))
                                     ? tr("%1 is not a sentinel (%2)").arg(sentinel->options().address(), text)
                                     : sentinel->errorFor(ask, reply.value).toString());
    }
    if (!reply.value.isArray() || reply.value.size() != 2)
        return fail(
            MasterKnown,
            tr("sentinel %1 does not know a master called '%2'").arg(sentinel->options().address(), target.masterName));
    const HostPort reported{QString::fromUtf8(reply.value.at(0).toByteArray()),
                            static_cast<quint16>(reply.value.at(1).toByteArray().toUInt())};
    const HostPort address = target.addressMap.map(reported);
    Q_EMIT stepFinished(MasterKnown, true,
                        address == reported ? tr("at %1").arg(address.toString())
                                            : tr("at %1, reached as %2").arg(reported.toString(), address.toString()));

    // 3. Our credentials work on the master.
    RedisConnection master(target.dataOptions(address, QStringLiteral("master")));
    if (const VigilError e = master.openBlocking(); e.isError())
        return fail(MasterAuth, e.toString());
    Q_EMIT stepFinished(MasterAuth, true,
                        target.dataPassword.isEmpty() ? tr("no password needed") : tr("credentials accepted"));

    // 4. It is the master.
    const RespResult role = master.execute({"ROLE"});
    if (!role.ok() || !role.value.isArray() || role.value.size() < 1)
        return fail(MasterRole,
                    role.error.isError() ? role.error.toString() : master.errorFor({"ROLE"}, role.value).toString());
    const QByteArray said = role.value.at(0).toByteArray();
    if (said != "master")
        return fail(MasterRole,
                    tr("%1 says it is a %2 (failover in progress?)").arg(address.toString(), QString::fromUtf8(said)));
    Q_EMIT stepFinished(MasterRole, true, tr("master"));
    Q_EMIT checkFinished(true);
}

void ConnectionCheck::listMasters(const SentinelTarget &target)
{
    QStringList failures;
    for (const HostPort &seed : target.seeds) {
        RedisConnection sentinel(target.sentinelOptions(seed));
        if (const VigilError e = sentinel.openBlocking(); e.isError()) {
            failures.append(e.toString());
            continue;
        }
        const RespResult reply = sentinel.execute({"SENTINEL", "MASTERS"});
        if (!reply.ok()) {
            failures.append(reply.error.isError() ? reply.error.toString()
                                                  : sentinel.errorFor({"SENTINEL", "MASTERS"}, reply.value).toString());
            continue;
        }
        QStringList names;
        for (const RespValue &entry : reply.value.elements())
            names.append(QString::fromUtf8(entry.toFieldMap().value("name")));
        names.sort();
        Q_EMIT mastersListed(names, {});
        return;
    }
    Q_EMIT mastersListed({}, failures.isEmpty() ? tr("no sentinel address given") : failures.join(QStringLiteral("; ")));
}
