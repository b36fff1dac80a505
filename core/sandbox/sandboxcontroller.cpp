#include "sandboxcontroller.h"

#include <QTimer>

SandboxController::SandboxController(SandboxOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    qRegisterMetaType<SandboxInfo>();
    qRegisterMetaType<VigilError>();
}

SandboxController::~SandboxController() = default;

void SandboxController::start()
{
    if (const QStringList missing = Sandbox::missingPrograms(); !missing.isEmpty()) {
        Q_EMIT programsMissing(missing);
        return;
    }
    m_sandbox = std::make_unique<Sandbox>(m_options);
    connect(m_sandbox.get(), &Sandbox::progress, this, &SandboxController::progress);
    if (const VigilError error = m_sandbox->start(); error.isError()) {
        m_sandbox.reset();
        Q_EMIT failed(error);
        return;
    }
    SandboxInfo info;
    info.dir = m_sandbox->dir();
    info.masterName = m_sandbox->masterName();
    info.sentinelPorts = m_sandbox->sentinelPorts();
    info.dataPorts = m_sandbox->dataPorts();
    info.keys = m_sandbox->loadedKeyCount();
    info.tls = m_sandbox->clientTls();
    info.nodeHost = m_sandbox->nodeHost();
    info.ssh = m_sandbox->clientSsh();
    info.sshKnownHostsLine = m_sandbox->sshKnownHostsLine();
    Q_EMIT started(info);
}

void SandboxController::failover()
{
    if (!m_sandbox)
        return;
    Q_EMIT actionFinished(tr("Asked the sentinels for a failover"), m_sandbox->failover());
}

void SandboxController::killMaster()
{
    if (!m_sandbox)
        return;
    const quint16 port = m_sandbox->currentMasterPort();
    Q_EMIT actionFinished(tr("Killed the master 127.0.0.1:%1 (kill -9)").arg(port), m_sandbox->killMaster());
}

void SandboxController::pauseMaster(int milliseconds)
{
    if (!m_sandbox)
        return;
    const quint16 port = m_sandbox->currentMasterPort();
    const VigilError error = m_sandbox->pauseNode(port);
    Q_EMIT actionFinished(tr("Paused the master 127.0.0.1:%1 for %2 s (SIGSTOP)").arg(port).arg(milliseconds / 1000.0),
                          error);
    if (error.isError())
        return;
    QTimer::singleShot(milliseconds, this, [this, port] {
        if (m_sandbox)
            Q_EMIT actionFinished(tr("Resumed 127.0.0.1:%1 (SIGCONT)").arg(port), m_sandbox->resumeNode(port));
    });
}

void SandboxController::restartStoppedNodes()
{
    if (!m_sandbox)
        return;
    QStringList restarted;
    VigilError firstError;
    const QList<Sandbox::Node> nodes = m_sandbox->nodes();
    for (const Sandbox::Node &node : nodes) {
        if (m_sandbox->isRunning(node.port))
            continue;
        const VigilError error = m_sandbox->restartNode(node.port);
        if (!error.isError())
            restarted.append(QStringLiteral("127.0.0.1:%1").arg(node.port));
        else if (!firstError.isError())
            firstError = error;
    }
    Q_EMIT actionFinished(restarted.isEmpty() ? tr("No stopped node to restart")
                                              : tr("Restarted %1").arg(restarted.join(QStringLiteral(", "))),
                          firstError);
}

void SandboxController::stop()
{
    if (m_sandbox)
        m_sandbox->stop();
    m_sandbox.reset();
}
