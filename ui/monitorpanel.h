#pragma once

#include "sentinel/masterresolver.h"

#include <QPointer>
#include <QWidget>

class EventTimeline;
class FailoverTracker;
class QAction;
class QToolBar;
class SandboxController;
class SentinelWatcher;
class TopologyView;

// Failover monitoring: the topology diagram, the actions (SENTINEL FAILOVER; in demo mode also kill, pause and restart
// nodes), and the event timeline with its failover records. It listens to the key browser's SentinelWatcher, so the
// tree's restart notice and the diagram tell the same story.
class MonitorPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitorPanel)

public:
    explicit MonitorPanel(QWidget *parent = nullptr);
    ~MonitorPanel() override;

    void setWatcher(SentinelWatcher *watcher, const SentinelTarget &target);
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
    QPointer<SentinelWatcher> m_watcher;
    FailoverTracker *m_tracker = nullptr;
    SentinelTarget m_target;
    bool m_hasTarget = false;
    bool m_confirm = true;
    SandboxController *m_sandbox = nullptr;
};
