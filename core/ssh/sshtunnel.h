#pragma once

#include "resp/connectionfactory.h"
#include "resp/tunnel.h"
#include "sshoptions.h"

#include <atomic>
#include <functional>
#include <memory>

class QThread;

// The bastion's host key against known_hosts, checked before any login (SshTunnel::checkHostKey): what the GUI asks
// the user about on Connect.
struct SshHostKeyCheck
{
    enum class Status {
        Known,   // known_hosts holds it (or it was just added)
        Unknown, // known_hosts holds no key for the host: ask, showing `key`
        Changed, // known_hosts holds another key: refused, never offered for trust
        Failed,  // the bastion could not be reached or asked: `message` says why
    };
    Status status = Status::Failed;
    QString hop;        // "bastion.example:22", as the SSH config resolved it
    QString key;        // "ssh-ed25519 SHA256:…", the key offered
    QString message;    // why it is refused or failed, in OpenSSH's words
    QString knownHosts; // the file checked
};

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
    // Connects to the bastion and checks its host key, without logging in; blocks up to options.connectTimeoutMs. An
    // unknown key with exactly `trustFingerprint` ("SHA256:…") is added to known_hosts, as trustHostKey() does.
    // How a program on a terminal asks for the SSH password or the key's passphrase when the options hold none and the
    // login needs one (vigil-scan on a tty: core itself never touches a terminal). Called on the session's thread and
    // blocking; an empty answer gives none. The answer is kept for the tunnel's later sessions. Unset: never asked.
    using SecretPrompt = std::function<QByteArray(const QString &prompt)>;
    static void setSecretPrompt(SecretPrompt prompt);
    // Whether the private key file is encrypted: it needs a passphrase to be read.
    static bool keyNeedsPassphrase(const QString &keyFile);
    static SshHostKeyCheck checkHostKey(const SshOptions &options, const QString &trustFingerprint = {});

    struct State;

private:
    const SshOptions m_options;
    std::shared_ptr<State> m_state;
    QThread *m_thread = nullptr;
};
