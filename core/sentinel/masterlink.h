#pragma once

#include "masterresolver.h"
#include "resp/connectionfactory.h"
#include "resp/redisconnection.h"

#include <QObject>
#include <QPointer>

class QTimer;
class SentinelWatcher;
struct TopologySnapshot;

// The GUI thread's connection to the current master of one deployment, for everything a user reads or changes by hand
// (key details, value viewers, key actions). It follows the deployment's SentinelWatcher: when the watcher's master
// changes, the old connection is closed and the next command connects to the new master. Commands sent before the
// master is known, or before the connection is ready, wait for it (the master for at most waitForMasterMs); if it
// cannot be made, each of them gets the error, naming the node and the step. The Deployment owns it: one link per
// deployment, so a command can never reach another deployment's master.
// A READONLY reply (the node was demoted under us) drops the connection too, so the next command goes to the master
// the watcher names by then.
//
// Read-only targets make read-only connections: every write is refused by RedisConnection itself, before it leaves.
//
// No single sentinel is trusted with the data password or a write. The link connects only to a master a majority of
// the answering sentinels named (the watcher's confirmedMaster()), or one the user chose to trust() while they
// disagree; until then every command waits (at most waitForMasterMs). Each new connection asks the node's role
// (ROLE, or INFO replication; neither when the ACL refuses both) before anything of the user's is sent on it: a node
// that says it is a replica gets nothing, and the waiting commands fail with words that say why.
//
// sendWrite() is send() for the writes a user makes: unless the master is known to have no replicas, it sends WAIT
// right behind the write, on the same connection (the two are queued together, so they cannot be split across a
// reconnect), and says how many replicas had the write within replicaWaitMs. Zero means a failover now would lose
// it: asynchronous replication's risk, told at the moment it matters. The count of replicas is learned from the
// master's own ROLE answer on each new connection and from every watcher poll that describes this master; a poll
// that lists none proves nothing (its SENTINEL REPLICAS may have failed), so it does not make the count zero.
class MasterLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MasterLink)

public:
    static constexpr int waitForMasterMs = 5000;
    static constexpr int replicaWaitMs = 1000;

    struct WriteResult
    {
        RespResult result;   // the write's own answer
        int replicas = 0;    // replicas the master had, as last learned; 0: none, no WAIT was sent; -1: not known
        qint64 acked = -1;   // WAIT's answer: replicas that had the write in time; -1 when not known
        QString waitProblem; // why acked is not known, when WAIT was sent and gave no count
    };
    using WriteHandler = std::function<void(const WriteResult &)>;

    MasterLink(SentinelWatcher *watcher, ConnectionFactoryPtr connections, QObject *parent = nullptr);
    ~MasterLink() override;

    HostPort master() const { return m_master; }
    // The master may be sent the data password and writes: a majority of the sentinels named it, or the user trusted
    // it while they disagree.
    bool isConfirmed() const;
    bool isTrusted() const { return m_master.isValid() && m_trusted == m_master; }
    // Trusts `master` for this link although the sentinels disagree (the Deployment tab's button). Forgotten when the
    // master changes.
    void trust(const HostPort &master);
    bool isReadOnly() const { return m_target.readOnly; }
    // The ACL user may not write: learned once per connection from a probe that cannot write anything (the link
    // connects as soon as the master is known, unless the target is read-only), and from any write the server
    // refuses with NOPERM. Writes are then disabled, with writeDeniedReason() as the reason.
    bool isWriteDenied() const { return !m_writeDenied.isEmpty(); }
    QString writeDeniedReason() const { return m_writeDenied; }
    // False when the watcher's last word on this master is that the user may run neither ROLE nor INFO.
    bool isRoleVerified() const;

    // The key the write probe names. It is never written: SET with both NX and XX is a syntax error, which Redis
    // reports only after the ACL check has passed.
    static QByteArray probeKey() { return QByteArrayLiteral("vigil:acl-probe"); }

    void send(const RespCommand &command, RedisConnection::ReplyHandler handler);
    void sendWrite(const RespCommand &command, WriteHandler handler);

    // The connection in use (null before the first command or after a switch): tests read its command counters.
    RedisConnection *connection() const { return m_connection; }

Q_SIGNALS:
    void masterChanged(const HostPort &master);
    void writeAccessChanged();
    void confirmationChanged();

private:
    struct Waiting
    {
        RespCommand command;
        RedisConnection::ReplyHandler handler;
    };

    void setMaster(const HostPort &master);
    void handleConfirmation();
    void connectToMaster();
    void checkRole(const QByteArray &command);
    void handleRole(const QByteArray &role, int replicas);
    bool mayConnect() const;
    VigilError notConfirmedError() const;
    void drop();
    void flush();
    void failWaiting(const VigilError &error);
    void probeWriteAccess();
    void learn(const RespCommand &command, const RespResult &result);

    void learnReplicas(const TopologySnapshot &snapshot);

    SentinelTarget m_target;
    QPointer<SentinelWatcher> m_watcher;
    ConnectionFactoryPtr m_connections;
    HostPort m_master;
    QTimer *m_masterTimeout = nullptr; // commands wait this long for the sentinels to name the master
    QPointer<RedisConnection> m_connection;
    bool m_roleChecked = false; // on m_connection: the node said it is the master (or may not be asked)
    int m_replicas = -1;        // m_master's replicas, as last learned (ROLE, or the watcher); -1: not known
    HostPort m_trusted;
    QList<Waiting> m_waiting;
    bool m_destroying = false;
    QString m_writeDenied;
};
