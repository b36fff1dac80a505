#pragma once

#include "masterresolver.h"
#include "resp/connectionfactory.h"
#include "resp/redisconnection.h"

#include <QObject>
#include <QPointer>

class QTimer;
class SentinelWatcher;

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
class MasterLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MasterLink)

public:
    static constexpr int waitForMasterMs = 5000;

    MasterLink(SentinelWatcher *watcher, ConnectionFactoryPtr connections, QObject *parent = nullptr);
    ~MasterLink() override;

    HostPort master() const { return m_master; }
    bool isReadOnly() const { return m_target.readOnly; }

    void send(const RespCommand &command, RedisConnection::ReplyHandler handler);

    // The connection in use (null before the first command or after a switch): tests read its command counters.
    RedisConnection *connection() const { return m_connection; }

Q_SIGNALS:
    void masterChanged(const HostPort &master);

private:
    struct Waiting
    {
        RespCommand command;
        RedisConnection::ReplyHandler handler;
    };

    void setMaster(const HostPort &master);
    void connectToMaster();
    void drop();
    void flush();
    void failWaiting(const VigilError &error);

    SentinelTarget m_target;
    ConnectionFactoryPtr m_connections;
    HostPort m_master;
    QTimer *m_masterTimeout = nullptr; // commands wait this long for the sentinels to name the master
    QPointer<RedisConnection> m_connection;
    QList<Waiting> m_waiting;
    bool m_destroying = false;
};
