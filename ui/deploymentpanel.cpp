#include "deploymentpanel.h"

#include "deployment/deployment.h"
#include "sentinel/masterlink.h"
#include "sentinel/sentinelwatcher.h"
#include "theme.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHostAddress>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
const QString fieldMasterName = QStringLiteral("Master name");
const QString fieldMaster = QStringLiteral("Master");
const QString fieldRole = QStringLiteral("ROLE check");
const QString fieldSentinel = QStringLiteral("Answered by");
const QString fieldConfirmed = QStringLiteral("Master confirmed");
const QString fieldSentinels = QStringLiteral("Sentinels known");
const QString fieldVersion = QStringLiteral("Redis version");
const QString fieldReplicas = QStringLiteral("Replicas connected");
const QString fieldKeys = QStringLiteral("Keys (DBSIZE)");
const QString fieldDatabase = QStringLiteral("Database");
const QString fieldAccess = QStringLiteral("Access");
const QString fieldSandbox = QStringLiteral("Sandbox folder");
const QString fieldSentinelTls = QStringLiteral("TLS to sentinels");
const QString fieldDataTls = QStringLiteral("TLS to data nodes");
const QString fieldRoute = QStringLiteral("Connected");

QString joined(const QList<HostPort> &addresses)
{
    QStringList texts;
    for (const HostPort &address : addresses)
        texts.append(address.toString());
    return texts.join(QStringLiteral(", "));
}

bool isLoopback(const HostPort &address)
{
    const QHostAddress ip(address.host);
    return address.host == QLatin1String("localhost") || (!ip.isNull() && ip.isLoopback());
}

// What the settings promise, then what the watcher's own session to such a node shows.
QString tlsState(const TlsOptions &tls, const QString &session)
{
    if (!tls.enabled)
        return DeploymentPanel::tr("off: passwords and values cross the network in clear");
    QString text;
    if (tls.insecure)
        text = DeploymentPanel::tr("on, NOT VERIFIED (--insecure): anyone on the path can read and change it");
    else if (!tls.pinnedSha256.isEmpty())
        text = DeploymentPanel::tr("on, pinned to certificate SHA-256 %1").arg(QString::fromLatin1(tls.pinnedSha256));
    else if (!tls.caFile.isEmpty())
        text = DeploymentPanel::tr("on, verified against %1").arg(tls.caFile);
    else if (!tls.caDir.isEmpty())
        text = DeploymentPanel::tr("on, verified against the CAs in %1").arg(tls.caDir);
    else
        text = DeploymentPanel::tr("on, verified against the system's CAs");
    if (!tls.verifyName.isEmpty())
        text += DeploymentPanel::tr(", as %1").arg(tls.verifyName);
    if (!tls.certFile.isEmpty())
        text += DeploymentPanel::tr(", with client certificate %1").arg(tls.certFile);
    // The session, then its certificate on a line of its own: the column is narrow.
    return text + QStringLiteral("\n")
           + (session.isEmpty() ? DeploymentPanel::tr("not connected yet")
                                : QString(session).replace(QStringLiteral("; "), QStringLiteral("\n")));
}
} // namespace

DeploymentPanel::DeploymentPanel(Deployment *deployment, QWidget *parent)
    : QWidget(parent)
    , m_deployment(deployment)
{
    auto *layout = new QVBoxLayout(this);
    m_headline = new QLabel(this);
    connect(Theme::instance(), &Theme::paletteChanged, this, &DeploymentPanel::showHeadline);
    m_headline->setObjectName(QStringLiteral("deploymentHeadline"));
    m_headline->setTextFormat(Qt::RichText);
    m_headline->setWordWrap(true);
    QFont headlineFont = m_headline->font();
    headlineFont.setPointSizeF(headlineFont.pointSizeF() * 1.25);
    headlineFont.setBold(true);
    m_headline->setFont(headlineFont);
    m_detail = new QLabel(this);
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_headline);
    layout->addWidget(m_detail);
    m_cleartext = new QLabel(this);
    m_cleartext->setObjectName(QStringLiteral("cleartextWarning"));
    m_cleartext->setTextFormat(Qt::PlainText);
    m_cleartext->setWordWrap(true);
    Theme::setTextColour(m_cleartext, Theme::Role::Warning, QStringLiteral("font-weight: bold;"));
    m_cleartext->hide();
    layout->addWidget(m_cleartext);
    m_trust = new QPushButton(this);
    m_trust->setObjectName(QStringLiteral("trustMaster"));
    m_trust->hide();
    layout->addWidget(m_trust, 0, Qt::AlignLeft);
    connect(m_trust, &QPushButton::clicked, this, [this] { m_deployment->trustMaster(m_deployment->link()->master()); });

    auto *box = new QGroupBox(tr("Deployment"), this);
    auto *form = new QFormLayout(box);
    for (const QString &name : {fieldMasterName, fieldMaster, fieldRole, fieldSentinel, fieldConfirmed, fieldSentinels,
                                fieldVersion, fieldReplicas, fieldKeys, fieldDatabase, fieldAccess, fieldRoute,
                                fieldSentinelTls, fieldDataTls, fieldSandbox}) {
        auto *value = new QLabel(QStringLiteral("–"), box);
        value->setTextFormat(Qt::PlainText);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        form->addRow(tr("%1:").arg(name), value);
        m_fields.insert(name, value);
    }
    layout->addWidget(box);
    layout->addStretch();

    const SentinelTarget &target = deployment->target();
    setField(fieldMasterName, target.masterName);
    setField(fieldSentinels, joined(target.seeds));
    setField(fieldDatabase, QString::number(target.db));
    // Through a bastion every connection is a channel of one SSH session; the address is the bastion as given.
    setField(fieldRoute, target.ssh.enabled() ? tr("via %1 (SSH)").arg(target.ssh.hop()) : tr("directly"));
    form->setRowVisible(m_fields.value(fieldSandbox), false);

    SentinelWatcher *watcher = deployment->watcher();
    connect(deployment->link(), &MasterLink::writeAccessChanged, this, &DeploymentPanel::update);
    connect(deployment->link(), &MasterLink::confirmationChanged, this, &DeploymentPanel::update);
    connect(watcher, &SentinelWatcher::snapshotUpdated, this, &DeploymentPanel::update);
    connect(watcher, &SentinelWatcher::masterChanged, this, &DeploymentPanel::update);
    connect(deployment, &Deployment::healthChanged, this, &DeploymentPanel::update);
    update();
}

DeploymentPanel::~DeploymentPanel() = default;

void DeploymentPanel::setSandboxFolder(const QString &folder)
{
    QLabel *label = m_fields.value(fieldSandbox);
    label->setText(folder);
    if (auto *form = qobject_cast<QFormLayout *>(label->parentWidget()->layout()))
        form->setRowVisible(label, !folder.isEmpty());
}

void DeploymentPanel::update()
{
    const TopologySnapshot &snapshot = m_deployment->lastSnapshot();
    const QString name = m_deployment->masterName();
    SentinelWatcher *watcher = m_deployment->watcher();
    setField(fieldSentinels,
             joined(watcher->knownSentinels().isEmpty() ? m_deployment->target().seeds : watcher->knownSentinels()));
    setField(fieldSentinelTls, tlsState(m_deployment->target().sentinelTls, snapshot.polledSentinelTls));
    setField(fieldDataTls, tlsState(m_deployment->target().dataTls, snapshot.master.tls));
    const QString cleartext = cleartextWarning();
    m_cleartext->setText(cleartext);
    m_cleartext->setVisible(!cleartext.isEmpty());
    if (!cleartext.isEmpty() && !m_cleartextSaid) {
        m_cleartextSaid = true;
        Q_EMIT cleartextPasswordSeen(cleartext);
    }
    const MasterLink *link = m_deployment->link();
    setField(fieldAccess, m_deployment->isReadOnly() ? tr("read-only: Vigil sends no command that writes")
                          : link->isWriteDenied()    ? tr("read-only (by ACL): %1").arg(link->writeDeniedReason())
                                                     : tr("read and write (every change asks first)"));
    if (!snapshot.isValid()) {
        if (m_deployment->health() == Deployment::Health::Unreachable) {
            setHeadline(Theme::Role::Fault, tr("Cannot reach master '%1'").arg(name), m_deployment->healthText());
            setField(fieldRole, tr("not checked: the sentinels did not name a master"));
            // The reason is on this tab and in the scan's banner: the status bar only says where things stand.
            m_status = tr("master '%1': not connected").arg(name);
        } else {
            setHeadline(Theme::Role::Warning, tr("Resolving master '%1'…").arg(name),
                        tr("Asking the sentinels %1").arg(joined(m_deployment->target().seeds)));
            m_status = tr("resolving master '%1'").arg(name);
        }
        Q_EMIT statusChanged(m_status);
        return;
    }

    const QString address = snapshot.master.address.toString();
    const QString role = QString::fromUtf8(snapshot.master.role);
    setField(fieldMaster, address);
    setField(fieldSentinel, snapshot.polledSentinel.toString());
    // INFO refused is said once per field, in words, and never asked again on this connection (the watcher).
    const QString infoDenied = tr("not permitted: this user may not run INFO");
    setField(fieldVersion, snapshot.master.infoDenied               ? infoDenied
                           : snapshot.master.redisVersion.isEmpty() ? QStringLiteral("–")
                                                                    : QString::fromUtf8(snapshot.master.redisVersion));
    setField(fieldReplicas, snapshot.master.infoDenied ? infoDenied
                            : snapshot.master.connectedReplicas < 0
                                ? QStringLiteral("–")
                                : QString::number(snapshot.master.connectedReplicas));
    setField(fieldKeys, snapshot.master.keys < 0 ? QStringLiteral("–") : QLocale().toString(snapshot.master.keys));

    const QString unverified = ResolvedMaster::roleNotVerifiedText();
    if (role == QLatin1String("master")) {
        setField(fieldRole, snapshot.master.roleVerified ? tr("master (ok)") : tr("master (%1)").arg(unverified));
        QString detail = snapshot.master.roleVerified
                             ? tr("Sentinel %1 named %2 as master '%3'; ROLE on %2 says master.")
                                   .arg(snapshot.polledSentinel.toString(), address, name)
                             : tr("Sentinel %1 named %2 as master '%3'; %4, so Vigil has only the sentinels' word.")
                                   .arg(snapshot.polledSentinel.toString(), address, name, unverified);
        if (m_deployment->health() == Deployment::Health::MasterDown
            || m_deployment->health() == Deployment::Health::FailingOver)
            detail += QLatin1Char(' ') + tr("Sentinel reports: %1.").arg(m_deployment->healthText());
        setHeadline(Theme::Role::Ok, tr("Connected to master %1").arg(address), detail);
    } else if (!role.isEmpty()) {
        setField(fieldRole, tr("%1 (the sentinels' master is not a master: failover in progress?)").arg(role));
        setHeadline(
            Theme::Role::Warning, tr("Master '%1' is changing").arg(name),
            tr("Sentinel %1 names %2, which says it is a %3.").arg(snapshot.polledSentinel.toString(), address, role));
    } else {
        setField(fieldRole, snapshot.master.error.isEmpty() ? tr("waiting for the master's answer")
                                                            : tr("failed: %1").arg(snapshot.master.error));
        if (snapshot.master.error.isEmpty())
            setHeadline(
                Theme::Role::Warning, tr("Connecting to master %1…").arg(address),
                tr("Sentinel %1 named %2 as master '%3'.").arg(snapshot.polledSentinel.toString(), address, name));
        else
            setHeadline(Theme::Role::Fault, tr("Cannot reach master '%1'").arg(name), snapshot.master.error);
    }
    m_status = tr("master %1 (%2) · %3 sentinels known")
                   .arg(address, !role.isEmpty()                   ? role
                                 : snapshot.master.error.isEmpty() ? tr("connecting…")
                                                                   : tr("not connected"))
                   .arg(watcher->knownSentinels().size());
    if (!snapshot.master.roleVerified)
        m_status += QStringLiteral(" · ") + unverified;
    if (m_deployment->isReadOnly())
        m_status += QStringLiteral(" · ") + tr("read-only");
    else if (link->isWriteDenied())
        m_status += QStringLiteral(" · ") + tr("read-only (by ACL)");

    // No single sentinel is trusted: say how many named this master, and stop when they disagree.
    const QString confirmation = snapshot.confirmationText();
    const bool disagree
        = snapshot.watchedMaster.isValid() && !snapshot.masterConfirmed && snapshot.sentinelsAnswering() > 0;
    const QString watched = snapshot.watchedMaster.toString();
    setField(fieldConfirmed,
             link->isTrusted() ? tr("trusted by you for this session; %1").arg(confirmation) : confirmation);
    if (disagree && !link->isTrusted()) {
        setHeadline(Theme::Role::Fault, tr("The sentinels disagree about master '%1'").arg(name),
                    tr("%1. Vigil sends %2 neither the data password nor a write until a majority of the sentinels "
                       "name it; a sentinel that names another master may be misconfigured, or an impostor.")
                        .arg(confirmation, watched));
        m_status = tr("the sentinels disagree about master '%1': writes wait").arg(name);
        if (role.isEmpty())
            setField(fieldRole, tr("not asked: nothing goes to %1 until the sentinels agree").arg(watched));
    } else if (snapshot.masterConfirmed && snapshot.sentinelsAnswering() == 1 && watcher->knownSentinels().size() > 1) {
        m_status += QStringLiteral(" · ") + tr("master confirmed by one sentinel only");
    }
    m_trust->setText(tr("Trust %1 as the master for this session").arg(watched));
    m_trust->setVisible(disagree && !link->isTrusted());
    Q_EMIT statusChanged(m_status);
}

void DeploymentPanel::setHeadline(Theme::Role role, const QString &text, const QString &detail)
{
    m_headlineRole = role;
    m_headlineText = text;
    m_detail->setText(detail);
    showHeadline();
}

// The dot's colour is the palette's light or dark value of the state's: drawn again when the palette changes.
void DeploymentPanel::showHeadline()
{
    if (m_headlineText.isEmpty())
        return;
    m_headline->setText(
        QStringLiteral("<span style=\"color:%1\">&#9679;</span> ").arg(Theme::colour(m_headlineRole).name())
        + m_headlineText.toHtmlEscaped());
}

void DeploymentPanel::setField(const QString &field, const QString &value)
{
    if (QLabel *label = m_fields.value(field))
        label->setText(value);
}

QString DeploymentPanel::cleartextWarning() const
{
    const SentinelTarget &target = m_deployment->target();
    // Through a bastion the SSH session protects the way to it, not the way from it to the nodes.
    const QString via = target.ssh.enabled() ? tr(" via the bastion %1").arg(target.ssh.hop()) : QString();
    QStringList where;
    if (!target.sentinelPassword.isEmpty() && !target.sentinelTls.enabled) {
        for (const HostPort &seed : target.seeds) {
            if (!isLoopback(seed)) {
                where.append(tr("the sentinel password goes to %1%2").arg(seed.toString(), via));
                break;
            }
        }
    }
    const HostPort master = m_deployment->lastSnapshot().master.address;
    if (!target.dataPassword.isEmpty() && !target.dataTls.enabled && master.isValid() && !isLoopback(master))
        where.append(tr("the data password goes to %1%2").arg(master.toString(), via));
    if (where.isEmpty())
        return {};
    return tr("⚠ Passwords in clear text: %1 without TLS, readable by anyone on the network path%2. Turn TLS on if "
              "the servers offer it.")
        .arg(where.join(tr(", and ")), target.ssh.enabled() ? tr(" beyond the bastion") : QString());
}

QString DeploymentPanel::headline() const
{
    return m_headline->text();
}

QString DeploymentPanel::detail() const
{
    return m_detail->text();
}

QString DeploymentPanel::fieldText(const QString &field) const
{
    const QLabel *label = m_fields.value(field);
    return label ? label->text() : QString();
}
