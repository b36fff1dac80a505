#pragma once

#include "common/workerthread.h"
#include "sentinel/masterprobe.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QMenu;
class QTimer;
class SandboxController;
struct SandboxInfo;

// The first window: which master Vigil is connected to, through which sentinels, and what its ROLE check said.
// It re-resolves every few seconds, so a failover shows up as the master's address changing.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Connects to a deployment: resolves the master on a worker thread, now and every probeIntervalMs.
    void setTarget(const SentinelTarget &target, int probeIntervalMs = 2000);
    // Demo mode: a sandbox is starting; its fault-injection actions go in the Sandbox menu.
    void setSandbox(SandboxController *controller);
    // Shown when there is no deployment (yet) or the sandbox could not start.
    void showMessage(const QString &text, bool isError = false);

    // For tests and screenshots: the texts a user reads.
    QString headline() const;
    QString fieldText(const QString &field) const;

private:
    void handleProbed(const MasterProbeResult &result);
    void handleProbeFailed(const VigilError &error);
    void handleSandboxStarted(const SandboxInfo &info);
    void handleSandboxAction(const QString &what, const VigilError &error);
    void requestProbe();
    void setField(const QString &field, const QString &value);

    QLabel *m_headline = nullptr;
    QLabel *m_detail = nullptr;
    QHash<QString, QLabel *> m_fields;
    QLabel *m_statusLabel = nullptr;
    QMenu *m_sandboxMenu = nullptr;
    QTimer *m_probeTimer = nullptr;
    SentinelTarget m_target;
    WorkerThread m_probeThread{QStringLiteral("vigil-probe")};
    MasterProbe *m_probe = nullptr;
    bool m_probeInFlight = false;
    SandboxController *m_sandbox = nullptr;
};
