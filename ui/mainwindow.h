#pragma once

#include "scan/scantypes.h"
#include "sentinel/hostport.h"
#include "theme.h"

#include <QMainWindow>

#include <array>
#include <functional>

class DeploymentView;
class KeyBrowser;
class KeyDetails;
class MonitorPanel;
class QAction;
class QLabel;
class QMenu;
class QStackedWidget;
class QSystemTrayIcon;
class QTabWidget;
class SandboxController;
struct SandboxInfo;
struct SentinelTarget;

// The main window: one tab per open deployment (DeploymentView: its tree, values, topology and scan thread), File >
// New connection (Ctrl+T) for another, and a page that says what to do while none is open. The status bar shows the
// current tab's master, sentinels and scan. The deployments that were open are remembered (no passwords) and opened
// again on the next start, unless File > Reopen connections at start is off.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a deployment in a new tab and shows it.
    DeploymentView *openDeployment(const SentinelTarget &target, int pollIntervalMs = 2000);
    // Points the current tab at another deployment (a new tab when there is none): everything the tab showed goes.
    DeploymentView *setTarget(const SentinelTarget &target, int pollIntervalMs = 2000);
    // Closes a tab: its threads stop (bounded), its connections close; the other tabs go on.
    void closeDeployment(int index);

    // Demo mode: a sandbox is starting; it opens in a tab of its own, and its drills are in the Sandbox menu.
    void setSandbox(SandboxController *controller);
    // Asks where to connect (the connection dialog), for the current tab or a new one.
    void openConnectionDialog();
    void openNewConnectionDialog();
    // Shown on the page with no deployment (none yet, or the sandbox could not start).
    void showMessage(const QString &text, bool isError = false);
    // Opens the deployments that were open when Vigil last closed; false when there were none (or reopening is off).
    bool restoreSession();
    // Whether the open tabs are written as the session to reopen (on by default). A window started for the demo or
    // for a deployment named on the command line leaves the remembered session as it was.
    void setRememberSession(bool remember) { m_rememberSession = remember; }
    // Ask before each drill and before closing (tests drive them without a dialog).
    void setConfirmActions(bool confirm);
    // A ceiling in keys a second for the scans of the tabs opened from now on; 0 for none.
    void setPace(double keysPerSecond) { m_pace = keysPerSecond; }
    // How long the tabs' scans wait out a failover or a node that does not answer, before they fail.
    void setRecoveryTimeout(int milliseconds) { m_recoveryTimeoutMs = milliseconds; }

    int deploymentCount() const;
    DeploymentView *view(int index) const;
    DeploymentView *currentView() const;
    QTabWidget *tabs() const { return m_tabs; }

    // For tests and screenshots: the current tab's parts and the texts a user reads.
    KeyBrowser *browser() const;
    KeyDetails *details() const;
    MonitorPanel *monitor() const;
    QString headline() const;
    QString fieldText(const QString &field) const;
    QString statusText() const;
    QString welcomeText() const;

    // Every action that has a keyboard shortcut, as Help > Keyboard shortcuts lists it: (what it does, the keys), in
    // menu order, then the key tree's own. Built from the actions themselves, so the list cannot drift from them.
    QList<QPair<QString, QString>> shortcuts() const;
    void showShortcuts();

    // View > Theme: applies the mode at once and checks its action; remember makes it the setting ("ui/theme") the
    // next window starts with (--theme applies one for this run only).
    void setTheme(Theme::Mode mode, bool remember = true);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    DeploymentView *createView(const SentinelTarget &target, int pollIntervalMs);
    void updateTab(DeploymentView *view);
    void updateTabs();
    void updateStatus();
    void updateSandboxMenu();
    void handleSandboxStarted(const SandboxInfo &info);
    void handleSandboxAction(const QString &what, const class VigilError &error);
    void notifySwitch(const QString &masterName, const HostPort &oldMaster, const HostPort &newMaster);
    void runDrill(const QString &question, const std::function<void(SandboxController *)> &drill);
    void saveSession();
    bool confirm(const QString &question);
    // The window's size, position, and its tabs' splitters: saved at close, restored at start.
    void saveLayout();
    void restoreLayout();

    QStackedWidget *m_stack = nullptr;
    QWidget *m_welcome = nullptr;
    QLabel *m_welcomeText = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_sentinelLabel = nullptr;
    QLabel *m_scanLabel = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_sandboxMenu = nullptr;
    QAction *m_reopenAction = nullptr;
    QAction *m_connectTabAction = nullptr; // off while no tab is open
    QAction *m_closeTabAction = nullptr;
    QMenu *m_keysMenu = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_rescanAction = nullptr;
    QAction *m_stopAction = nullptr;
    std::array<QAction *, 3> m_themeActions{}; // by Theme::Mode
    QByteArray m_splitterState;                // the last tab's splitters, given to each tab that opens
    SandboxController *m_sandbox = nullptr;
    double m_pace = 0;
    int m_recoveryTimeoutMs = ScanOptions().recoveryTimeoutMs;
    bool m_confirm = true;
    bool m_restoring = false;
    bool m_rememberSession = true;
};
