#pragma once

#include "common/vigilerror.h"
#include "hostport.h"
#include "resp/connectionfactory.h"
#include "resp/connectionoptions.h"
#include "ssh/sshoptions.h"

#include <QDeadlineTimer>
#include <QList>

#include <memory>

class RedisConnection;

// What a client needs to find the master of one Sentinel-managed deployment.
struct SentinelTarget
{
    QList<HostPort> seeds;
    QString masterName;

    QByteArray sentinelUser;
    QByteArray sentinelPassword;
    QByteArray dataUser;
    QByteArray dataPassword;
    int db = 0;
    bool readOnly = false;
    // The user marked this deployment as production: the window colours it and says so wherever it shows. Changes
    // nothing about what is sent.
    bool production = false;
    AddressMap addressMap;
    TlsOptions sentinelTls; // TLS to the sentinels, and to the data nodes: some deployments have it on only one side
    TlsOptions dataTls;
    SshOptions ssh; // through a bastion: every connection a channel of one SSH session (the factory's)

    int sentinelTimeoutMs = 1000; // connect and command timeout per sentinel: a dead seed must not stall us
    int dataConnectTimeoutMs = 2000;
    int dataCommandTimeoutMs = 5000;
    int roleRetries = 10; // "reported master says it is a replica": retries, roleRetryDelayMs apart
    int roleRetryDelayMs = 300;
    // Sentinels learned beyond the seeds (SENTINEL SENTINELS, +sentinel) are kept up to this many: real deployments
    // run 3 to 7, and a sentinel naming thousands would otherwise get a connection to each.
    int maxSentinels = 32;
    // A master the user chose to trust while the sentinels disagree about it (the Deployment tab; in memory only, for
    // the session): the resolver takes it when a sentinel names it, majority or not.
    HostPort trustedMaster;
    RespLimits limits; // what one reply may announce and weigh, on every connection to the deployment

    ConnectionOptions sentinelOptions(const HostPort &address) const;
    ConnectionOptions dataOptions(const HostPort &address, const QString &role) const;
};

struct ResolvedMaster
{
    HostPort address;  // reachable (after the address map)
    HostPort reported; // as the sentinel reported it
    HostPort sentinel; // the sentinel that answered
    QByteArray role;   // what ROLE (or INFO replication) said: "master"
    int attempts = 1;  // resolutions it took (more than one during a failover)
    // The confirmation: of the sentinels that answered (the first included), how many named this address. With one
    // answering, the master rests on one sentinel's word; `outvoted` is a first sentinel the majority contradicted.
    int sentinelsAnswering = 0;
    int sentinelsAgreeing = 0;
    HostPort outvoted;
    // False when the user may run neither ROLE nor INFO: then "master" is the sentinels' word, not the node's.
    bool roleVerified = true;

    // The mark shown wherever the role was taken on the sentinels' word.
    static QString roleNotVerifiedText();
};

// Finds the current master, following the redis.io Sentinel client spec:
//  1. try the seeds in order, each with a short timeout; the first that answers moves to the front;
//  2. SENTINEL get-master-addr-by-name; a null reply means "ask the next sentinel";
//  3. connect to the reported address and check ROLE; a replica means "wait a little and start over";
//  4. refresh the sentinel list from SENTINEL sentinels, for the next resolution.
// Blocking and bounded by the timeouts: call it from a worker thread, and again on every reconnect.
class MasterResolver final
{
public:
    // Connections come from `connections` (the deployment's factory), or from a factory of its own when null.
    explicit MasterResolver(SentinelTarget target, ConnectionFactoryPtr connections = {});
    ~MasterResolver();
    Q_DISABLE_COPY_MOVE(MasterResolver)

    const SentinelTarget &target() const { return m_target; }
    // The sentinels it knows now: the seeds, reordered, plus those discovered.
    const QList<HostPort> &sentinels() const { return m_sentinels; }

    // Resolves and returns an open, role-checked connection to the master (or null and *error). The role retries stop
    // at `deadline` (the scan's recovery bound). A reply it cannot accept, from a sentinel or from the master, is a
    // Protocol error and is not retried here: the caller decides how often to try again.
    std::unique_ptr<RedisConnection> connectToMaster(ResolvedMaster *resolved, VigilError *error,
                                                     QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever));

    // Only asks the sentinels; does not connect to the master.
    ResolvedMaster queryMasterAddress(VigilError *error);

    // The replicas the first answering sentinel lists as healthy (flags exactly "slave", link ok), remapped.
    QList<HostPort> queryReplicas(VigilError *error);

    // What the node says its role is: ROLE, or INFO replication when ROLE is refused (ROLE is @admin @dangerous,
    // INFO is @dangerous: least-privilege users often have neither). Empty *role and no error when both answer NOPERM;
    // *error for anything else that went wrong.
    static void checkRole(RedisConnection &connection, QByteArray *role, VigilError *error);

private:
    // Asks the first sentinel again and every other known one, in parallel, for the master's address: a majority of
    // those that answer must name what the first one names before anything, the data password first, goes there.
    // Contradicted, the first is waited on a few seconds (a failover on its way through the sentinels), then outvoted
    // by a majority's address. False (and *error) when no address has a majority.
    bool confirm(RedisConnection &firstConnection, const HostPort &first, ResolvedMaster *resolved, VigilError *error);
    void refreshSentinels(RedisConnection &sentinel);

    SentinelTarget m_target;
    ConnectionFactoryPtr m_connections;
    QList<HostPort> m_sentinels;
};
