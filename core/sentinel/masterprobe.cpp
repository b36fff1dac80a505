#include "masterprobe.h"

#include "resp/redisconnection.h"

namespace {
constexpr qint64 resolveAtLeastEveryMs = 30000;

QByteArray infoField(const RespResult &reply, QByteArrayView name)
{
    for (const QByteArray &line : reply.value.toByteArray().split('\n')) {
        if (line.startsWith(name) && line.size() > name.size() && line.at(name.size()) == ':')
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}
} // namespace

MasterProbe::MasterProbe(SentinelTarget target, QObject *parent)
    : QObject(parent)
    , m_resolver(std::make_unique<MasterResolver>(std::move(target)))
{
    qRegisterMetaType<MasterProbeResult>();
    qRegisterMetaType<VigilError>();
}

MasterProbe::~MasterProbe() = default;

void MasterProbe::invalidate()
{
    m_master.reset();
}

void MasterProbe::probe()
{
    // One connection to the master, kept between probes: a probe every 2 s that resolved and connected afresh was a
    // new connection a second on the master and the sentinels. ROLE is asked on every probe, so a demoted master is
    // noticed at once; a switch the old master cannot know about (it is cut off) comes through invalidate(), from
    // the watcher's +switch-master; and the sentinels are asked again at least every 30 s regardless.
    if (m_master && m_sinceResolve.isValid() && m_sinceResolve.elapsed() < resolveAtLeastEveryMs) {
        const QList<RespResult> replies
            = m_master->executePipeline({{"ROLE"}, {"INFO", "server"}, {"INFO", "replication"}, {"DBSIZE"}});
        const RespResult &role = replies.at(0);
        if (role.ok() && role.value.isArray() && role.value.size() > 0 && role.value.at(0).toByteArray() == "master") {
            Q_EMIT probed(facts(replies.mid(1)));
            return;
        }
        m_master.reset(); // gone, or no longer the master: ask the sentinels
    }
    VigilError error;
    m_master = m_resolver->connectToMaster(&m_resolved, &error);
    if (!m_master) {
        Q_EMIT failed(error);
        return;
    }
    m_sinceResolve.start();
    m_sentinels = m_resolver->sentinels();
    Q_EMIT probed(facts(m_master->executePipeline({{"INFO", "server"}, {"INFO", "replication"}, {"DBSIZE"}})));
}

MasterProbeResult MasterProbe::facts(const QList<RespResult> &replies) const
{
    // replies: INFO server, INFO replication, DBSIZE.
    MasterProbeResult result;
    result.master = m_resolved;
    result.sentinels = m_sentinels;
    result.redisVersion = infoField(replies.at(0), "redis_version");
    const QByteArray replicas = infoField(replies.at(1), "connected_slaves");
    if (!replicas.isEmpty())
        result.connectedReplicas = replicas.toInt();
    if (replies.at(2).ok())
        result.keys = replies.at(2).value.toInteger();
    return result;
}
