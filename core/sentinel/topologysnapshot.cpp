#include "topologysnapshot.h"

#include <algorithm>

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

int TopologySnapshot::sentinelsAnswering() const
{
    return static_cast<int>(std::count_if(sentinels.cbegin(), sentinels.cend(),
                                          [](const Sentinel &s) { return s.reportedMaster.isValid(); }));
}

int TopologySnapshot::sentinelsNaming(const HostPort &address) const
{
    return static_cast<int>(std::count_if(sentinels.cbegin(), sentinels.cend(), [&](const Sentinel &s) {
        return address.isValid() && s.reportedMaster == address;
    }));
}

QString TopologySnapshot::confirmationText() const
{
    const int answering = sentinelsAnswering();
    if (answering == 0)
        return QStringLiteral("no sentinel named a master in the last poll");
    if (masterConfirmed) {
        if (answering == 1 && sentinels.size() <= 1)
            return QStringLiteral("by the one sentinel there is");
        if (answering == 1)
            return QStringLiteral("by one sentinel only: %1 other%2 did not answer")
                .arg(sentinels.size() - 1)
                .arg(sentinels.size() > 2 ? QStringLiteral("s") : QString());
        return QStringLiteral("by %1 of %2 sentinels").arg(sentinelsNaming(watchedMaster)).arg(answering);
    }
    // Not confirmed, but every answer names one address: the others have not answered yet (their links are still
    // being made). That is a wait, not a disagreement, and saying "disagree" here would cry wolf.
    const auto waiting = std::count_if(sentinels.cbegin(), sentinels.cend(),
                                       [](const Sentinel &s) { return s.reach == Sentinel::Reach::Connecting; });
    if (sentinelsAgree() && waiting > 0) {
        const HostPort address = std::find_if(sentinels.cbegin(), sentinels.cend(), [](const Sentinel &s) {
                                     return s.reportedMaster.isValid();
                                 })->reportedMaster;
        return QStringLiteral("not confirmed yet: %1 of %2 sentinels %3 %4; waiting for %5 still connecting")
            .arg(answering)
            .arg(sentinels.size())
            .arg(answering == 1 ? QStringLiteral("names") : QStringLiteral("name"), address.toString())
            .arg(waiting);
    }
    // Who names what, the most named first.
    QList<QPair<HostPort, int>> named;
    for (const Sentinel &s : sentinels) {
        if (!s.reportedMaster.isValid())
            continue;
        auto found
            = std::find_if(named.begin(), named.end(), [&](const auto &n) { return n.first == s.reportedMaster; });
        if (found == named.end())
            named.append({s.reportedMaster, 1});
        else
            ++found->second;
    }
    std::stable_sort(named.begin(), named.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    QStringList parts;
    for (const auto &n : std::as_const(named))
        parts.append(QStringLiteral("%1 of %2 %3 %4")
                         .arg(n.second)
                         .arg(answering)
                         .arg(n.second == 1 ? QStringLiteral("names") : QStringLiteral("name"), n.first.toString()));
    return QStringLiteral("not confirmed: the sentinels disagree (%1)").arg(parts.join(QStringLiteral(", ")));
}
