#include "monitorpanel.h"

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
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);
    updateEnabled();
}

MonitorPanel::~MonitorPanel() = default;

void MonitorPanel::setWatcher(SentinelWatcher *watcher, const SentinelTarget &target)
{
    if (m_watcher)
        m_watcher->disconnect(this);
    m_watcher = watcher;
    m_target = target;
    m_hasTarget = true;
    m_topology->setWatching(true);
    delete m_tracker;
    m_tracker = new FailoverTracker(target.masterName.toUtf8(), this);
    connect(watcher, &SentinelWatcher::snapshotUpdated, m_topology, &TopologyView::setSnapshot);
    connect(watcher, &SentinelWatcher::masterSwitched, m_topology, &TopologyView::noteMasterSwitched);
    // A switch asks for a fresh snapshot at once: the old master shows as a replica as soon as the sentinels say so.
    connect(watcher, &SentinelWatcher::masterSwitched, watcher, &SentinelWatcher::pollNow);
    connect(watcher, &SentinelWatcher::sentinelSubscribed, this,
            [this](const HostPort &sentinel) { m_topology->setSentinelReachable(sentinel, true); });
    connect(watcher, &SentinelWatcher::sentinelLost, this,
            [this](const HostPort &sentinel) { m_topology->setSentinelReachable(sentinel, false); });
    connect(watcher, &SentinelWatcher::eventReceived, m_timeline, &EventTimeline::addEvent);
    connect(watcher, &SentinelWatcher::eventReceived, m_tracker, &FailoverTracker::handleEvent);
    connect(m_tracker, &FailoverTracker::failoverStarted, m_timeline, &EventTimeline::setRecord);
    connect(m_tracker, &FailoverTracker::failoverUpdated, m_timeline, &EventTimeline::setRecord);
    connect(m_tracker, &FailoverTracker::failoverFinished, m_timeline, &EventTimeline::setRecord);
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
    return !m_confirm || QMessageBox::question(this, tr("Vigil"), question) == QMessageBox::Yes;
}

void MonitorPanel::updateEnabled()
{
    const bool writable = m_hasTarget && !m_target.readOnly;
    const QString why = m_target.readOnly ? tr("Read-only connection: actions are disabled") : QString();
    m_failover->setEnabled(writable);
    m_failover->setStatusTip(why);
    for (QAction *a : std::as_const(m_sandboxActions))
        a->setEnabled(writable && m_sandbox);
}

void MonitorPanel::failoverNow()
{
    if (!m_hasTarget || m_target.readOnly)
        return;
    if (!confirm(tr("Ask the sentinels to fail over master '%1' now?").arg(m_target.masterName)))
        return;
    // Any sentinel will do; the first that answers gets the command.
    const QList<HostPort> sentinels = m_watcher ? m_watcher->subscribedSentinels() : m_target.seeds;
    if (sentinels.isEmpty()) {
        Q_EMIT actionReported(tr("No sentinel is reachable: cannot fail over."));
        return;
    }
    auto *connection = new RedisConnection(m_target.sentinelOptions(sentinels.first()), this);
    connect(connection, &RedisConnection::failed, this, [this, connection](const VigilError &error) {
        Q_EMIT actionReported(error.toString());
        connection->deleteLater();
    });
    connect(connection, &RedisConnection::ready, this, [this, connection] {
        const RespCommand command = {"SENTINEL", "FAILOVER", m_target.masterName.toUtf8()};
        connection->send(command, [this, connection, command](const RespResult &result) {
            if (result.ok())
                Q_EMIT actionReported(
                    tr("Asked %1 to fail over '%2'").arg(connection->options().address(), m_target.masterName));
            else
                Q_EMIT actionReported(result.error.isError() ? result.error.toString()
                                                             : connection->errorFor(command, result.value).toString());
            connection->deleteLater();
        });
    });
    connection->open();
}
