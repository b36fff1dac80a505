#include "redisconnection.h"

#include "commandpolicy.h"

#include <QTcpSocket>
#include <QTimer>

namespace {
QString socketErrorText(const QTcpSocket *socket)
{
    switch (socket->error()) {
    case QAbstractSocket::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case QAbstractSocket::RemoteHostClosedError:
        return QStringLiteral("connection closed by the server");
    case QAbstractSocket::HostNotFoundError:
        return QStringLiteral("host not found");
    case QAbstractSocket::NetworkError:
        return QStringLiteral("network unreachable");
    default:
        return socket->errorString();
    }
}

bool isAuthError(const RespValue &reply)
{
    const QByteArray code = reply.errorCode();
    return code == "WRONGPASS" || code == "NOAUTH" || code == "NOPERM"
           || reply.toByteArray().contains("invalid password") || reply.toByteArray().contains("without any password");
}
} // namespace

RedisConnection::RedisConnection(ConnectionOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_connectTimer(new QTimer(this))
    , m_deadlineTimer(new QTimer(this))
{
    m_connectTimer->setSingleShot(true);
    m_deadlineTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Connecting)
            fail({VigilError::Kind::Timeout, nodeName(), QStringLiteral("connect"),
                  QStringLiteral("no answer within %1 ms").arg(m_options.connectTimeoutMs)});
    });
    connect(m_deadlineTimer, &QTimer::timeout, this, &RedisConnection::handleDeadline);
}

RedisConnection::~RedisConnection()
{
    if (m_socket)
        m_socket->disconnect(this);
}

QTcpSocket *RedisConnection::createSocket()
{
    auto *socket = new QTcpSocket(this);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    connect(socket, &QTcpSocket::connected, this, &RedisConnection::handleConnected);
    connect(socket, &QTcpSocket::readyRead, this, &RedisConnection::handleReadyRead);
    connect(socket, &QTcpSocket::errorOccurred, this, &RedisConnection::handleSocketError);
    connect(socket, &QTcpSocket::disconnected, this, &RedisConnection::handleSocketError);
    return socket;
}

void RedisConnection::open()
{
    close();
    m_lastError = {};
    m_reader = std::make_unique<RespReader>(m_options.limits);
    m_socket = createSocket();
    m_state = State::Connecting;
    m_connectDeadline = QDeadlineTimer(m_options.connectTimeoutMs);
    m_connectTimer->start(m_options.connectTimeoutMs);
    m_socket->connectToHost(m_options.host, m_options.port);
}

void RedisConnection::handleConnected()
{
    m_connectTimer->stop();
    startHandshake();
}

void RedisConnection::startHandshake()
{
    m_state = State::Handshaking;
    QList<RespCommand> steps;
    if (!m_options.password.isEmpty()) {
        if (m_options.user.isEmpty())
            steps.append({"AUTH", m_options.password});
        else
            steps.append({"AUTH", m_options.user, m_options.password});
    }
    if (m_options.db > 0)
        steps.append({"SELECT", QByteArray::number(m_options.db)});
    steps.append({"CLIENT", "SETNAME", m_options.clientName});

    for (qsizetype i = 0; i < steps.size(); ++i) {
        const RespCommand command = steps.at(i);
        const bool last = i == steps.size() - 1;
        enqueue(command, [this, command, last](const RespResult &result) {
            if (m_state != State::Handshaking)
                return; // an earlier step failed and already said so
            if (result.error.isError())
                return fail(result.error);
            if (result.value.isError()) {
                const bool setName = command.first() == "CLIENT";
                // Old sentinels do not know CLIENT SETNAME: that alone is no reason to give up.
                if (!setName || isAuthError(result.value))
                    return fail(errorFor(command, result.value));
            }
            if (last) {
                m_state = State::Ready;
                Q_EMIT ready();
            }
        });
    }
}

void RedisConnection::send(const RespCommand &command, ReplyHandler handler)
{
    VigilError error = refusal(command);
    if (!error.isError() && m_state != State::Ready)
        error = VigilError(VigilError::Kind::Unreachable, nodeName(), Resp::describe(command),
                           m_lastError.isError() ? m_lastError.message() : QStringLiteral("not connected"));
    if (error.isError()) {
        // Keep the promise that handlers run later, from the event loop, never inside send().
        QMetaObject::invokeMethod(
            this,
            [handler = std::move(handler), error] {
                handler({{}, error});
            },
            Qt::QueuedConnection);
        return;
    }
    enqueue(command, std::move(handler));
}

void RedisConnection::enqueue(const RespCommand &command, ReplyHandler handler)
{
    Pending pending;
    pending.step = Resp::describe(command);
    pending.handler = std::move(handler);
    pending.deadline = QDeadlineTimer(m_options.commandTimeoutMs);
    if (Resp::isSubscribeCommand(command)) {
        m_subscribed = true;
        pending.replies = qMax<qsizetype>(1, command.size() - 1);
    }
    m_pending.enqueue(std::move(pending));
    ++m_commandsSent;
    ++m_commandCounts[command.first().toUpper()];
    m_socket->write(Resp::encode(command));
    if (m_pending.size() == 1)
        armDeadlineTimer();
}

VigilError RedisConnection::refusal(const RespCommand &command) const
{
    if (command.isEmpty())
        return {VigilError::Kind::Usage, nodeName(), QStringLiteral("send"), QStringLiteral("empty command")};
    if (m_options.readOnly && !Resp::isReadOnlyCommand(command))
        return {VigilError::Kind::Refused, nodeName(), Resp::describe(command),
                QStringLiteral("the connection is read-only and this command can write")};
    return {};
}

void RedisConnection::handleReadyRead()
{
    if (!m_socket || !m_reader)
        return;
    m_reader->feed(m_socket->readAll());
    RespValue reply;
    while (m_state == State::Handshaking || m_state == State::Ready) {
        const RespReader::Status status = m_reader->next(&reply);
        if (status == RespReader::Status::NeedMore)
            return;
        if (status == RespReader::Status::Error) {
            const QString step = m_pending.isEmpty() ? QStringLiteral("read") : m_pending.head().step;
            return fail({VigilError::Kind::Protocol, nodeName(), step, m_reader->errorString()});
        }
        deliver(std::move(reply));
    }
}

void RedisConnection::deliver(RespValue &&reply)
{
    if (m_subscribed && reply.isArray() && reply.size() >= 3) {
        const QByteArray kind = reply.at(0).toByteArray();
        if (kind == "message" || kind == "pmessage") {
            Q_EMIT messageReceived(reply);
            return;
        }
    }
    if (m_pending.isEmpty()) {
        return fail(
            {VigilError::Kind::Protocol, nodeName(), QStringLiteral("read"),
             QStringLiteral("a reply arrived that nobody asked for: %1").arg(QString::fromUtf8(reply.preview()))});
    }
    Pending &head = m_pending.head();
    if (--head.replies > 0)
        return;
    Pending done = m_pending.dequeue();
    // The timer stays aimed at the old head's deadline; handleDeadline() moves it on lazily.
    if (m_pending.isEmpty())
        m_deadlineTimer->stop();
    done.handler({std::move(reply), {}});
}

void RedisConnection::handleSocketError()
{
    if (!m_socket || m_state == State::Closed || m_state == State::Failed)
        return;
    // waitFor*() report their own time running out as an error; our deadlines decide what a timeout is.
    if (m_socket->error() == QAbstractSocket::SocketTimeoutError
        && m_socket->state() != QAbstractSocket::UnconnectedState)
        return;
    QString step = QStringLiteral("connect");
    QString message = socketErrorText(m_socket);
    VigilError::Kind kind = VigilError::Kind::Unreachable;
    if (m_state != State::Connecting) {
        step = m_pending.isEmpty() ? QStringLiteral("read") : m_pending.head().step;
        if (m_socket->error() == QAbstractSocket::RemoteHostClosedError
            || m_socket->error() == QAbstractSocket::UnknownSocketError) {
            kind = VigilError::Kind::ConnectionLost;
            message = QStringLiteral("connection lost");
            if (m_reader && m_reader->isMidReply()) {
                // Not a node that went away between replies (a failover): one that broke off a reply.
                kind = VigilError::Kind::Protocol;
                message = QStringLiteral("the reply stopped halfway: the connection closed after %1 bytes of it")
                              .arg(m_reader->partialReplyBytes());
            }
        }
    }
    fail({kind, nodeName(), step, message});
}

// Every command gets the same timeout and replies come back in order, so the oldest pending command always has the
// earliest deadline: one timer, aimed at the head of the queue, covers them all.
void RedisConnection::armDeadlineTimer()
{
    if (m_pending.isEmpty()) {
        m_deadlineTimer->stop();
        return;
    }
    m_deadlineTimer->start(static_cast<int>(qMax<qint64>(0, m_pending.head().deadline.remainingTime())));
}

void RedisConnection::handleDeadline()
{
    if (m_pending.isEmpty())
        return;
    if (!m_pending.head().deadline.hasExpired())
        return armDeadlineTimer();
    // Replies after a lost one cannot be matched to their commands any more: the connection has to go.
    if (m_reader && m_reader->isMidReply()) {
        return fail({VigilError::Kind::Protocol, nodeName(), m_pending.head().step,
                     QStringLiteral("the reply stopped halfway: %1 bytes of it, then nothing until the timeout (%2 ms)")
                         .arg(m_reader->partialReplyBytes())
                         .arg(m_options.commandTimeoutMs)});
    }
    fail({VigilError::Kind::Timeout, nodeName(), m_pending.head().step,
          QStringLiteral("no reply within %1 ms").arg(m_options.commandTimeoutMs)});
}

void RedisConnection::fail(const VigilError &error)
{
    if (m_state == State::Failed || m_state == State::Closed)
        return;
    teardown(error, State::Failed);
    Q_EMIT failed(error);
}

void RedisConnection::close()
{
    if (m_state == State::Closed || m_state == State::Failed) {
        m_state = State::Closed;
        return;
    }
    teardown({VigilError::Kind::Cancelled, nodeName(), {}, QStringLiteral("connection closed")}, State::Closed);
}

void RedisConnection::teardown(const VigilError &error, State finalState)
{
    m_state = finalState;
    m_lastError = error;
    m_connectTimer->stop();
    m_deadlineTimer->stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    m_subscribed = false;
    const QQueue<Pending> pending = std::exchange(m_pending, {});
    for (const Pending &p : pending) {
        // Every waiting command learns what happened, in its own words: "SCAN failed: connection lost".
        p.handler({{}, VigilError(error.kind(), error.node(), p.step, error.message())});
    }
}

VigilError RedisConnection::errorFor(const RespCommand &command, const RespValue &reply) const
{
    const VigilError::Kind kind = isAuthError(reply) ? VigilError::Kind::Auth : VigilError::Kind::Server;
    // A server's error text is meant to be read, but it is still the peer's bytes: printable, and not too long.
    return {kind, nodeName(), Resp::describe(command),
            QString::fromUtf8(RespValue::printable(reply.toByteArray(), 300))};
}

bool RedisConnection::waitFor(const std::function<bool()> &done)
{
    while (!done()) {
        if (m_state == State::Connecting) {
            if (m_connectDeadline.hasExpired()) {
                fail({VigilError::Kind::Timeout, nodeName(), QStringLiteral("connect"),
                      QStringLiteral("no answer within %1 ms").arg(m_options.connectTimeoutMs)});
                continue;
            }
            if (!m_socket->waitForConnected(static_cast<int>(m_connectDeadline.remainingTime()))
                && m_state == State::Connecting && m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
                handleSocketError();
            continue;
        }
        if (m_state != State::Handshaking && m_state != State::Ready)
            return done();
        if (m_pending.isEmpty())
            return done();
        const QDeadlineTimer earliest = m_pending.head().deadline;
        if (earliest.hasExpired()) {
            handleDeadline();
            continue;
        }
        if (!m_socket->waitForReadyRead(static_cast<int>(earliest.remainingTime())) && m_socket
            && m_socket->state() != QAbstractSocket::ConnectedState)
            handleSocketError();
    }
    return true;
}

VigilError RedisConnection::openBlocking()
{
    open();
    waitFor([this] { return m_state == State::Ready || m_state == State::Failed; });
    return m_state == State::Ready ? VigilError() : m_lastError;
}

RespResult RedisConnection::execute(const RespCommand &command)
{
    return executePipeline({command}).first();
}

QList<RespResult> RedisConnection::executePipeline(const QList<RespCommand> &commands)
{
    QList<RespResult> results(commands.size());
    qsizetype remaining = commands.size();
    for (qsizetype i = 0; i < commands.size(); ++i) {
        VigilError error = refusal(commands.at(i));
        if (!error.isError() && m_state != State::Ready)
            error = VigilError(VigilError::Kind::Unreachable, nodeName(), Resp::describe(commands.at(i)),
                               m_lastError.isError() ? m_lastError.message() : QStringLiteral("not connected"));
        if (error.isError()) {
            results[i].error = error;
            --remaining;
            continue;
        }
        enqueue(commands.at(i), [&results, &remaining, i](const RespResult &result) {
            results[i] = result;
            --remaining;
        });
    }
    waitFor([&remaining] { return remaining == 0; });
    return results;
}

quint64 RedisConnection::post(const RespCommand &command)
{
    const quint64 ticket = ++m_nextTicket;
    VigilError error = refusal(command);
    if (!error.isError() && m_state != State::Ready)
        error = VigilError(VigilError::Kind::Unreachable, nodeName(), Resp::describe(command),
                           m_lastError.isError() ? m_lastError.message() : QStringLiteral("not connected"));
    if (error.isError()) {
        m_collected.insert(ticket, {{}, error});
        return ticket;
    }
    enqueue(command, [this, ticket](const RespResult &result) { m_collected.insert(ticket, result); });
    // QAbstractSocket writes from its event handling; with no event loop running the command would wait in Qt's
    // buffer until collect(). Hand it to the kernel now, so the server works while we do.
    if (m_socket)
        m_socket->flush();
    return ticket;
}

RespResult RedisConnection::collect(quint64 ticket)
{
    waitFor([this, ticket] { return m_collected.contains(ticket); });
    return m_collected.take(ticket);
}
