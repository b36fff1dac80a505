#pragma once

#include "common/vigilerror.h"
#include "connectionoptions.h"
#include "respcommand.h"
#include "respvalue.h"
#include "tunnel.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QQueue>
#include <QSslCertificate>

#include <functional>
#include <memory>

class QTcpSocket;
class QTimer;

// The outcome of one command: a reply, or a transport/protocol error. A RESP error reply is a reply (value.isError()),
// and asError() turns it into a VigilError naming the node and the command.
struct RespResult
{
    RespValue value;
    VigilError error;

    bool ok() const { return !error.isError() && !value.isError(); }
};

// One connection to one Redis or Sentinel node.
//
// There is one implementation with two ways to drive it:
//  - asynchronously from a thread with an event loop (the GUI): open(), send(command, handler), signals;
//  - blocking from a worker thread: openBlocking(), execute(), executePipeline(), each bounded by the timeouts.
// The blocking calls run the same socket handlers, through QAbstractSocket's waitFor* functions, so both ways share
// the parser, the pipeline bookkeeping, the timeouts and the error reporting. Use an object only from its own thread.
//
// The transport is a QTcpSocket made by createSocket(), or a QSslSocket when options().tls is on: the handshake is
// part of connecting (same deadline), and a failed one is a Tls error in words (TlsDiagnosis). With a tunnel (an SSH
// session, set by the ConnectionFactory), connecting is asking the tunnel for a stream to the host and port; the
// socket then wraps the local end it gets (setSocketDescriptor), and TLS runs inside it, verified against the host. A
// plain server on a TLS port, a TLS port dialled in plain text, and a client certificate demanded but not given are
// each said as such.
class RedisConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisConnection)

public:
    enum class State { Closed, Connecting, Handshaking, Ready, Failed };
    Q_ENUM(State)

    using ReplyHandler = std::function<void(const RespResult &)>;

    explicit RedisConnection(ConnectionOptions options, QObject *parent = nullptr);
    ~RedisConnection() override;

    const ConnectionOptions &options() const { return m_options; }
    // Connect through `tunnel` instead of dialling (before open()); null dials directly.
    void setTunnel(std::shared_ptr<Tunnel> tunnel) { m_tunnel = std::move(tunnel); }
    QString nodeName() const { return m_options.nodeName(); }
    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    const VigilError &lastError() const { return m_lastError; }
    // After a TLS handshake: "TLSv1.3, TLS_AES_256_GCM_SHA384; certificate CN=redis-1, issued by CN=Acme CA, valid
    // until 2027-11-30"; empty on a plain connection.
    QString tlsDescription() const { return m_tlsDescription; }
    bool isEncrypted() const;
    // The certificate the server presented in the last TLS handshake, trusted or not (null without one): what a user
    // is shown before pinning it.
    const QSslCertificate &peerCertificate() const { return m_peerCertificate; }

    // Asynchronous: connect, then AUTH, SELECT and CLIENT SETNAME, pipelined. Emits ready() or failed().
    void open();
    // Blocking, after open(): waits (within the connect and command timeouts) until it is ready or failed. Several
    // connections opened first and then waited for one after another connect in parallel: their deadlines run
    // together, so unreachable nodes cost one timeout, not one each.
    VigilError waitOpen();
    // Queues a command; the handler runs on this object's thread when the reply (or an error) arrives.
    void send(const RespCommand &command, ReplyHandler handler);

    // Blocking: the same steps, waiting at most the connect timeout plus the command timeout.
    VigilError openBlocking();
    RespResult execute(const RespCommand &command);
    QList<RespResult> executePipeline(const QList<RespCommand> &commands);
    // Blocking, in two steps: post() sends now and returns a ticket; collect() waits for that reply. In between the
    // caller can work while the server does (a scan processes one batch while the next is on its way).
    quint64 post(const RespCommand &command);
    RespResult collect(quint64 ticket);

    // Drops the connection; pending commands fail with Cancelled.
    void close();

    // How many commands went out, in total and by (upper-case) name: tests use it to check what a view asked for.
    quint64 commandsSent() const { return m_commandsSent; }
    int commandCount(const QByteArray &name) const { return m_commandCounts.value(name.toUpper()); }

    // Turns an error reply to `command` into a typed error; Auth for WRONGPASS/NOAUTH, Server otherwise.
    VigilError errorFor(const RespCommand &command, const RespValue &reply) const;

Q_SIGNALS:
    void ready();
    void failed(const VigilError &error);
    // A pub/sub message ("message" or "pmessage" array) on a subscribed connection.
    void messageReceived(const RespValue &message);

private:
    struct Pending
    {
        QString step;
        ReplyHandler handler;
        QDeadlineTimer deadline;
        qsizetype replies = 1; // SUBSCRIBE ch1 ch2 answers once per channel
    };

    QTcpSocket *createSocket();
    VigilError configureTls(QTcpSocket *socket);
    VigilError connectTimeout() const;
    void handleTcpConnected();
    void handleTunnelOpened(const std::shared_ptr<TunnelRequest> &request);
    void dropTunnelRequest();
    void handleConnected();
    void handleReadyRead();
    void handleSocketError();
    void handleDeadline();
    void startHandshake();
    void enqueue(const RespCommand &command, ReplyHandler handler);
    void deliver(RespValue &&reply);
    void fail(const VigilError &error);
    void teardown(const VigilError &error, State finalState);
    void armDeadlineTimer();
    VigilError refusal(const RespCommand &command) const;
    VigilError selectDenied(const RespCommand &command, const RespValue &reply) const;
    // Runs the socket until done() is true, the deadline passes or the connection fails.
    bool waitFor(const std::function<bool()> &done);

    ConnectionOptions m_options;
    QTcpSocket *m_socket = nullptr;
    QTimer *m_connectTimer = nullptr;
    QTimer *m_deadlineTimer = nullptr;
    QDeadlineTimer m_connectDeadline;
    std::unique_ptr<RespReader> m_reader;
    QQueue<Pending> m_pending;
    State m_state = State::Closed;
    VigilError m_lastError;
    bool m_subscribed = false;
    quint64 m_commandsSent = 0;
    quint64 m_nextTicket = 0;
    QHash<quint64, RespResult> m_collected; // replies to post() that collect() has not taken yet
    QHash<QByteArray, int> m_commandCounts;
    VigilError m_setupError;     // TLS files that could not be read: open() fails with it
    bool m_tcpConnected = false; // the TLS handshake is under way
    bool m_anyReply = false;     // the server has answered something since connecting
    QString m_tlsDescription;
    QSslCertificate m_peerCertificate;
    std::shared_ptr<Tunnel> m_tunnel;
    std::shared_ptr<TunnelRequest> m_tunnelRequest; // asked of the tunnel, not answered yet
};
