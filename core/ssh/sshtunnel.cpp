#include "sshtunnel.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QThread>

#include <cerrno>
#include <deque>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

struct SshTunnel::State
{
    SshOptions options;
    std::mutex mutex;
    std::deque<std::shared_ptr<TunnelRequest>> incoming;
    bool stopping = false;
    int wakeFd = -1;
    std::atomic<bool> up{false};
    std::atomic<int> sessions{0};
    std::atomic<int> channels{0};
    QString unknownHostKey;   // guarded by mutex
    QString trustFingerprint; // guarded by mutex

    void wake() const
    {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(wakeFd, &one, sizeof one);
    }
};

namespace {
std::mutex promptMutex;
SshTunnel::SecretPrompt secretPrompt; // guarded by promptMutex

// The answer of the program's prompt (SshTunnel::setSecretPrompt), or empty when there is none.
QByteArray askSecret(const QString &prompt)
{
    const std::lock_guard lock(promptMutex);
    return secretPrompt ? secretPrompt(prompt) : QByteArray();
}

bool canAskSecret()
{
    const std::lock_guard lock(promptMutex);
    return bool(secretPrompt);
}

constexpr int chunkBytes = 64 * 1024;
constexpr int firstBackoffMs = 250;
constexpr int maxBackoffMs = 5000;

QString sshNode(const SshOptions &options)
{
    return QStringLiteral("SSH ") + options.hop();
}

QString lastError(ssh_session session)
{
    return QString::fromUtf8(ssh_get_error(session));
}

QString knownHostsPath(const SshOptions &options)
{
    return options.knownHosts.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh/known_hosts") : options.knownHosts;
}

// "SHA256:base64-without-padding", as OpenSSH prints a key's fingerprint.
QString fingerprint(ssh_key key)
{
    unsigned char *hash = nullptr;
    size_t length = 0;
    if (!key || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK)
        return QStringLiteral("(unknown)");
    char *text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    const QString result = QString::fromLatin1(text);
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
    return result;
}

QString keyType(ssh_key key)
{
    const char *name = key ? ssh_key_type_to_char(ssh_key_type(key)) : nullptr;
    return name ? QString::fromLatin1(name) : QStringLiteral("unknown");
}

// The name known_hosts files use for the host: "host", or "[host]:port" off port 22.
QString knownHostsName(const SshOptions &options)
{
    return options.effectivePort() == 22 ? options.host
                                         : QStringLiteral("[%1]:%2").arg(options.host).arg(options.effectivePort());
}

// The keys a known_hosts file holds for `name` (hashed names included), "ssh-ed25519 SHA256:…", comma-separated.
QString knownKeys(const QString &file, const QString &name)
{
    QFile known(file);
    QStringList keys;
    if (known.open(QIODevice::ReadOnly)) {
        const QByteArray host = name.toUtf8();
        for (const QByteArray &line : known.readAll().split('\n')) {
            ssh_knownhosts_entry *entry = nullptr;
            if (ssh_known_hosts_parse_line(host.constData(), line.constData(), &entry) == SSH_OK && entry) {
                keys.append(keyType(entry->publickey) + QLatin1Char(' ') + fingerprint(entry->publickey));
                ssh_knownhosts_entry_free(entry);
            }
        }
    }
    return keys.isEmpty() ? QStringLiteral("another key") : keys.join(QStringLiteral(", "));
}

// The OpenSSH client config to read: the one given, else ~/.ssh/config when it exists, else none.
QString configPath(const SshOptions &options)
{
    if (!options.configFile.isEmpty())
        return options.configFile;
    const QString user = QDir::homePath() + QStringLiteral("/.ssh/config");
    return QFile::exists(user) ? user : QString();
}

// Whether a ProxyCommand is the one libssh 0.10 makes of a ProxyJump: "ssh [-l U] [-p P] -W '[%h]:%p' HOST".
bool isProxyJump(const QString &command)
{
    static const QRegularExpression jump(QStringLiteral("^ssh( -[lpJ] \\S+)* -W '\\[%h\\]:%p' \\S+$"));
    return jump.match(command).hasMatch();
}

// A word for /bin/sh -c: in single quotes, each ' as '\''.
QString shellQuoted(const QString &word)
{
    QString quoted = word;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

struct Bridge
{
    ssh_channel channel = nullptr;
    int fd = -1;          // our end of the pair
    QByteArray toLocal;   // from the channel, not yet taken by the socket
    QByteArray toRemote;  // from the socket, not yet taken by the channel (its window was full)
    short registered = 0; // what the event watches on fd
    short revents = 0;    // what the last poll found
    bool closing = false;
};

struct Opening
{
    ssh_channel channel = nullptr;
    std::shared_ptr<TunnelRequest> request;
};

// A session to the bastion, connected (no host key check, no login yet): the OpenSSH config read, with the host and
// port it resolves an alias to written back into `options` (errors name the hop so). Null with `error` set on failure.
ssh_session connectedSession(SshOptions &options, VigilError *error)
{
    QString node = sshNode(options);
    ssh_session session = ssh_new();
    if (!session) {
        *error = {VigilError::Kind::OutOfMemory, node, {}, QStringLiteral("no memory for an SSH session")};
        return nullptr;
    }
    const auto fail = [&](VigilError::Kind kind, const QString &message) -> ssh_session {
        ssh_disconnect(session);
        ssh_free(session);
        *error = VigilError(kind, node, {}, message);
        return nullptr;
    };
    const QByteArray host = options.host.toUtf8();
    ssh_options_set(session, SSH_OPTIONS_HOST, host.constData());
    // The OpenSSH client config as ssh reads it: --ssh-config F instead of ~/.ssh/config, else ~/.ssh/config
    // (when there is one). libssh's own reading is off: it would also take /etc/ssh/ssh_config, and read the
    // home folder from the password database rather than HOME.
    const int noConfig = 0;
    ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &noConfig);
    const QString config = configPath(options);
    if (!config.isEmpty() && ssh_options_parse_config(session, QFile::encodeName(config).constData()) != SSH_OK)
        return fail(VigilError::Kind::Usage,
                    QStringLiteral("cannot read the SSH config %1: %2").arg(config, lastError(session)));
    if (!config.isEmpty()) {
        // Errors name the hop as the config resolved it ("SSH 10.0.0.1:2222"), not as the alias.
        char *resolved = nullptr;
        if (ssh_options_get(session, SSH_OPTIONS_HOST, &resolved) == SSH_OK && resolved) {
            options.host = QString::fromUtf8(resolved);
            ssh_string_free_char(resolved);
        }
        unsigned int port = 0;
        if (!options.port && ssh_options_get_port(session, &port) == SSH_OK && port > 0 && port < 65536)
            options.port = static_cast<quint16>(port);
        node = sshNode(options);
        // libssh 0.10 turns ProxyJump into ProxyCommand "ssh [-l U] [-p P] -W '[%h]:%p' JUMP". Like OpenSSH, the
        // jump's ssh reads the same config file as this hop when one was given (-F), or it would look for the
        // jump host's alias in ~/.ssh/config.
        char *proxy = nullptr;
        if (!options.configFile.isEmpty() && ssh_options_get(session, SSH_OPTIONS_PROXYCOMMAND, &proxy) == SSH_OK
            && proxy) {
            const QString command = QString::fromUtf8(proxy);
            ssh_string_free_char(proxy);
            if (isProxyJump(command)) {
                const QByteArray withConfig
                    = (QStringLiteral("ssh -F ")
                       + shellQuoted(options.configFile).replace(QLatin1Char('%'), QStringLiteral("%%"))
                       + command.mid(3))
                          .toUtf8();
                ssh_options_set(session, SSH_OPTIONS_PROXYCOMMAND, withConfig.constData());
            }
        }
    }
    if (options.port) {
        const unsigned int port = options.port;
        ssh_options_set(session, SSH_OPTIONS_PORT, &port);
    }
    if (!options.user.isEmpty())
        ssh_options_set(session, SSH_OPTIONS_USER, options.user.toUtf8().constData());
    const QByteArray knownHosts = QFile::encodeName(knownHostsPath(options));
    ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, knownHosts.constData());
    // Only the file given (or ~/.ssh/known_hosts): a system-wide file could vouch for a key the user never saw.
    ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    // Every SCAN is a round trip: Nagle's algorithm against the peer's delayed ACK would add 40 ms to each.
    const int noDelay = 1;
    ssh_options_set(session, SSH_OPTIONS_NODELAY, &noDelay);
    const long timeoutSeconds = qMax(1, (options.connectTimeoutMs + 999) / 1000);
    ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeoutSeconds);

    if (ssh_connect(session) != SSH_OK)
        return fail(VigilError::Kind::Unreachable, QStringLiteral("connect failed: %1").arg(lastError(session)));
    return session;
}

// The bastion's host key against known_hosts, as OpenSSH checks it. An unknown key is added when acceptNew, or when
// it has exactly the fingerprint `trust` ("SHA256:…", one the user was shown); a changed key never is.
SshHostKeyCheck verifyHostKey(ssh_session session, const SshOptions &options, const QString &trust)
{
    SshHostKeyCheck check;
    check.hop = options.hop();
    check.knownHosts = knownHostsPath(options);
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK) {
        check.message = QStringLiteral("the server sent no host key: %1").arg(lastError(session));
        return check;
    }
    const QString offered = fingerprint(key);
    const QString type = keyType(key);
    ssh_key_free(key);
    check.key = type + QLatin1Char(' ') + offered;
    const QString &file = check.knownHosts;
    const QString name = knownHostsName(options);
    switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
        check.status = SshHostKeyCheck::Status::Known;
        return check;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER: {
        const QString known = knownKeys(file, name);
        check.status = SshHostKeyCheck::Status::Changed;
        check.message
            = QStringLiteral("the host key has changed (REMOTE HOST IDENTIFICATION HAS CHANGED): %1 now offers "
                             "%2 key %3, but %4 holds %5 for it. Someone could be eavesdropping on you right "
                             "now (a man-in-the-middle attack), or the host key has just been changed; "
                             "refused. If you know the key was changed, remove the old one with: ssh-keygen "
                             "-f '%4' -R '%1'")
                  .arg(name, type, offered, file, known);
        return check;
    }
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (options.acceptNew || (!trust.isEmpty() && trust == offered)) {
            if (ssh_session_update_known_hosts(session) != SSH_OK) {
                check.message = QStringLiteral("the host key %1 %2 is new, and adding it to %3 failed: %4")
                                    .arg(type, offered, file, lastError(session));
                return check;
            }
            check.status = SshHostKeyCheck::Status::Known;
            return check;
        }
        check.status = SshHostKeyCheck::Status::Unknown;
        check.message = QStringLiteral("the host key is not known: %1 offers %2 key %3, which %4 does not hold; check "
                                       "the fingerprint and connect again with --ssh-accept-new to add it")
                            .arg(name, type, offered, file);
        return check;
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    check.message = QStringLiteral("cannot check the host key against %1: %2").arg(file, lastError(session));
    return check;
}

int recordEvents(socket_t, int revents, void *userdata)
{
    static_cast<Bridge *>(userdata)->revents |= static_cast<short>(revents);
    return 0;
}

int drainWake(socket_t fd, int, void *)
{
    uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(fd, &count, sizeof count);
    return 0;
}

// The session thread's whole life: set up the session when asked, open channels, move bytes, keep alive.
class Pump final
{
public:
    explicit Pump(SshTunnel::State &state)
        : m_state(state)
        , m_options(state.options)
    {
    }

    void run()
    {
        m_event = ssh_event_new();
        ssh_event_add_fd(m_event, m_state.wakeFd, POLLIN, drainWake, nullptr);
        std::vector<std::shared_ptr<TunnelRequest>> requests;
        while (true) {
            {
                const std::lock_guard lock(m_state.mutex);
                if (m_state.stopping)
                    break;
                requests.assign(m_state.incoming.begin(), m_state.incoming.end());
                m_state.incoming.clear();
            }
            for (const auto &request : requests)
                serve(request);
            requests.clear();
            advanceOpenings();
            const bool more = pumpBridges();
            updateRegistrations();
            int timeoutMs = more || !m_opening.empty() ? 0 : 1000;
            if (!m_opening.empty())
                timeoutMs = 10; // channel opens are answered through the session, polled below
            const int rc = ssh_event_dopoll(m_event, timeoutMs);
            if (m_session) {
                // sshd does not turn Nagle off for a connection that only forwards: the end of each reply waits for
                // our ACK, which the kernel would delay by 40 ms. Acknowledge at once (Linux resets the flag).
                const int quick = 1;
                ::setsockopt(ssh_get_fd(m_session), IPPROTO_TCP, TCP_QUICKACK, &quick, sizeof quick);
            }
            if (m_session
                && (rc == SSH_ERROR || !ssh_is_connected(m_session)
                    || (ssh_get_status(m_session) & (SSH_CLOSED | SSH_CLOSED_ERROR)))) {
                dropSession(
                    QStringLiteral("the SSH session to %1 dropped: %2").arg(m_options.hop(), lastError(m_session)));
                continue;
            }
            if (m_session && m_options.keepaliveSeconds > 0
                && m_sinceKeepalive.elapsed() >= qint64(m_options.keepaliveSeconds) * 1000) {
                // An SSH_MSG_IGNORE: traffic that keeps NAT and firewall state alive. (keepalive@openssh.com wants a
                // reply, and libssh's non-blocking global requests send a new one only after the last was answered.)
                ssh_send_ignore(m_session, "keepalive");
                m_sinceKeepalive.restart();
            }
        }
        if (m_session)
            dropSession(QStringLiteral("the SSH session to %1 was closed").arg(m_options.hop()));
        ssh_event_remove_fd(m_event, m_state.wakeFd);
        ssh_event_free(m_event);
        const std::lock_guard lock(m_state.mutex);
        for (const auto &request : m_state.incoming)
            request->complete(
                -1, {VigilError::Kind::Cancelled, sshNode(m_options), {}, QStringLiteral("the SSH session was closed")});
        m_state.incoming.clear();
    }

private:
    void serve(const std::shared_ptr<TunnelRequest> &request)
    {
        if (!m_session) {
            if (m_retryAt.has_value() && !m_retryAt->hasExpired())
                return request->complete(-1, m_lastError);
            const VigilError error = connectSession();
            if (error.isError()) {
                m_lastError = error;
                m_backoffMs = m_backoffMs ? qMin(m_backoffMs * 2, maxBackoffMs) : firstBackoffMs;
                m_retryAt = QDeadlineTimer(m_backoffMs);
                return request->complete(-1, error);
            }
            m_backoffMs = 0;
            m_retryAt.reset();
        }
        ssh_channel channel = ssh_channel_new(m_session);
        if (!channel)
            return request->complete(-1, channelError(request, lastError(m_session)));
        m_opening.push_back({channel, request});
    }

    VigilError channelError(const std::shared_ptr<TunnelRequest> &request, const QString &why) const
    {
        return {VigilError::Kind::Unreachable,
                {},
                {},
                QStringLiteral("channel to %1:%2 through %3 refused (%4)")
                    .arg(request->host())
                    .arg(request->port())
                    .arg(m_options.hop(), why)};
    }

    void advanceOpenings()
    {
        for (auto it = m_opening.begin(); it != m_opening.end();) {
            const QByteArray host = it->request->host().toUtf8();
            const int rc = ssh_channel_open_forward(it->channel, host.constData(), it->request->port(), "127.0.0.1", 0);
            if (rc == SSH_AGAIN) {
                ++it;
                continue;
            }
            if (rc == SSH_OK) {
                int pair[2];
                if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
                    it->request->complete(-1, channelError(it->request, QString::fromLocal8Bit(strerror(errno))));
                    ssh_channel_close(it->channel);
                    ssh_channel_free(it->channel);
                } else {
                    ::fcntl(pair[0], F_SETFL, ::fcntl(pair[0], F_GETFL) | O_NONBLOCK);
                    auto bridge = std::make_unique<Bridge>();
                    bridge->channel = it->channel;
                    bridge->fd = pair[0];
                    m_bridges.push_back(std::move(bridge));
                    m_state.channels.fetch_add(1);
                    it->request->complete(pair[1], {});
                }
            } else {
                it->request->complete(-1, channelError(it->request, lastError(m_session)));
                ssh_channel_free(it->channel);
            }
            it = m_opening.erase(it);
        }
    }

    // Moves bytes both ways; true when a channel still holds data the next turn should move without waiting.
    bool pumpBridges()
    {
        bool more = false;
        char buffer[chunkBytes];
        for (auto &b : m_bridges) {
            if (!b->closing && (b->revents & (POLLIN | POLLHUP | POLLERR)) && b->toRemote.isEmpty()) {
                const ssize_t n = ::read(b->fd, buffer, sizeof buffer);
                if (n > 0)
                    b->toRemote.append(buffer, n);
                else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                    b->closing = true; // the connection closed its end
            }
            b->revents = 0;
            if (!b->closing && !b->toRemote.isEmpty()) {
                const uint32_t window = ssh_channel_window_size(b->channel);
                const int size = static_cast<int>(qMin<qint64>(window, b->toRemote.size()));
                if (size > 0) {
                    const int written = ssh_channel_write(b->channel, b->toRemote.constData(), uint32_t(size));
                    if (written == SSH_ERROR)
                        b->closing = true;
                    else if (written > 0)
                        b->toRemote.remove(0, written);
                }
            }
            for (int round = 0; round < 16 && !b->closing; ++round) {
                if (!b->toLocal.isEmpty()) {
                    const ssize_t w
                        = ::send(b->fd, b->toLocal.constData(), size_t(b->toLocal.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
                    if (w > 0)
                        b->toLocal.remove(0, w);
                    else if (errno != EAGAIN && errno != EINTR)
                        b->closing = true;
                    if (!b->toLocal.isEmpty())
                        break; // the connection has not read yet: wait for POLLOUT
                }
                const int n = ssh_channel_read_nonblocking(b->channel, buffer, sizeof buffer, 0);
                if (n > 0) {
                    b->toLocal.append(buffer, n);
                    if (round == 15)
                        more = true;
                    continue;
                }
                if (n == SSH_EOF || n == SSH_ERROR || ssh_channel_is_closed(b->channel))
                    b->closing = b->toLocal.isEmpty(); // the node closed: pass the close on once its bytes are out
                break;
            }
        }
        for (auto it = m_bridges.begin(); it != m_bridges.end();) {
            if (!(*it)->closing) {
                ++it;
                continue;
            }
            closeBridge(**it);
            it = m_bridges.erase(it);
        }
        return more;
    }

    void closeBridge(Bridge &b)
    {
        if (b.registered)
            ssh_event_remove_fd(m_event, b.fd);
        ::close(b.fd);
        if (m_session && ssh_channel_is_open(b.channel))
            ssh_channel_close(b.channel);
        ssh_channel_free(b.channel);
    }

    void updateRegistrations()
    {
        for (auto &b : m_bridges) {
            short want = 0;
            if (b->toRemote.isEmpty())
                want |= POLLIN;
            if (!b->toLocal.isEmpty())
                want |= POLLOUT;
            if (want == b->registered)
                continue;
            if (b->registered)
                ssh_event_remove_fd(m_event, b->fd);
            if (want)
                ssh_event_add_fd(m_event, b->fd, want, recordEvents, b.get());
            b->registered = want;
        }
    }

    void dropSession(const QString &why)
    {
        const VigilError error(VigilError::Kind::ConnectionLost, sshNode(m_options), {}, why);
        for (auto &b : m_bridges)
            closeBridge(*b);
        m_bridges.clear();
        for (Opening &o : m_opening) {
            o.request->complete(-1, error);
            ssh_channel_free(o.channel);
        }
        m_opening.clear();
        ssh_event_remove_session(m_event, m_session);
        ssh_disconnect(m_session);
        ssh_free(m_session);
        m_session = nullptr;
        m_state.up = false;
    }

    VigilError connectSession()
    {
        VigilError error;
        ssh_session session = connectedSession(m_options, &error);
        if (!session)
            return error;
        const QString node = sshNode(m_options);
        const auto fail = [&](VigilError::Kind kind, const QString &message) {
            ssh_disconnect(session);
            ssh_free(session);
            return VigilError(kind, node, {}, message);
        };
        if (const QString refusal = checkHostKey(session); !refusal.isEmpty())
            return fail(VigilError::Kind::Refused, refusal);
        if (const QString refusal = authenticate(session); !refusal.isEmpty())
            return fail(VigilError::Kind::Auth, refusal);

        // A peer that vanished without a word (a dead NAT entry, a bastion powered off) is noticed like OpenSSH's
        // ServerAliveCountMax 3 would: three unanswered probes, one interval apart.
        if (m_options.keepaliveSeconds > 0) {
            const int fd = ssh_get_fd(session);
            const int on = 1;
            const int interval = m_options.keepaliveSeconds;
            const int count = 3;
            ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
            ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &interval, sizeof interval);
            ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
            ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
        }
        ssh_set_blocking(session, 0);
        m_session = session;
        ssh_event_add_session(m_event, m_session);
        m_sinceKeepalive.start();
        m_state.up = true;
        m_state.sessions.fetch_add(1);
        return {};
    }

    // Empty when the key is known (or newly accepted); else why it is refused, in OpenSSH's terms. An unknown key is
    // kept for the user to check (SshTunnel::unknownHostKey).
    QString checkHostKey(ssh_session session) const
    {
        QString trust;
        {
            const std::lock_guard lock(m_state.mutex);
            trust = m_state.trustFingerprint;
        }
        const SshHostKeyCheck check = verifyHostKey(session, m_options, trust);
        if (check.status == SshHostKeyCheck::Status::Unknown) {
            const std::lock_guard lock(m_state.mutex);
            m_state.unknownHostKey = check.key;
        }
        return check.status == SshHostKeyCheck::Status::Known ? QString() : check.message;
    }

    // Empty once logged in; else the refusal, naming the methods the server offers like OpenSSH does.
    QString authenticate(ssh_session session)
    {
        if (ssh_userauth_none(session, nullptr) == SSH_AUTH_SUCCESS)
            return {};
        const int methods = ssh_userauth_list(session, nullptr);
        QStringList offered;
        if (methods & SSH_AUTH_METHOD_PUBLICKEY)
            offered.append(QStringLiteral("publickey"));
        if (methods & SSH_AUTH_METHOD_PASSWORD)
            offered.append(QStringLiteral("password"));
        if (methods & SSH_AUTH_METHOD_INTERACTIVE)
            offered.append(QStringLiteral("keyboard-interactive"));
        QStringList tried;
        QByteArray &passphrase = m_options.passphrase; // what a prompt answers is kept for the next session
        if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
            if (!qEnvironmentVariableIsEmpty("SSH_AUTH_SOCK")) {
                tried.append(QStringLiteral("ssh-agent"));
                if (ssh_userauth_agent(session, nullptr) == SSH_AUTH_SUCCESS)
                    return {};
            }
            if (!m_options.keyFile.isEmpty()) {
                ssh_key key = nullptr;
                const QByteArray path = QFile::encodeName(m_options.keyFile);
                const auto import = [&] {
                    return ssh_pki_import_privkey_file(path.constData(),
                                                       passphrase.isEmpty() ? nullptr : passphrase.constData(), nullptr,
                                                       nullptr, &key);
                };
                int imported = import();
                if (imported != SSH_OK && passphrase.isEmpty() && canAskSecret()
                    && !(passphrase
                         = askSecret(QStringLiteral("Enter passphrase for key '%1': ").arg(m_options.keyFile)))
                            .isEmpty())
                    imported = import();
                if (imported != SSH_OK)
                    return QStringLiteral("cannot read the key %1: %2")
                        .arg(m_options.keyFile, QFile::exists(m_options.keyFile)
                                                    ? QStringLiteral("not a private key, or its passphrase is wrong "
                                                                     "(give it in VIGIL_SSH_PASSPHRASE)")
                                                    : QStringLiteral("no such file"));
                tried.append(QStringLiteral("key ") + m_options.keyFile);
                const int rc = ssh_userauth_publickey(session, nullptr, key);
                ssh_key_free(key);
                if (rc == SSH_AUTH_SUCCESS)
                    return {};
            } else {
                tried.append(QStringLiteral("the keys in ~/.ssh"));
                if (ssh_userauth_publickey_auto(session, nullptr,
                                                passphrase.isEmpty() ? nullptr : passphrase.constData())
                    == SSH_AUTH_SUCCESS)
                    return {};
            }
        }
        // The password, asked (as ssh asks) when none was given and the server takes one.
        if ((methods & (SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE)) && m_options.password.isEmpty()
            && canAskSecret()) {
            char *user = nullptr;
            QString who = m_options.user;
            if (who.isEmpty() && ssh_options_get(session, SSH_OPTIONS_USER, &user) == SSH_OK && user) {
                who = QString::fromUtf8(user);
                ssh_string_free_char(user);
            }
            m_options.password = askSecret(QStringLiteral("%1@%2's password: ").arg(who, m_options.hop()));
        }
        if ((methods & SSH_AUTH_METHOD_PASSWORD) && !m_options.password.isEmpty()) {
            tried.append(QStringLiteral("password"));
            if (ssh_userauth_password(session, nullptr, m_options.password.constData()) == SSH_AUTH_SUCCESS)
                return {};
        }
        if ((methods & SSH_AUTH_METHOD_INTERACTIVE) && !m_options.password.isEmpty()) {
            tried.append(QStringLiteral("keyboard-interactive"));
            int rc = ssh_userauth_kbdint(session, nullptr, nullptr);
            for (int round = 0; rc == SSH_AUTH_INFO && round < 4; ++round) {
                const int prompts = ssh_userauth_kbdint_getnprompts(session);
                if (prompts > 1)
                    break; // one prompt (the password) is all we can answer
                if (prompts == 1)
                    ssh_userauth_kbdint_setanswer(session, 0, m_options.password.constData());
                rc = ssh_userauth_kbdint(session, nullptr, nullptr);
            }
            if (rc == SSH_AUTH_SUCCESS)
                return {};
        }
        QString refusal = QStringLiteral("authentication failed (%1): tried %2")
                              .arg(offered.join(QLatin1Char(',')),
                                   tried.isEmpty() ? QStringLiteral("nothing (no key, and no VIGIL_SSH_PASSWORD)")
                                                   : tried.join(QStringLiteral(", ")));
        if ((methods & (SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE)) && m_options.password.isEmpty()
            && !tried.isEmpty())
            refusal += QStringLiteral("; to log in with a password, give it in VIGIL_SSH_PASSWORD");
        return refusal;
    }

    SshTunnel::State &m_state;
    SshOptions m_options; // with --ssh-config, the host and port it resolved the alias to, once connected
    ssh_event m_event = nullptr;
    ssh_session m_session = nullptr;
    std::vector<std::unique_ptr<Bridge>> m_bridges;
    std::vector<Opening> m_opening;
    std::optional<QDeadlineTimer> m_retryAt;
    int m_backoffMs = 0;
    VigilError m_lastError;
    QElapsedTimer m_sinceKeepalive;
};
} // namespace

SshTunnel::SshTunnel(SshOptions options)
    : m_options(std::move(options))
    , m_state(std::make_shared<State>())
{
    m_state->options = m_options;
    m_state->wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    std::shared_ptr<State> state = m_state;
    m_thread = QThread::create([state] {
        Pump(*state).run();
        ::close(state->wakeFd);
    });
    m_thread->setObjectName(QStringLiteral("vigil-ssh"));
    m_thread->start();
}

SshTunnel::~SshTunnel()
{
    {
        const std::lock_guard lock(m_state->mutex);
        m_state->stopping = true;
    }
    m_state->wake();
    // A thread inside a connect (up to connectTimeoutMs) is not waited for: it ends on its own, holding the state.
    if (m_thread->wait(2000))
        delete m_thread;
    else
        QObject::connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
}

void SshTunnel::open(const std::shared_ptr<TunnelRequest> &request)
{
    {
        const std::lock_guard lock(m_state->mutex);
        if (!m_state->stopping) {
            m_state->incoming.push_back(request);
            m_state->wake();
            return;
        }
    }
    request->complete(-1, {VigilError::Kind::Cancelled,
                           QStringLiteral("SSH ") + m_options.hop(),
                           {},
                           QStringLiteral("the SSH session was closed")});
}

int SshTunnel::openTimeoutMs(int connectTimeoutMs) const
{
    return m_state->up ? connectTimeoutMs : connectTimeoutMs + m_options.connectTimeoutMs;
}

ConnectionFactoryPtr SshTunnel::factoryFor(const SshOptions &ssh)
{
    if (!ssh.enabled())
        return ConnectionFactory::standalone();
    return std::make_shared<ConnectionFactory>(std::make_shared<SshTunnel>(ssh));
}

int SshTunnel::sessionsStarted() const
{
    return m_state->sessions.load();
}

int SshTunnel::channelsOpened() const
{
    return m_state->channels.load();
}

QString SshTunnel::unknownHostKey() const
{
    const std::lock_guard lock(m_state->mutex);
    return m_state->unknownHostKey;
}

void SshTunnel::setSecretPrompt(SecretPrompt prompt)
{
    const std::lock_guard lock(promptMutex);
    secretPrompt = std::move(prompt);
}

bool SshTunnel::keyNeedsPassphrase(const QString &keyFile)
{
    if (!QFile::exists(keyFile))
        return false;
    // Without a passphrase and without a callback, libssh reads a plain key and refuses an encrypted one (no prompt).
    ssh_key key = nullptr;
    const int rc = ssh_pki_import_privkey_file(QFile::encodeName(keyFile).constData(), nullptr, nullptr, nullptr, &key);
    ssh_key_free(key);
    return rc != SSH_OK;
}

SshHostKeyCheck SshTunnel::checkHostKey(const SshOptions &options, const QString &trustFingerprint)
{
    SshOptions resolved = options;
    VigilError error;
    ssh_session session = connectedSession(resolved, &error);
    if (!session) {
        SshHostKeyCheck failed;
        failed.hop = resolved.hop();
        failed.knownHosts = knownHostsPath(resolved);
        failed.message = error.message();
        return failed;
    }
    SshHostKeyCheck check = verifyHostKey(session, resolved, trustFingerprint);
    ssh_disconnect(session);
    ssh_free(session);
    return check;
}

void SshTunnel::trustHostKey(const QString &fingerprint)
{
    const std::lock_guard lock(m_state->mutex);
    m_state->trustFingerprint = fingerprint;
}
