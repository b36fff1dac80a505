#pragma once

#include <QWidget>

class Deployment;
class EventTimeline;
class QAction;
class QToolBar;
class SandboxController;
class TopologyView;

// Failover monitoring: the topology diagram, the actions (SENTINEL FAILOVER; in demo mode also kill, pause and restart
// nodes), and the event timeline with its failover records. It shows one Deployment: its watcher's snapshots and events
// and its FailoverTracker's records, the same watcher whose switches the scan hears, so the tree's restart notice and
// the diagram tell the same story.
class MonitorPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorPanel)

public:
    explicit MonitorPanel(QWidget *parent = nullptr);
    ~MonitorPanel() override;

    // Once, with the deployment this panel shows (it belongs to the same tab).
    void setDeployment(Deployment *deployment);
    // Demo mode: this deployment is the sandbox's, and the toolbar offers its drills (each one confirmed).
    void setSandbox(SandboxController *controller);
    // Ask before every action (on by default; tests drive the actions without a dialog).
    void setConfirmActions(bool confirm) { m_confirm = confirm; }

    TopologyView *topology() const { return m_topology; }
    EventTimeline *timeline() const { return m_timeline; }
    QAction *failoverAction() const { return m_failover; }
    QList<QAction *> sandboxActions() const { return m_sandboxActions; }

Q_SIGNALS:
    void actionReported(const QString &text);

private:
    bool confirm(const QString &question);
    void failoverNow();
    void updateEnabled();

    TopologyView *m_topology = nullptr;
    EventTimeline *m_timeline = nullptr;
    QToolBar *m_toolbar = nullptr;
    QAction *m_failover = nullptr;
    QList<QAction *> m_sandboxActions;
    Deployment *m_deployment = nullptr;
    bool m_confirm = true;
    SandboxController *m_sandbox = nullptr;
};
