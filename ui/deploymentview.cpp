#include "deploymentview.h"

#include "deployment/deployment.h"
#include "deploymentpanel.h"
#include "keyactions.h"
#include "keybrowser.h"
#include "keydetails.h"
#include "keytreemodel.h"
#include "monitorpanel.h"
#include "sentinel/masterlink.h"
#include "sentinel/sentinelwatcher.h"
#include "theme.h"

#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

DeploymentView::DeploymentView(const SentinelTarget &target, int pollIntervalMs, QWidget *parent)
    : QWidget(parent)
    , m_deployment(new Deployment(target, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    // Production: a bar that cannot be missed, in words as well as colour.
    m_productionBar = new QLabel(
        tr("PRODUCTION · master '%1': every change made here reaches live data").arg(target.masterName), this);
    m_productionBar->setObjectName(QStringLiteral("productionBar"));
    m_productionBar->setTextFormat(Qt::PlainText);
    m_productionBar->setAlignment(Qt::AlignCenter);
    m_productionBar->setContentsMargins(6, 3, 6, 3);
    // White on the bar's red is 6.5:1, in either theme.
    m_productionBar->setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; }")
                                       .arg(Theme::colour(Theme::Role::ProductionBar).name()));
    m_productionBar->setVisible(target.production);
    layout->addWidget(m_productionBar);
    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("browserSplitter"));
    splitter->setChildrenCollapsible(false);
    m_splitter = splitter;
    m_browser = new KeyBrowser(splitter);
    splitter->addWidget(m_browser);

    m_tabs = new QTabWidget(splitter);
    m_tabs->setObjectName(QStringLiteral("sideTabs"));
    m_monitor = new MonitorPanel(m_tabs);
    m_tabs->addTab(m_monitor, tr("Topology"));
    m_details = new KeyDetails(m_deployment, m_tabs);
    m_tabs->addTab(m_details, tr("Key"));
    m_panel = new DeploymentPanel(m_deployment, m_tabs);
    m_tabs->addTab(m_panel, tr("Deployment"));
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter);

    m_browser->setActions(m_details->actions());
    connect(m_details->actions(), &KeyActions::keysRemoved, m_browser, &KeyBrowser::removeKeys);
    connect(m_details, &KeyDetails::keyNotPermitted, m_browser->model(), &KeyTreeModel::markNotPermitted);
    connect(m_details, &KeyDetails::keyGone, m_browser->model(), &KeyTreeModel::markGone);
    connect(m_details->actions(), &KeyActions::keyAdded, m_browser, &KeyBrowser::addKey);
    connect(m_details->actions(), &KeyActions::keyRenamed, m_browser, &KeyBrowser::moveKeyType);
    connect(m_details->actions(), &KeyActions::keyTypeKnown, m_browser, &KeyBrowser::learnKeyType);
    connect(m_details, &KeyDetails::keyTypeRead, m_browser, &KeyBrowser::learnKeyType);
    connect(m_browser, &KeyBrowser::keySelected, this, &DeploymentView::showSelectedKey);
    connect(m_browser, &KeyBrowser::connectRequested, this, &DeploymentView::connectRequested);
    connect(m_browser, &KeyBrowser::scanStatusChanged, this, &DeploymentView::statusChanged);
    connect(m_browser, &KeyBrowser::sentinelStatusChanged, this, &DeploymentView::statusChanged);
    connect(m_panel, &DeploymentPanel::statusChanged, this, &DeploymentView::statusChanged);
    connect(m_monitor, &MonitorPanel::actionReported, this, &DeploymentView::actionReported);
    connect(m_deployment, &Deployment::healthChanged, this, &DeploymentView::titleChanged);
    connect(m_deployment->link(), &MasterLink::writeAccessChanged, this, &DeploymentView::titleChanged);
    connect(m_deployment->watcher(), &SentinelWatcher::masterSwitched, this,
            [this](const HostPort &from, const HostPort &to) {
                Q_EMIT masterSwitched(m_deployment->masterName(), from, to);
            });

    m_monitor->setDeployment(m_deployment);
    m_deployment->start(pollIntervalMs);
    m_browser->setDeployment(m_deployment);
}

DeploymentView::~DeploymentView()
{
    // The widgets first: they hold the deployment's link and watcher. Then the deployment closes its connections.
    delete m_splitter;
    delete m_deployment;
}

void DeploymentView::setSandbox(SandboxController *controller, const QString &folder)
{
    m_sandbox = controller;
    m_monitor->setSandbox(controller);
    m_panel->setSandboxFolder(folder);
    Q_EMIT titleChanged();
}

QString DeploymentView::tabTitle(bool withAddress) const
{
    QString title = withAddress ? m_deployment->title() : m_deployment->masterName();
    if (m_sandbox)
        title += tr(" (sandbox)");
    // --insecure is marked for as long as the tab is open, whatever its health.
    if (isInsecure())
        title += tr(" · TLS unverified");
    if (const QString access = accessMark(); !access.isEmpty())
        title += QStringLiteral(" · ") + access;
    if (isProduction())
        title = tr("PRODUCTION · %1").arg(title);
    switch (m_deployment->health()) {
    case Deployment::Health::MasterDown:
        return QStringLiteral("▼ ") + title;
    case Deployment::Health::FailingOver:
        return QStringLiteral("⟳ ") + title;
    case Deployment::Health::Unreachable:
        return QStringLiteral("✕ ") + title;
    case Deployment::Health::Connecting:
    case Deployment::Health::Healthy:
        break;
    }
    return title;
}

QString DeploymentView::tabToolTip() const
{
    QString tip = m_deployment->title() + QLatin1Char('\n') + m_deployment->healthText();
    if (m_deployment->database() != 0)
        tip += QLatin1Char('\n') + tr("database %1").arg(m_deployment->database());
    if (isProduction())
        tip += QLatin1Char('\n') + tr("marked as production");
    if (const QString access = accessMark(); !access.isEmpty())
        tip += QLatin1Char('\n') + access;
    if (isInsecure())
        tip += QLatin1Char('\n')
               + tr("TLS certificates are not verified (--insecure): anyone on the path can read and change what is "
                    "sent, passwords included");
    return tip;
}

QString DeploymentView::accessMark() const
{
    if (m_deployment->isReadOnly())
        return tr("read-only");
    if (m_deployment->link()->isWriteDenied())
        return tr("read-only (by ACL)");
    return {};
}

bool DeploymentView::isProduction() const
{
    return m_deployment->target().production;
}

bool DeploymentView::isInsecure() const
{
    const SentinelTarget &target = m_deployment->target();
    return (target.sentinelTls.enabled && target.sentinelTls.insecure)
           || (target.dataTls.enabled && target.dataTls.insecure);
}

QByteArray DeploymentView::splitterState() const
{
    return m_splitter->saveState();
}

void DeploymentView::restoreSplitterState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_splitter->restoreState(state);
}

QString DeploymentView::masterStatus() const
{
    return m_panel->statusText();
}

QString DeploymentView::sentinelStatus() const
{
    // Through a bastion, the status bar says so: everything this tab shows came through it.
    const SshOptions &ssh = m_deployment->target().ssh;
    const QString status = m_browser->sentinelStatus();
    if (!ssh.enabled())
        return status;
    return status.isEmpty() ? tr("via %1").arg(ssh.hop()) : tr("%1, via %2").arg(status, ssh.hop());
}

QString DeploymentView::scanStatus() const
{
    return m_browser->scanStatus();
}

void DeploymentView::showSelectedKey(const QByteArray &key, bool isNamespace, qint64 keys)
{
    if (isNamespace)
        m_details->showNamespace(key, keys);
    else
        m_details->showKey(key);
    m_tabs->setCurrentWidget(m_details);
}
