#pragma once

#include "common/vigilerror.h"
#include "masterresolver.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

class RedisConnection;
struct RespResult;

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
// It keeps its connection to the master between probes and checks ROLE on each; it resolves afresh when the master
// is gone or demoted, when told to (invalidate(), on a switch the watcher heard), and at least every 30 s.
class MasterProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MasterProbe)

public:
    explicit MasterProbe(SentinelTarget target, QObject *parent = nullptr);
    ~MasterProbe() override;

public Q_SLOTS:
    void probe();
    // The master may have changed: the next probe asks the sentinels.
    void invalidate();

Q_SIGNALS:
    void probed(const MasterProbeResult &result);
    void failed(const VigilError &error);

private:
    MasterProbeResult facts(const QList<RespResult> &replies) const;

    std::unique_ptr<MasterResolver> m_resolver;
    std::unique_ptr<RedisConnection> m_master;
    ResolvedMaster m_resolved;
    QList<HostPort> m_sentinels;
    QElapsedTimer m_sinceResolve;
};
