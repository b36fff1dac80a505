#include "monitorpanel.h"

#include "confirm.h"
#include "deployment/deployment.h"
#include "eventtimeline.h"
#include "resp/redisconnection.h"
#include "sandbox/sandboxcontroller.h"
#include "sentinel/failovertracker.h"
#include "sentinel/sentinelwatcher.h"
#include "topologyview.h"

#include <QAction>
#include <QMessageBox>
#include <QSplitter>
#include <QToolBar>
#include <QVBoxLayout>

MonitorPanel::MonitorPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_toolbar = new QToolBar(this);
    m_failover = m_toolbar->addAction(tr("Failover now"), this, &MonitorPanel::failoverNow);
    m_failover->setObjectName(QStringLiteral("failoverNow"));
    m_failover->setToolTip(tr("SENTINEL FAILOVER: promote a replica, as if the master had failed"));
    layout->addWidget(m_toolbar);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_topology = new TopologyView(splitter);
    m_timeline = new EventTimeline(splitter);
    splitter->addWidget(m_topology);
    splitter->addWidget(m_timeline);
    // Half and half: at 1024×700 the diagram keeps every box and address, and the table six rows or more.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(0, false);
    splitter->setCollapsible(1, false);
    layout->addWidget(splitter, 1);
    updateEnabled();
}

MonitorPanel::~MonitorPanel() = default;

void MonitorPanel::setDeployment(Deployment *deployment)
{
    Q_ASSERT(!m_deployment); // one panel shows one deployment for its whole life
    m_deployment = deployment;
    SentinelWatcher *watcher = deployment->watcher();
    FailoverTracker *tracker = deployment->failovers();
    m_topology->setWatching(true);
    connect(watcher, &SentinelWatcher::snapshotUpdated, m_topology, &TopologyView::setSnapshot);
    connect(watcher, &SentinelWatcher::snapshotUpdated, this, &MonitorPanel::updateEnabled);
    connect(watcher, &SentinelWatcher::masterSwitched, m_topology, &TopologyView::noteMasterSwitched);
    connect(watcher, &SentinelWatcher::sentinelSubscribed, this,
            [this](const HostPort &sentinel) { m_topology->setSentinelReachable(sentinel, true); });
    connect(watcher, &SentinelWatcher::sentinelLost, this,
            [this](const HostPort &sentinel) { m_topology->setSentinelReachable(sentinel, false); });
    connect(watcher, &SentinelWatcher::eventReceived, m_timeline, &EventTimeline::addEvent);
    connect(tracker, &FailoverTracker::failoverStarted, m_timeline, &EventTimeline::setRecord);
    connect(tracker, &FailoverTracker::failoverUpdated, m_timeline, &EventTimeline::setRecord);
    connect(tracker, &FailoverTracker::failoverFinished, m_timeline, &EventTimeline::setRecord);
    // What happened before this panel existed (nothing, when it is made with its deployment).
    for (const FailoverRecord &record : tracker->records())
        m_timeline->setRecord(record);
    if (watcher->lastSnapshot().isValid())
        m_topology->setSnapshot(watcher->lastSnapshot());
    // Before the first snapshot: whom it waits for, or why none comes (a refused password, no sentinel answering).
    const auto waiting = [this] {
        QStringList seeds;
        for (const HostPort &seed : m_deployment->target().seeds)
            seeds.append(seed.toString());
        m_topology->setWaitingText(
            m_deployment->health() == Deployment::Health::Unreachable
                ? tr("No picture yet: %1. Vigil keeps trying.").arg(m_deployment->healthText())
                : tr("Waiting for the first answer from the sentinels (%1)…").arg(seeds.join(QStringLiteral(", "))));
    };
    connect(deployment, &Deployment::healthChanged, this, waiting);
    waiting();
    updateEnabled();
}

void MonitorPanel::setSandbox(SandboxController *controller)
{
    m_sandbox = controller;
    m_toolbar->addSeparator();
    m_sandboxActions = {
        m_toolbar->addAction(tr("Kill master"), this,
                             [this] {
                                 if (confirm(tr("Kill the master with SIGKILL?")))
                                     QMetaObject::invokeMethod(m_sandbox, &SandboxController::killMaster);
                             }),
        m_toolbar->addAction(tr("Pause master 5 s"), this,
                             [this] {
                                 if (confirm(tr("Stop the master with SIGSTOP for 5 seconds?")))
                                     QMetaObject::invokeMethod(m_sandbox, [c = m_sandbox] { c->pauseMaster(5000); });
                             }),
        m_toolbar->addAction(tr("Restart node"), this,
                             [this] {
                                 if (confirm(tr("Start the stopped nodes again?")))
                                     QMetaObject::invokeMethod(m_sandbox, &SandboxController::restartStoppedNodes);
                             }),
    };
    updateEnabled();
}

bool MonitorPanel::confirm(const QString &question)
{
    return !m_confirm || askPlainQuestion(this, question);
}

void MonitorPanel::updateEnabled()
{
    const bool readOnly = m_deployment && m_deployment->isReadOnly();
    const bool writable = m_deployment && !readOnly;
    const QString why = readOnly ? tr("Read-only connection: actions are disabled") : QString();
    // The drill needs SENTINEL FAILOVER, which the watcher asked about once (a harmless probe).
    const QString denied = m_deployment ? m_deployment->lastSnapshot().failoverDenied : QString();
    m_failover->setEnabled(writable && denied.isEmpty());
    m_failover->setStatusTip(denied.isEmpty() ? why : denied);
    m_failover->setToolTip(denied.isEmpty() ? tr("SENTINEL FAILOVER: promote a replica, as if the master had failed")
                                            : tr("Failover now is disabled: %1").arg(denied));
    for (QAction *a : std::as_const(m_sandboxActions))
        a->setEnabled(writable && m_sandbox);
}

void MonitorPanel::failoverNow()
{
    if (!m_deployment || m_deployment->isReadOnly())
        return;
    const SentinelTarget &target = m_deployment->target();
    if (!confirm(tr("Ask the sentinels to fail over master '%1' (%2) now?")
                     .arg(target.masterName, m_deployment->master().toString())))
        return;
    // Any sentinel will do; the first that answers gets the command.
    const QList<HostPort> sentinels = m_deployment->watcher()->subscribedSentinels();
    if (sentinels.isEmpty()) {
        Q_EMIT actionReported(tr("No sentinel is reachable: cannot fail over."));
        return;
    }
    auto *connection = m_deployment->connections()->make(target.sentinelOptions(sentinels.first()), this);
    connect(connection, &RedisConnection::failed, this, [this, connection](const VigilError &error) {
        Q_EMIT actionReported(error.toString());
        connection->deleteLater();
    });
    connect(connection, &RedisConnection::ready, this, [this, connection] {
        const QString masterName = m_deployment->masterName();
        const RespCommand command = {"SENTINEL", "FAILOVER", masterName.toUtf8()};
        connection->send(command, [this, connection, command, masterName](const RespResult &result) {
            if (result.ok())
                Q_EMIT actionReported(tr("Asked %1 to fail over '%2'").arg(connection->options().address(), masterName));
            else
                Q_EMIT actionReported(result.error.isError() ? result.error.toString()
                                                             : connection->errorFor(command, result.value).toString());
            connection->deleteLater();
        });
    });
    connection->open();
}
