#pragma once

#include "resp/connectionfactory.h"
#include "resp/tunnel.h"
#include "sshoptions.h"

#include <atomic>
#include <memory>

class QThread;

// One SSH session to a bastion for one deployment, on a thread of its own ("vigil-ssh"), and a direct-tcpip channel
// through it for each connection: the channel is bridged to one end of a local socket pair, the other end goes to
// the RedisConnection. The thread polls the pairs and the session's socket together (libssh non-blocking, through
// an ssh_event).
//
// The session is set up on the first request: connect, the host key against known_hosts (an unknown key is refused
// unless acceptNew, a changed one always, both with the SHA256 fingerprints as OpenSSH prints them), then the login
// methods in OpenSSH's order: ssh-agent, the key file, password, keyboard-interactive with one prompt. It sends a
// keepalive every keepaliveSeconds, and TCP keepalive probes (3, that far apart) notice a peer gone silent. When it
// drops, every channel's socket is closed (the connections see a lost connection, which the scan recovers from) and the
// next request sets up a new session, after a backoff of 250 ms doubling to 5 s while attempts fail.
class SshTunnel final : public Tunnel
{
public:
    explicit SshTunnel(SshOptions options);
    ~SshTunnel() override; // stops the thread, waiting a bound; a thread stuck in a connect is left to finish
    Q_DISABLE_COPY_MOVE(SshTunnel)

    void open(const std::shared_ptr<TunnelRequest> &request) override;
    int openTimeoutMs(int connectTimeoutMs) const override;
    QString hop() const override { return m_options.hop(); }

    // The factory for a deployment: through a new session when `ssh` is enabled, direct otherwise.
    static ConnectionFactoryPtr factoryFor(const SshOptions &ssh);

    const SshOptions &options() const { return m_options; }
    // Sessions set up so far (a reconnect counts), and channels opened: for tests.
    int sessionsStarted() const;
    int channelsOpened() const;
    // "ssh-ed25519 SHA256:…" of the last host key refused as unknown, for the user to check and trust; else empty.
    QString unknownHostKey() const;
    // Accept-new for one key: an unknown host key with exactly this fingerprint ("SHA256:…", one the user was shown) is
    // added to known_hosts when the session is set up. Any other unknown key is still refused.
    void trustHostKey(const QString &fingerprint);

    struct State;

private:
    const SshOptions m_options;
    std::shared_ptr<State> m_state;
    QThread *m_thread = nullptr;
};
