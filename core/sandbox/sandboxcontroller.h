#pragma once

#include "common/vigilerror.h"
#include "sandbox.h"

#include <QObject>

// What the GUI learns about a started sandbox.
struct SandboxInfo
{
    QString dir;
    QString masterName;
    QList<quint16> sentinelPorts;
    QList<quint16> dataPorts;
    qint64 keys = 0;
    TlsOptions tls; // how a client reaches it: off, or the sandbox's CA (and client certificate)
    QString nodeHost = QStringLiteral("127.0.0.1"); // where the nodes listen (127.0.0.2 behind the sandbox's sshd)
    SshOptions ssh;                                 // off, or the sshd's host, port, user, key and known_hosts file
    QByteArray sshKnownHostsLine;                   // "[127.0.0.1]:PORT ssh-ed25519 AAAA…"
};
Q_DECLARE_METATYPE(SandboxInfo)

// Drives a Sandbox from its own long-lived thread, so the GUI never blocks on it. The thread must live as long as the
// sandbox: the nodes are tied to it by PR_SET_PDEATHSIG.
class SandboxController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxController)

public:
    explicit SandboxController(SandboxOptions options, QObject *parent = nullptr);
    ~SandboxController() override;

public Q_SLOTS:
    void start();
    void failover();
    void killMaster();
    void pauseMaster(int milliseconds);
    void restartStoppedNodes();
    void stop();

Q_SIGNALS:
    void started(const SandboxInfo &info);
    // Where start() is (Sandbox::progress), for the window's "Starting the local sandbox…" page.
    void progress(int step, int steps, const QString &what);
    // redis-server or redis-sentinel is not installed (not on PATH): nothing was started. Sandbox::installCommand()
    // says how to install them.
    void programsMissing(const QStringList &programs);
    void failed(const VigilError &error);
    // A fault-injection action finished; `what` says what it did, in words for the status bar.
    void actionFinished(const QString &what, const VigilError &error);

private:
    SandboxOptions m_options;
    std::unique_ptr<Sandbox> m_sandbox;
};
