#include "topologysnapshot.h"

namespace {
HostPort addressOf(const QHash<QByteArray, QByteArray> &fields)
{
    return {QString::fromUtf8(fields.value("ip")), static_cast<quint16>(fields.value("port").toUInt())};
}

qint64 number(const QHash<QByteArray, QByteArray> &fields, const QByteArray &key)
{
    bool ok = false;
    const qint64 value = fields.value(key).toLongLong(&ok);
    return ok ? value : -1;
}
} // namespace

TopologySnapshot::Master TopologySnapshot::masterFrom(const QHash<QByteArray, QByteArray> &fields,
                                                      const AddressMap &addressMap)
{
    Master master;
    master.address = addressMap.map(addressOf(fields));
    master.runId = fields.value("runid");
    master.flags = fields.value("flags");
    master.configEpoch = number(fields, "config-epoch");
    master.otherSentinels = static_cast<int>(number(fields, "num-other-sentinels"));
    master.quorum = static_cast<int>(number(fields, "quorum"));
    return master;
}

TopologySnapshot::Replica TopologySnapshot::replicaFrom(const QHash<QByteArray, QByteArray> &fields,
                                                        const AddressMap &addressMap)
{
    Replica replica;
    replica.address = addressMap.map(addressOf(fields));
    replica.runId = fields.value("runid");
    replica.flags = fields.value("flags");
    replica.masterLinkStatus = fields.value("master-link-status");
    replica.replicationOffset = number(fields, "slave-repl-offset");
    replica.lastOkPingMs = number(fields, "last-ok-ping-reply");
    replica.priority = static_cast<int>(number(fields, "slave-priority"));
    return replica;
}

TopologySnapshot::Sentinel TopologySnapshot::sentinelFrom(const QHash<QByteArray, QByteArray> &fields,
                                                          const AddressMap &addressMap)
{
    Sentinel sentinel;
    sentinel.address = addressMap.map(addressOf(fields));
    sentinel.runId = fields.value("runid");
    sentinel.flags = fields.value("flags");
    sentinel.lastOkPingMs = number(fields, "last-ok-ping-reply");
    return sentinel;
}

bool TopologySnapshot::sentinelsAgree() const
{
    HostPort first;
    for (const Sentinel &s : sentinels) {
        if (!s.reportedMaster.isValid())
            continue;
        if (!first.isValid())
            first = s.reportedMaster;
        else if (s.reportedMaster != first)
            return false;
    }
    return true;
}
