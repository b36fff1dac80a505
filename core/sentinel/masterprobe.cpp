#include "masterprobe.h"

#include "resp/redisconnection.h"

MasterProbe::MasterProbe(SentinelTarget target, QObject *parent)
    : QObject(parent)
    , m_resolver(std::make_unique<MasterResolver>(std::move(target)))
{
    qRegisterMetaType<MasterProbeResult>();
    qRegisterMetaType<VigilError>();
}

MasterProbe::~MasterProbe() = default;

void MasterProbe::probe()
{
    MasterProbeResult result;
    VigilError error;
    std::unique_ptr<RedisConnection> master = m_resolver->connectToMaster(&result.master, &error);
    if (!master) {
        Q_EMIT failed(error);
        return;
    }
    result.sentinels = m_resolver->sentinels();
    const QList<RespResult> replies
        = master->executePipeline({{"INFO", "server"}, {"INFO", "replication"}, {"DBSIZE"}});
    for (const QByteArray &line : replies.at(0).value.toByteArray().split('\n')) {
        if (line.startsWith("redis_version:"))
            result.redisVersion = line.mid(14).trimmed();
    }
    for (const QByteArray &line : replies.at(1).value.toByteArray().split('\n')) {
        if (line.startsWith("connected_slaves:"))
            result.connectedReplicas = line.mid(17).trimmed().toInt();
    }
    if (replies.at(2).ok())
        result.keys = replies.at(2).value.toInteger();
    Q_EMIT probed(result);
}
