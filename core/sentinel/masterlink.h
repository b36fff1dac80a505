#pragma once

#include "masterresolver.h"
#include "resp/redisconnection.h"

#include <QObject>
#include <QPointer>

// The GUI thread's connection to the current master, for everything a user reads or changes by hand (key details,
// value viewers, key actions). It follows the master: setMaster() (from the SentinelWatcher, which resolves it through
// the sentinels) closes the old connection, and the next command connects to the new master. Commands sent before the
// connection is ready wait for it; if it cannot be made, each of them gets the error, naming the node and the step.
// A READONLY reply (the node was demoted under us) drops the connection too, so the next command goes to the master
// the watcher names by then.
//
// Read-only targets make read-only connections: every write is refused by RedisConnection itself, before it leaves.
class MasterLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MasterLink)

public:
    explicit MasterLink(QObject *parent = nullptr);
    ~MasterLink() override;

    void setTarget(const SentinelTarget &target);
    void setMaster(const HostPort &master);
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

    void connectToMaster();
    void drop();
    void flush();
    void failWaiting(const VigilError &error);

    SentinelTarget m_target;
    HostPort m_master;
    QPointer<RedisConnection> m_connection;
    QList<Waiting> m_waiting;
    bool m_destroying = false;
};
