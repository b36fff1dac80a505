#pragma once

#include "common/vigilerror.h"
#include "resp/connectionoptions.h"
#include "sentinel/masterresolver.h"
#include "ssh/sshoptions.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <memory>

class QProcess;
class QTemporaryDir;

struct SandboxOptions
{
    enum class Auth { None, Password, AclUser };

    qint64 keys = 20000; // generated sample keys (the fixed special keys come on top)
    QString dir;         // empty: a temporary folder, removed on stop()
    Auth auth = Auth::None;
    int replicas = 2;
    int sentinels = 3;
    int downAfterMs = 1000;
    int failoverTimeoutMs = 5000;
    QString masterName = QStringLiteral("vigil");
    // TLS only: every node and sentinel listens on tls-port alone, replicates over TLS, with throwaway certificates
    // (TlsMaterial) in <dir>/tls; with tlsClientAuth every client must present a certificate too.
    bool tls = false;
    bool tlsClientAuth = false;
    // Behind a bastion: the nodes and sentinels listen on 127.0.0.2 only, and a throwaway sshd on 127.0.0.1 (its own
    // config, host key and authorized client key in <dir>/ssh, LogLevel DEBUG1) is the way in. Clients that run with
    // VIGIL_TEST_NO_DIRECT=127.0.0.2 can reach them only through it.
    bool ssh = false;
    // Password logins, for their tests: these system users (the test makes and removes them) may log in to that sshd
    // through PAM, the first with a password, the second with keyboard-interactive only (one "Password:" prompt).
    QString sshPasswordUser;
    QString sshKbdInteractiveUser;
    // Names, not addresses: the sentinels run with resolve-hostnames and announce-hostnames, monitor the master by this
    // name, and the replicas announce it (e.g. "localhost"), so Sentinel reports it for every node. The nodes then
    // listen on 127.0.0.1 even with `ssh` (the name must resolve to them on the bastion's side).
    QString hostname;
    // Detached nodes outlive this process (vigil-sandbox up --detach); attached nodes die with it, whatever happens.
    bool detach = false;
    int readyTimeoutMs = 60000;
};

// A local Sentinel topology for the demo and the tests: 1 master, N replicas and M sentinels, started from the
// redis-server and redis-sentinel binaries on PATH, on free loopback ports, in one folder.
//
// All calls block and are bounded; call them from one thread, the one that started the sandbox. Attached nodes are
// started with PR_SET_PDEATHSIG, so the kernel kills them if that thread or the process dies, even by SIGKILL.
class Sandbox final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sandbox)

public:
    enum class NodeKind { Data, Sentinel };

    struct Node
    {
        NodeKind kind = NodeKind::Data;
        quint16 port = 0;
        qint64 pid = 0;
        QString configPath;
        QString logPath;
    };

    explicit Sandbox(SandboxOptions options = {}, QObject *parent = nullptr);
    ~Sandbox() override; // stops everything it started, unless detached

    const SandboxOptions &options() const { return m_options; }
    QString dir() const { return m_dir; }

    // Starts the nodes, waits until every sentinel agrees, loads the sample data and waits for the replicas. When
    // redis-server or redis-sentinel is missing it says so, and how to install them, before it creates anything.
    VigilError start();
    // Kills every node it started and waits for each to be gone.
    void stop();

    const QList<Node> &nodes() const { return m_nodes; }
    QList<quint16> sentinelPorts() const;
    QList<quint16> dataPorts() const;
    QString masterName() const { return m_options.masterName; }
    QList<qint64> pids() const;
    qint64 pidOfPort(quint16 port) const;
    bool isRunning(quint16 port) const { return isAlive(pidOfPort(port)); }

    // Credentials for clients: data nodes and sentinels. Empty when the sandbox has no auth.
    QByteArray dataUser() const { return m_dataUser; }
    QByteArray dataPassword() const { return m_dataPassword; }
    QByteArray sentinelUser() const { return m_sentinelUser; }
    QByteArray sentinelPassword() const { return m_sentinelPassword; }
    ConnectionOptions dataOptions(quint16 port) const;
    ConnectionOptions sentinelOptions(quint16 port) const;

    // Everything a client needs to reach this sandbox through its sentinels, credentials and TLS included.
    SentinelTarget target() const;
    // The TLS a client needs here (CA, and a client certificate when the sandbox asks for one); off without TLS.
    TlsOptions clientTls() const;
    // The certificates' folder (<dir>/tls); empty without TLS.
    QString tlsDir() const;

    // Where the nodes listen: 127.0.0.1, or 127.0.0.2 with SSH (out of reach for a client in test mode).
    QString nodeHost() const;
    // What the nodes are known by to Sentinel and clients: options().hostname, else nodeHost().
    QString announcedHost() const;
    // The sandbox's sshd (options().ssh): its port on 127.0.0.1, the listener's pid, the children that serve one
    // session each, its folder (keys, config, known_hosts) and its log (every direct-tcpip channel and its target).
    quint16 sshPort() const { return m_sshPort; }
    qint64 sshPid() const { return m_sshPid; }
    QList<qint64> sshSessionPids() const;
    QString sshDir() const;
    QString sshLogPath() const;
    // The known_hosts line of the sshd's host key ("[127.0.0.1]:PORT ssh-ed25519 AAAA…").
    QByteArray sshKnownHostsLine() const;
    // How a client reaches the sandbox through its sshd: the authorized key and a known_hosts file holding the line.
    SshOptions clientSsh() const;

    // The master's port as the first sentinel that answers reports it; 0 if none answers.
    quint16 currentMasterPort() const;

    // Fault injection.
    VigilError failover();             // SENTINEL FAILOVER on the first sentinel that answers
    VigilError killNode(quint16 port); // kill -9
    VigilError killMaster();
    VigilError pauseNode(quint16 port);   // SIGSTOP
    VigilError resumeNode(quint16 port);  // SIGCONT
    VigilError restartNode(quint16 port); // start a killed node again with its (possibly rewritten) config
    VigilError killSentinel(int index);

    // Waits until every live sentinel reports `masterPort` as the master, with `replicas` replicas known.
    VigilError waitForAgreement(quint16 masterPort, int timeoutMs);
    // After a fault: starts every stopped node again, then waits for a master that every sentinel agrees on.
    VigilError restoreAndSettle(int timeoutMs);

    // The state file of a detached sandbox; load() adopts such a sandbox (for vigil-sandbox failover/down).
    QString stateFilePath() const;
    VigilError saveState() const;
    static std::unique_ptr<Sandbox> load(const QString &dir, VigilError *error);

    // The programs the sandbox runs that are not on PATH: redis-server, redis-sentinel, both or none. On Debian each
    // comes in the package of the same name.
    static QStringList missingPrograms();
    // The command that installs them, e.g. "sudo apt install redis-server redis-sentinel".
    static QString installCommand(const QStringList &programs);

    // The number of sample keys loaded (generated plus special).
    qint64 loadedKeyCount() const { return m_loadedKeys; }

Q_SIGNALS:
    // start() is at `step` of `steps` (1-based): what it does now, in words ("starting 3 sentinels").
    void progress(int step, int steps, const QString &what);

private:
    VigilError prepareDir();
    VigilError startNode(Node &node);
    VigilError waitForPing(const Node &node, int timeoutMs);
    VigilError startSsh(QSet<quint16> *taken);
    VigilError waitForSsh(int timeoutMs) const;
    VigilError waitForReplicas(quint16 masterPort, int timeoutMs);
    VigilError loadSampleData(quint16 masterPort);
    QString writeDataConfig(quint16 port, quint16 masterPort) const;
    QString writeSentinelConfig(quint16 port, quint16 masterPort) const;
    Node *nodeByPort(quint16 port);
    static bool isAlive(qint64 pid);

    SandboxOptions m_options;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dir;
    QList<Node> m_nodes;
    QList<QProcess *> m_processes;
    QByteArray m_dataUser;
    QByteArray m_dataPassword;
    QByteArray m_sentinelUser;
    QByteArray m_sentinelPassword;
    QByteArray tlsConfig() const;
    qint64 m_loadedKeys = 0;
    bool m_adopted = false; // loaded from a state file: stop() kills by pid
    quint16 m_sshPort = 0;
    qint64 m_sshPid = 0;
    QProcess *m_sshProcess = nullptr;
};
