#pragma once

#include "common/workerthread.h"
#include "resp/respreader.h"
#include "sentinel/masterresolver.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>
#include <memory>
#include <optional>

// A TCP server on its own thread that answers every client with the same canned bytes, once it has read something
// (or at once, with greet). It stands in for a peer that does not speak RESP, or speaks it with hostile intent.
class FakeServer final : public QTcpServer
{
    Q_OBJECT

public:
    explicit FakeServer(QByteArray reply, bool greet = false)
        : m_reply(std::move(reply))
        , m_greet(greet)
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, &FakeServer::handleNewConnection);
    }

private:
    void handleNewConnection()
    {
        while (QTcpSocket *socket = nextPendingConnection()) {
            if (m_greet)
                socket->write(m_reply);
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                socket->readAll();
                socket->write(m_reply);
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    QByteArray m_reply;
    bool m_greet;
};

// Owns a FakeServer running on a thread of its own, so blocking clients in the test thread can talk to it.
class FakeServerThread final
{
public:
    explicit FakeServerThread(const QByteArray &reply, bool greet = false)
    {
        auto *server = new FakeServer(reply, greet);
        m_port = server->serverPort();
        m_thread.start(server);
    }
    quint16 port() const { return m_port; }

private:
    WorkerThread m_thread{QStringLiteral("fake-server")};
    quint16 m_port = 0;
};

// RESP as a server writes it, for scripted replies.
namespace FakeResp {
inline QByteArray bulk(const QByteArray &bytes)
{
    return '$' + QByteArray::number(bytes.size()) + "\r\n" + bytes + "\r\n";
}
inline QByteArray integer(qint64 value)
{
    return ':' + QByteArray::number(value) + "\r\n";
}
inline QByteArray status(const QByteArray &text)
{
    return '+' + text + "\r\n";
}
inline QByteArray error(const QByteArray &text)
{
    return '-' + text + "\r\n";
}
// An array of items already encoded.
inline QByteArray array(const QList<QByteArray> &items)
{
    QByteArray out = '*' + QByteArray::number(items.size()) + "\r\n";
    for (const QByteArray &item : items)
        out += item;
    return out;
}
inline QByteArray bulks(const QList<QByteArray> &items)
{
    QList<QByteArray> encoded;
    for (const QByteArray &item : items)
        encoded.append(bulk(item));
    return array(encoded);
}
} // namespace FakeResp

// What a scripted server does about one command: write `bytes`, then keep the connection, or close it. Writing
// nothing and keeping the connection is a server that hangs.
struct FakeReply
{
    QByteArray bytes;
    bool close = false;
};

// A server that speaks RESP from a script: it decodes each command a client sends and answers what the handler
// returns for it. The handler runs on the server's thread and gets the command and how many commands of that name
// (upper case) have arrived so far, this one included, on any connection: a script can answer well at first and
// turn hostile later. count() may be read from any thread.
class ScriptedServer final : public QTcpServer
{
    Q_OBJECT

public:
    using Handler = std::function<FakeReply(const QList<QByteArray> &command, int seen)>;

    explicit ScriptedServer(Handler handler)
        : m_handler(std::move(handler))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, &ScriptedServer::handleNewConnection);
    }

    int count(const QByteArray &name) const
    {
        const QMutexLocker lock(&m_mutex);
        return m_counts.value(name.toUpper());
    }

private:
    void handleNewConnection()
    {
        while (QTcpSocket *socket = nextPendingConnection()) {
            auto reader = std::make_shared<RespReader>();
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket, reader] {
                reader->feed(socket->readAll());
                RespValue command;
                while (socket->state() == QAbstractSocket::ConnectedState
                       && reader->next(&command) == RespReader::Status::Reply) {
                    QList<QByteArray> args;
                    for (const RespValue &arg : command.elements())
                        args.append(arg.toByteArray());
                    if (args.isEmpty())
                        continue;
                    int seen = 0;
                    {
                        const QMutexLocker lock(&m_mutex);
                        seen = ++m_counts[args.first().toUpper()];
                    }
                    const FakeReply reply = m_handler(args, seen);
                    socket->write(reply.bytes);
                    if (reply.close) {
                        socket->flush();
                        socket->disconnectFromHost();
                    }
                }
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    Handler m_handler;
    mutable QMutex m_mutex;
    QHash<QByteArray, int> m_counts;
};

// A ScriptedServer on a thread of its own, so blocking clients in the test thread can talk to it.
class ScriptedServerThread final
{
public:
    explicit ScriptedServerThread(ScriptedServer::Handler handler)
        : m_server(new ScriptedServer(std::move(handler)))
        , m_port(m_server->serverPort())
    {
        m_thread.start(m_server);
    }
    quint16 port() const { return m_port; }
    int count(const QByteArray &name) const { return m_server->count(name); }

private:
    ScriptedServer *m_server; // owned by the thread, deleted with it
    WorkerThread m_thread{QStringLiteral("fake-server")};
    quint16 m_port = 0;
};

// A whole fake deployment: one sentinel that names one master, which holds `keys` and answers SCAN with pages of
// them, at most pageSize a page. Everything answers as Redis 7 would, unless `hostile` returns a reply for a command
// first: that is how the tests make one command of one node lie, at once or after a few good answers.
class FakeDeployment final
{
public:
    static constexpr qsizetype pageSize = 10;
    enum class Node { Sentinel, Master };
    using Hostile = std::function<std::optional<FakeReply>(Node node, const QList<QByteArray> &command, int seen)>;

    explicit FakeDeployment(QList<QByteArray> keys, Hostile hostile = {})
        : m_keys(std::move(keys))
        , m_hostile(std::move(hostile))
        , m_master([this](const QList<QByteArray> &command, int seen) { return answer(Node::Master, command, seen); })
        , m_sentinel(
              [this](const QList<QByteArray> &command, int seen) { return answer(Node::Sentinel, command, seen); })
    {
    }

    quint16 masterPort() const { return m_master.port(); }
    quint16 sentinelPort() const { return m_sentinel.port(); }
    int masterCount(const QByteArray &name) const { return m_master.count(name); }
    int sentinelCount(const QByteArray &name) const { return m_sentinel.count(name); }
    const QList<QByteArray> &keys() const { return m_keys; }

    // What a client needs to find the fake master, with short timeouts: the tests wait for the scan's bounds, and
    // these make them short too.
    SentinelTarget target() const
    {
        SentinelTarget target;
        target.seeds = {HostPort{QStringLiteral("127.0.0.1"), sentinelPort()}};
        target.masterName = QStringLiteral("fake");
        target.sentinelTimeoutMs = 500;
        target.dataConnectTimeoutMs = 1000;
        target.dataCommandTimeoutMs = 500;
        target.roleRetries = 2;
        target.roleRetryDelayMs = 50;
        return target;
    }

private:
    FakeReply answer(Node node, const QList<QByteArray> &command, int seen)
    {
        if (m_hostile) {
            if (std::optional<FakeReply> reply = m_hostile(node, command, seen))
                return *reply;
        }
        const QByteArray name = command.first().toUpper();
        const QByteArray sub = command.size() > 1 ? command.at(1).toUpper() : QByteArray();
        if (name == "CLIENT" || name == "AUTH" || name == "SELECT")
            return {FakeResp::status("OK")};
        if (name == "PING")
            return {FakeResp::status("PONG")};
        if (node == Node::Sentinel) {
            if (name == "PSUBSCRIBE")
                return {FakeResp::array(
                    {FakeResp::bulk("psubscribe"), FakeResp::bulk(command.value(1)), FakeResp::integer(1)})};
            if (name == "SENTINEL" && sub == "GET-MASTER-ADDR-BY-NAME")
                return {FakeResp::bulks({"127.0.0.1", QByteArray::number(masterPort())})};
            if (name == "SENTINEL" && (sub == "SENTINELS" || sub == "REPLICAS" || sub == "SLAVES"))
                return {FakeResp::array({})};
            if (name == "SENTINEL" && sub == "MASTER")
                return {
                    FakeResp::bulks({"name", "fake", "ip", "127.0.0.1", "port", QByteArray::number(masterPort()),
                                     "flags", "master", "num-slaves", "0", "num-other-sentinels", "0", "quorum", "1"})};
            if (name == "SENTINEL" && sub == "CKQUORUM")
                return {FakeResp::status("OK 1 usable Sentinels. Quorum and failover authorization can be reached")};
            return {FakeResp::error("ERR unknown command")};
        }
        if (name == "INFO") {
            const QByteArray section = sub.toLower();
            QByteArray text;
            if (section.isEmpty() || section == "server")
                text += "# Server\r\nredis_version:7.0.15\r\nrun_id:" + QByteArray(40, 'a') + "\r\n";
            if (section.isEmpty() || section == "replication")
                text += "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_replid:" + QByteArray(40, 'b')
                        + "\r\nmaster_repl_offset:0\r\n";
            return {FakeResp::bulk(text)};
        }
        if (name == "DBSIZE")
            return {FakeResp::integer(m_keys.size())};
        if (name == "ROLE")
            return {FakeResp::array({FakeResp::bulk("master"), FakeResp::integer(0), FakeResp::array({})})};
        if (name == "SCAN") {
            // The cursor is an index into the keys: fine for a server whose keys never change. Pages hold at most
            // pageSize keys whatever COUNT says (a hint to Redis too), so that every scan takes several round trips.
            const qsizetype from = command.value(1).toLongLong();
            qsizetype count = pageSize;
            for (qsizetype i = 2; i + 1 < command.size(); i += 2)
                if (command.at(i).toUpper() == "COUNT")
                    count = qBound<qsizetype>(1, command.at(i + 1).toLongLong(), pageSize);
            const qsizetype to = qMin(m_keys.size(), from + count);
            const QByteArray next = to >= m_keys.size() ? QByteArray("0") : QByteArray::number(to);
            return {FakeResp::array({FakeResp::bulk(next), FakeResp::bulks(m_keys.mid(from, to - from))})};
        }
        return {FakeResp::error("ERR unknown command '" + command.first() + "'")};
    }

    QList<QByteArray> m_keys;
    Hostile m_hostile;
    ScriptedServerThread m_master;
    ScriptedServerThread m_sentinel;
};
