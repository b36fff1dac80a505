#include "redisconnection.h"

#include "commandpolicy.h"
#include "tlsdiagnosis.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <unistd.h>

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

using TlsDiagnosis::sha256;

// The first bytes of a TLS record: a handshake (0x16) or an alert (0x15), then the version's major byte 3.
bool looksLikeTls(const QByteArray &bytes)
{
    return bytes.size() >= 2 && (bytes.at(0) == 0x15 || bytes.at(0) == 0x16) && bytes.at(1) == 0x03;
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
            fail(connectTimeout());
    });
    connect(m_deadlineTimer, &QTimer::timeout, this, &RedisConnection::handleDeadline);
}

RedisConnection::~RedisConnection()
{
    dropTunnelRequest();
    if (m_socket)
        m_socket->disconnect(this);
}

QTcpSocket *RedisConnection::createSocket()
{
    QTcpSocket *socket = m_options.tls.enabled ? new QSslSocket(this) : new QTcpSocket(this);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        connect(ssl, &QSslSocket::connected, this, &RedisConnection::handleTcpConnected);
        connect(ssl, &QSslSocket::encrypted, this, &RedisConnection::handleConnected);
        connect(ssl, &QSslSocket::sslErrors, this, [this, ssl](const QList<QSslError> &) {
            m_peerCertificate = ssl->peerCertificate();
            // A pinned certificate is trusted by its digest alone, whatever its chain or name say.
            const QByteArray pinned = m_options.tls.pinnedSha256.toLower();
            if (!pinned.isEmpty() && sha256(ssl->peerCertificate()) == pinned)
                ssl->ignoreSslErrors();
        });
    } else {
        connect(socket, &QTcpSocket::connected, this, &RedisConnection::handleConnected);
    }
    connect(socket, &QTcpSocket::readyRead, this, &RedisConnection::handleReadyRead);
    connect(socket, &QTcpSocket::errorOccurred, this, &RedisConnection::handleSocketError);
    connect(socket, &QTcpSocket::disconnected, this, &RedisConnection::handleSocketError);
    return socket;
}

VigilError RedisConnection::configureTls(QTcpSocket *socket)
{
    auto *ssl = qobject_cast<QSslSocket *>(socket);
    if (!ssl)
        return {};
    const TlsOptions &tls = m_options.tls;
    const auto fileError = [this](const QString &what, const QString &why) {
        return VigilError(VigilError::Kind::Usage, nodeName(), QStringLiteral("TLS setup"),
                          QStringLiteral("%1: %2").arg(what, why));
    };
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (!tls.caFile.isEmpty() || !tls.caDir.isEmpty()) {
        QList<QSslCertificate> cas;
        if (!tls.caFile.isEmpty()) {
            if (!QFile::exists(tls.caFile))
                return fileError(QStringLiteral("--cacert %1").arg(tls.caFile), QStringLiteral("no such file"));
            cas += QSslCertificate::fromPath(tls.caFile);
            if (cas.isEmpty())
                return fileError(QStringLiteral("--cacert %1").arg(tls.caFile),
                                 QStringLiteral("holds no PEM certificate"));
        }
        if (!tls.caDir.isEmpty()) {
            if (!QDir(tls.caDir).exists())
                return fileError(QStringLiteral("--cacert-dir %1").arg(tls.caDir), QStringLiteral("no such folder"));
            cas += QSslCertificate::fromPath(QDir(tls.caDir).filePath(QStringLiteral("*")), QSsl::Pem,
                                             QSslCertificate::PatternSyntax::Wildcard);
        }
        config.setCaCertificates(cas);
    }
    if (!tls.certFile.isEmpty() || !tls.keyFile.isEmpty()) {
        if (tls.certFile.isEmpty() || tls.keyFile.isEmpty())
            return fileError(QStringLiteral("client certificate"), QStringLiteral("--cert and --key go together"));
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(tls.certFile);
        if (certs.isEmpty())
            return fileError(QStringLiteral("--cert %1").arg(tls.certFile),
                             QFile::exists(tls.certFile) ? QStringLiteral("holds no PEM certificate")
                                                         : QStringLiteral("no such file"));
        QFile keyFile(tls.keyFile);
        if (!keyFile.open(QIODevice::ReadOnly))
            return fileError(QStringLiteral("--key %1").arg(tls.keyFile), keyFile.errorString());
        const QByteArray pem = keyFile.readAll();
        QSslKey key;
        for (const QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
            key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey, tls.keyPassphrase);
            if (!key.isNull())
                break;
        }
        if (key.isNull())
            return fileError(QStringLiteral("--key %1").arg(tls.keyFile),
                             pem.contains("ENCRYPTED") ? QStringLiteral("the passphrase does not open it")
                                                       : QStringLiteral("holds no PEM private key"));
        config.setLocalCertificateChain(certs);
        config.setPrivateKey(key);
    }
    config.setPeerVerifyMode(tls.insecure ? QSslSocket::VerifyNone : QSslSocket::VerifyPeer);
    ssl->setSslConfiguration(config);
    return {};
}

VigilError RedisConnection::connectTimeout() const
{
    // A plain port takes a TLS ClientHello for the start of a command and waits for the rest: no answer at all.
    if (m_tcpConnected)
        return {VigilError::Kind::Tls, nodeName(), QStringLiteral("TLS handshake"),
                QStringLiteral("no TLS answer within %1 ms: this port may not speak TLS (leave --tls off for it)")
                    .arg(m_options.connectTimeoutMs)};
    if (m_tunnelRequest)
        return {VigilError::Kind::Timeout, nodeName(), QStringLiteral("connect"),
                QStringLiteral("no channel through %1 within %2 ms")
                    .arg(m_tunnel->hop())
                    .arg(m_tunnel->openTimeoutMs(m_options.connectTimeoutMs))};
    return {VigilError::Kind::Timeout, nodeName(), QStringLiteral("connect"),
            QStringLiteral("no answer within %1 ms").arg(m_options.connectTimeoutMs)};
}

bool RedisConnection::isEncrypted() const
{
    const auto *ssl = qobject_cast<const QSslSocket *>(m_socket);
    return ssl && ssl->isEncrypted();
}

void RedisConnection::open()
{
    close();
    m_lastError = {};
    m_tcpConnected = false;
    m_anyReply = false;
    m_tlsDescription.clear();
    m_peerCertificate = QSslCertificate();
    m_setupError = {};
    m_reader = std::make_unique<RespReader>(m_options.limits);
    m_socket = createSocket();
    m_state = State::Connecting;
    const int connectMs = m_tunnel ? m_tunnel->openTimeoutMs(m_options.connectTimeoutMs) : m_options.connectTimeoutMs;
    m_connectDeadline = QDeadlineTimer(connectMs);
    m_connectTimer->start(connectMs);
    m_setupError = configureTls(m_socket);
    if (m_setupError.isError()) {
        // Reported from the event loop (or the blocking wait), like every other failure of open().
        QMetaObject::invokeMethod(
            this, [this] { fail(m_setupError); }, Qt::QueuedConnection);
        return;
    }
    if (m_tunnel) {
        // The tunnel answers from its own thread: posted here for the event loop, or taken by the blocking wait.
        auto request = std::make_shared<TunnelRequest>(m_options.host, m_options.port);
        m_tunnelRequest = request;
        request->setNotify([this, weak = std::weak_ptr<TunnelRequest>(request)] {
            QMetaObject::invokeMethod(
                this,
                [this, weak] {
                    if (const auto request = weak.lock())
                        handleTunnelOpened(request);
                },
                Qt::QueuedConnection);
        });
        m_tunnel->open(request);
        return;
    }
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        ssl->connectToHostEncrypted(m_options.host, m_options.port,
                                    m_options.tls.verifyName.isEmpty() ? m_options.host : m_options.tls.verifyName);
    else
        m_socket->connectToHost(m_options.host, m_options.port);
}

void RedisConnection::handleTcpConnected()
{
    m_tcpConnected = true;
}

void RedisConnection::dropTunnelRequest()
{
    if (const std::shared_ptr<TunnelRequest> request = std::exchange(m_tunnelRequest, {}))
        request->setNotify({}); // waits for a notification under way: none comes after this
}

void RedisConnection::handleTunnelOpened(const std::shared_ptr<TunnelRequest> &request)
{
    if (request != m_tunnelRequest || m_state != State::Connecting || !m_socket)
        return;
    dropTunnelRequest();
    const int fd = request->takeFd();
    if (fd < 0) {
        const VigilError error = request->error();
        // The tunnel's own failures name the hop ("SSH bastion:22: ..."); a channel's failure is this node's.
        return fail(error.node().isEmpty()
                        ? VigilError(error.kind(), nodeName(), QStringLiteral("connect"), error.message())
                        : error);
    }
    if (!m_socket->setSocketDescriptor(fd)) {
        ::close(fd);
        return fail({VigilError::Kind::Unreachable, nodeName(), QStringLiteral("connect"),
                     QStringLiteral("cannot use the tunnel's socket: %1").arg(m_socket->errorString())});
    }
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket)) {
        m_tcpConnected = true;
        ssl->setPeerVerifyName(m_options.tls.verifyName.isEmpty() ? m_options.host : m_options.tls.verifyName);
        ssl->startClientEncryption();
        return;
    }
    handleConnected();
}

void RedisConnection::handleConnected()
{
    m_connectTimer->stop();
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket)) {
        const QSslCertificate peer = ssl->peerCertificate();
        m_peerCertificate = peer;
        // A pin holds even when the chain verifies: a changed certificate is refused, as SSH refuses a changed key.
        const QByteArray pinned = m_options.tls.pinnedSha256.toLower();
        if (!pinned.isEmpty() && sha256(peer) != pinned)
            return fail({VigilError::Kind::Tls, nodeName(), QStringLiteral("TLS handshake"),
                         QStringLiteral("the certificate is not the one pinned: it has SHA-256 %1, the profile pinned "
                                        "%2")
                             .arg(QString::fromLatin1(sha256(peer)), QString::fromLatin1(pinned))});
        const QSslCipher cipher = ssl->sessionCipher();
        m_tlsDescription = QStringLiteral("%1, %2").arg(cipher.protocolString(), cipher.name());
        if (!peer.isNull())
            m_tlsDescription
                += QStringLiteral("; certificate %1, issued by %2, valid until %3")
                       .arg(TlsDiagnosis::distinguishedName(peer, false), TlsDiagnosis::distinguishedName(peer, true),
                            peer.expiryDate().toUTC().date().toString(Qt::ISODate));
    }
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
                // Old sentinels do not know CLIENT SETNAME, and a least-privilege ACL user may not run it (+@read
                // has no @connection): the name only labels us in CLIENT LIST, so neither is a reason to give up.
                const bool optional = command.first() == "CLIENT"
                                      && (!isAuthError(result.value) || Resp::isCommandDenied(result.value));
                if (!optional && command.first() == "SELECT" && Resp::isCommandDenied(result.value))
                    return fail(selectDenied(command, result.value));
                if (!optional)
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
    const QByteArray bytes = m_socket->readAll();
    if (!m_anyReply && !m_options.tls.enabled && looksLikeTls(bytes))
        return fail({VigilError::Kind::Tls, nodeName(),
                     m_pending.isEmpty() ? QStringLiteral("read") : m_pending.head().step,
                     QStringLiteral("the server answered with TLS: this port wants TLS (--tls)")});
    m_anyReply = m_anyReply || !bytes.isEmpty();
    m_reader->feed(bytes);
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
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket); ssl && m_state == State::Connecting && m_tcpConnected) {
        step = QStringLiteral("TLS handshake");
        kind = VigilError::Kind::Tls;
        const QString dialled = m_options.tls.verifyName.isEmpty() ? m_options.host : m_options.tls.verifyName;
        const QString diagnosis = TlsDiagnosis::describe(ssl->sslHandshakeErrors(), ssl->peerCertificate(), dialled);
        const QString pinned = QString::fromLatin1(m_options.tls.pinnedSha256.toLower());
        if (!pinned.isEmpty() && !ssl->peerCertificate().isNull())
            message = QStringLiteral("the certificate is not the one pinned: it has SHA-256 %1, the profile pinned %2")
                          .arg(QString::fromLatin1(sha256(ssl->peerCertificate())), pinned);
        else if (!diagnosis.isEmpty())
            message = diagnosis;
        else if (ssl->errorString().contains(QLatin1String("wrong version number"))
                 || ssl->errorString().contains(QLatin1String("packet length too long")))
            message = QStringLiteral("the server answered in plain text: this port does not speak TLS (leave --tls off "
                                     "for it)");
        else if (m_socket->error() == QAbstractSocket::RemoteHostClosedError)
            message = QStringLiteral("the server closed the connection during the handshake");
        else
            message = ssl->errorString();
    } else if (ssl && ssl->errorString().contains(QLatin1String("certificate required"))) {
        // TLS 1.3 finishes the client's side of the handshake before the server checks the client's certificate.
        step = QStringLiteral("TLS handshake");
        kind = VigilError::Kind::Tls;
        message = QStringLiteral("the server demands a client certificate: give one with --cert and --key");
    } else if (m_state != State::Connecting) {
        step = m_pending.isEmpty() ? QStringLiteral("read") : m_pending.head().step;
        if (m_socket->error() == QAbstractSocket::RemoteHostClosedError
            || m_socket->error() == QAbstractSocket::UnknownSocketError) {
            kind = VigilError::Kind::ConnectionLost;
            message = QStringLiteral("connection lost");
            if (m_state == State::Handshaking && !m_anyReply && !m_options.tls.enabled)
                message = QStringLiteral("the server closed the connection before answering anything (if this port "
                                         "wants TLS, use --tls)");
            else if (m_reader && m_reader->isMidReply()) {
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
    dropTunnelRequest();
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

VigilError RedisConnection::selectDenied(const RespCommand &command, const RespValue &reply) const
{
    // Database 0 needs no SELECT; any other needs the command itself, which @read does not grant.
    const QString user = m_options.user.isEmpty() ? QStringLiteral("default") : QString::fromUtf8(m_options.user);
    return {VigilError::Kind::Auth, nodeName(), Resp::describe(command),
            QStringLiteral("%1: the ACL user '%2' may not run SELECT, so it cannot use database %3; it needs +select "
                           "(ACL SETUSER %2 +select), or use database 0")
                .arg(QString::fromUtf8(RespValue::printable(reply.toByteArray(), 300)), user)
                .arg(m_options.db)};
}

VigilError RedisConnection::errorFor(const RespCommand &command, const RespValue &reply) const
{
    const VigilError::Kind kind = isAuthError(reply) ? VigilError::Kind::Auth : VigilError::Kind::Server;
    // No password given to a node that wants one: whatever the command, say that, not "CLIENT SETNAME failed: NOAUTH".
    if (reply.errorCode() == "NOAUTH" && m_options.password.isEmpty())
        return {VigilError::Kind::Auth, nodeName(), QStringLiteral("authenticate"),
                QStringLiteral("it requires a password, and none was given")};
    // A server's error text is meant to be read, but it is still the peer's bytes: printable, and not too long.
    return {kind, nodeName(), Resp::describe(command),
            QString::fromUtf8(RespValue::printable(reply.toByteArray(), 300))};
}

bool RedisConnection::waitFor(const std::function<bool()> &done)
{
    while (!done()) {
        if (m_state == State::Connecting) {
            if (m_setupError.isError()) {
                fail(m_setupError);
                continue;
            }
            if (m_connectDeadline.hasExpired()) {
                fail(connectTimeout());
                continue;
            }
            const int remaining = static_cast<int>(m_connectDeadline.remainingTime());
            if (const std::shared_ptr<TunnelRequest> request = m_tunnelRequest) {
                if (request->wait(remaining))
                    handleTunnelOpened(request);
                continue;
            }
            if (auto *ssl = qobject_cast<QSslSocket *>(m_socket)) {
                // Connected and encrypted, or failed (the handshake's errors arrive through the signals).
                if (!ssl->waitForEncrypted(remaining) && m_state == State::Connecting && m_socket
                    && m_socket->state() == QAbstractSocket::UnconnectedState)
                    handleSocketError();
            } else if (!m_socket->waitForConnected(remaining) && m_state == State::Connecting && m_socket
                       && m_socket->state() == QAbstractSocket::UnconnectedState) {
                handleSocketError();
            }
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
    return waitOpen();
}

VigilError RedisConnection::waitOpen()
{
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
