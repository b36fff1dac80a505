#pragma once

#include "common/workerthread.h"
#include "sentinel/masterprobe.h"

#include <QMainWindow>

class KeyBrowser;
class KeyDetails;
class MonitorPanel;
class QSystemTrayIcon;
class QAction;
class QLabel;
class QMenu;
class QTabWidget;
class QTimer;
class SandboxController;
struct SandboxInfo;

// The main window: the key browser on the left; on the right the selected key and the deployment (which master, through
// which sentinels, what its ROLE check said, re-resolved every few seconds so a failover shows as the address
// changing); in the status bar the master, the sentinels reachable and the scan's progress.
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
    // Asks where to connect (the connection dialog), then connects.
    void openConnectionDialog();
    // Shown when there is no deployment (yet) or the sandbox could not start.
    void showMessage(const QString &text, bool isError = false);

    // For tests and screenshots: the texts a user reads.
    QString headline() const;
    QString fieldText(const QString &field) const;
    KeyBrowser *browser() const { return m_browser; }
    KeyDetails *details() const { return m_details; }
    MonitorPanel *monitor() const { return m_monitor; }
    QString statusText() const;

private:
    void handleProbed(const MasterProbeResult &result);
    void handleProbeFailed(const VigilError &error);
    void handleSandboxStarted(const SandboxInfo &info);
    void handleSandboxAction(const QString &what, const VigilError &error);
    void requestProbe();
    void setField(const QString &field, const QString &value);
    void showSelectedKey(const QByteArray &key, bool isNamespace, qint64 keys);
    void notifySwitch(const HostPort &oldMaster, const HostPort &newMaster);

    QLabel *m_headline = nullptr;
    QLabel *m_detail = nullptr;
    QHash<QString, QLabel *> m_fields;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_sentinelLabel = nullptr;
    QLabel *m_scanLabel = nullptr;
    KeyBrowser *m_browser = nullptr;
    MonitorPanel *m_monitor = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    KeyDetails *m_details = nullptr;
    QTabWidget *m_tabs = nullptr;
    QMenu *m_sandboxMenu = nullptr;
    QTimer *m_probeTimer = nullptr;
    SentinelTarget m_target;
    WorkerThread m_probeThread{QStringLiteral("vigil-probe")};
    MasterProbe *m_probe = nullptr;
    bool m_probeInFlight = false;
    SandboxController *m_sandbox = nullptr;
};
