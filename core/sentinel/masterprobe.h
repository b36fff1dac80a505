#pragma once

#include "common/vigilerror.h"
#include "masterresolver.h"

#include <QObject>

// What the first window shows about a deployment.
struct MasterProbeResult
{
    ResolvedMaster master;
    QList<HostPort> sentinels; // known after the resolution
    QByteArray redisVersion;
    qint64 keys = -1;           // DBSIZE of the selected database
    int connectedReplicas = -1; // from INFO replication
};
Q_DECLARE_METATYPE(MasterProbeResult)

// A worker (on its own thread) that resolves the master through the sentinels, checks its ROLE and reads a few facts.
// Each probe() resolves afresh, as a client must on every reconnect, so a failover shows on the next probe.
class MasterProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MasterProbe)

public:
    explicit MasterProbe(SentinelTarget target, QObject *parent = nullptr);
    ~MasterProbe() override;

public Q_SLOTS:
    void probe();

Q_SIGNALS:
    void probed(const MasterProbeResult &result);
    void failed(const VigilError &error);

private:
    std::unique_ptr<MasterResolver> m_resolver;
};
