#pragma once

#include "sentinel/hostport.h"

#include <QWidget>

class Deployment;
class DeploymentPanel;
class KeyBrowser;
class KeyDetails;
class MonitorPanel;
class QLabel;
class QSplitter;
class QTabWidget;
class SandboxController;
struct SentinelTarget;

// Everything a window shows about one deployment, in one tab: the key browser on the left; on the right the topology
// and its events, the selected key, and the deployment's facts. It owns its Deployment, and so every connection and
// thread of it: deleting the view closes them (the scan thread with a bound, WorkerThread). Nothing in it outlives it,
// and nothing of another deployment is ever shown in it.
class DeploymentView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentView)

public:
    // Connects to `target` at once; the sentinels are polled every pollIntervalMs.
    explicit DeploymentView(const SentinelTarget &target, int pollIntervalMs = 2000, QWidget *parent = nullptr);
    ~DeploymentView() override;

    Deployment *deployment() const { return m_deployment; }
    KeyBrowser *browser() const { return m_browser; }
    KeyDetails *details() const { return m_details; }
    MonitorPanel *monitor() const { return m_monitor; }
    DeploymentPanel *panel() const { return m_panel; }

    // Demo mode: this deployment is the sandbox's. Its drills act on this deployment only.
    void setSandbox(SandboxController *controller, const QString &folder);
    SandboxController *sandbox() const { return m_sandbox; }

    // The saved profile this tab was opened from (empty for none): the session remembers it, so that the tab's
    // passwords can come back from the keychain at the next start.
    void setProfileName(const QString &name) { m_profileName = name; }
    QString profileName() const { return m_profileName; }

    // The tab's text: the master name (and the first sentinel, when another tab has the same name), with a mark when
    // the master is down or failing over.
    QString tabTitle(bool withAddress = false) const;
    // TLS without verification on the sentinels or the data nodes: the tab carries a warning for as long as it is open.
    bool isInsecure() const;
    // "read-only" (asked for), "read-only (by ACL)" (the user may not write), or empty: in the tab's title, the
    // window's title and the status bar.
    QString accessMark() const;
    // The user marked the deployment as production: a red bar above it, and its tab and the window's title say so.
    bool isProduction() const;
    QString tabToolTip() const;

    // The split between the key browser and the side tabs, as QSplitter::saveState() has it: the window remembers it.
    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray &state);

    // The status bar's three parts while this view is shown.
    QString masterStatus() const;
    QString sentinelStatus() const;
    QString scanStatus() const;

Q_SIGNALS:
    // The tab's title or tooltip changed (health, read-only).
    void titleChanged();
    // One of the status bar's parts changed.
    void statusChanged();
    // Something worth a transient message in the status bar and, for switches, the tray.
    void masterSwitched(const QString &masterName, const HostPort &from, const HostPort &to);
    void actionReported(const QString &text);
    // The empty tree's "Connect…" link.
    void connectRequested();

private:
    void showSelectedKey(const QByteArray &key, bool isNamespace, qint64 keys);

    Deployment *m_deployment = nullptr;
    QSplitter *m_splitter = nullptr; // everything below; deleted before the deployment
    KeyBrowser *m_browser = nullptr;
    MonitorPanel *m_monitor = nullptr;
    KeyDetails *m_details = nullptr;
    DeploymentPanel *m_panel = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_productionBar = nullptr;
    SandboxController *m_sandbox = nullptr;
    QString m_profileName;
};
