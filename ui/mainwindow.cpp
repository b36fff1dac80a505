#include "mainwindow.h"

#include "connectiondialog.h"
#include "keyactions.h"
#include "keybrowser.h"
#include "keydetails.h"
#include "keydisplay.h"
#include "monitorpanel.h"
#include "sandbox/sandboxcontroller.h"
#include "sentinel/sentinelwatcher.h"

#include <QApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>

// Outside any namespace, as Q_INIT_RESOURCE requires.
static void initResources()
{
    Q_INIT_RESOURCE(vigil);
}

namespace {
const QString fieldMasterName = QStringLiteral("Master name");
const QString fieldMaster = QStringLiteral("Master");
const QString fieldRole = QStringLiteral("ROLE check");
const QString fieldSentinel = QStringLiteral("Answered by");
const QString fieldSentinels = QStringLiteral("Sentinels known");
const QString fieldVersion = QStringLiteral("Redis version");
const QString fieldReplicas = QStringLiteral("Replicas connected");
const QString fieldKeys = QStringLiteral("Keys (DBSIZE)");
const QString fieldSandbox = QStringLiteral("Sandbox folder");

QString dot(const QString &color)
{
    return QStringLiteral("<span style=\"color:%1\">&#9679;</span> ").arg(color);
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_probeTimer(new QTimer(this))
{
    initResources();
    setWindowTitle(tr("Vigil"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/vigil.svg")));
    resize(1400, 860);

    auto *splitter = new QSplitter(this);
    m_browser = new KeyBrowser(splitter);
    splitter->addWidget(m_browser);

    auto *tabs = new QTabWidget(splitter);
    m_tabs = tabs;
    tabs->setObjectName(QStringLiteral("sideTabs"));
    m_monitor = new MonitorPanel(tabs);
    tabs->addTab(m_monitor, tr("Topology"));
    m_details = new KeyDetails(tabs);
    tabs->addTab(m_details, tr("Key"));
    m_browser->setActions(m_details->actions());
    connect(m_details->actions(), &KeyActions::keysRemoved, m_browser, &KeyBrowser::removeKeys);
    connect(m_details->actions(), &KeyActions::keyAdded, m_browser, &KeyBrowser::addKey);
    auto *side = new QWidget(tabs);
    auto *layout = new QVBoxLayout(side);
    m_headline = new QLabel(side);
    m_headline->setTextFormat(Qt::RichText);
    m_headline->setWordWrap(true);
    QFont headlineFont = m_headline->font();
    headlineFont.setPointSizeF(headlineFont.pointSizeF() * 1.25);
    headlineFont.setBold(true);
    m_headline->setFont(headlineFont);
    m_detail = new QLabel(side);
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_headline);
    layout->addWidget(m_detail);

    auto *box = new QGroupBox(tr("Deployment"), side);
    auto *form = new QFormLayout(box);
    for (const QString &name : {fieldMasterName, fieldMaster, fieldRole, fieldSentinel, fieldSentinels, fieldVersion,
                                fieldReplicas, fieldKeys, fieldSandbox}) {
        auto *value = new QLabel(QStringLiteral("–"), box);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        form->addRow(tr("%1:").arg(name), value);
        m_fields.insert(name, value);
    }
    layout->addWidget(box);
    layout->addStretch();
    tabs->addTab(side, tr("Deployment"));
    splitter->addWidget(tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);

    m_statusLabel = new QLabel(this);
    m_sentinelLabel = new QLabel(this);
    m_scanLabel = new QLabel(this);
    m_scanLabel->setObjectName(QStringLiteral("scanStatus"));
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_sentinelLabel);
    statusBar()->addPermanentWidget(m_scanLabel);
    connect(m_browser, &KeyBrowser::scanStatusChanged, m_scanLabel, &QLabel::setText);
    connect(m_browser, &KeyBrowser::sentinelStatusChanged, m_sentinelLabel, &QLabel::setText);
    connect(m_browser, &KeyBrowser::keySelected, this, &MainWindow::showSelectedKey);
    connect(m_browser, &KeyBrowser::connectRequested, this, &MainWindow::openConnectionDialog);
    connect(m_monitor, &MonitorPanel::actionReported, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    m_scanLabel->setText(m_browser->scanStatus());

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(tr("&Connect…"), QKeySequence::Open, this, &MainWindow::openConnectionDialog);
    QAction *quit = fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);
    m_sandboxMenu = menuBar()->addMenu(tr("&Sandbox"));
    m_sandboxMenu->menuAction()->setVisible(false);
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Vigil"), this, [this] {
        QMessageBox::about(
            this, tr("About Vigil"),
            tr("<b>Vigil %1</b><p>A desktop browser for Redis deployments managed by Redis Sentinel.</p>")
                .arg(QStringLiteral(VIGIL_VERSION)));
    });

    connect(m_probeTimer, &QTimer::timeout, this, &MainWindow::requestProbe);
    showMessage(tr("Not connected. Use File > Connect…, or start Vigil with --demo for a local sandbox."));
}

MainWindow::~MainWindow() = default;

void MainWindow::setTarget(const SentinelTarget &target, int probeIntervalMs)
{
    m_target = target;
    QStringList seeds;
    for (const HostPort &seed : target.seeds)
        seeds.append(seed.toString());
    setField(fieldMasterName, target.masterName);
    setField(fieldSentinels, seeds.join(QStringLiteral(", ")));
    m_headline->setText(dot(QStringLiteral("#b58900")) + tr("Resolving master '%1'…").arg(target.masterName));
    m_detail->setText(tr("Asking the sentinels %1").arg(seeds.join(QStringLiteral(", "))));

    m_browser->setTarget(target);
    m_monitor->setWatcher(m_browser->watcher(), target);
    m_details->setTarget(target);
    connect(m_browser->watcher(), &SentinelWatcher::masterSwitched, m_details,
            [this](const HostPort &, const HostPort &to) { m_details->setMaster(to); });
    connect(m_browser->watcher(), &SentinelWatcher::masterSwitched, this, &MainWindow::notifySwitch);
    m_probeThread.stop();
    m_probe = new MasterProbe(target);
    connect(m_probe, &MasterProbe::probed, this, &MainWindow::handleProbed);
    connect(m_probe, &MasterProbe::failed, this, &MainWindow::handleProbeFailed);
    m_probeThread.start(m_probe);
    m_probeInFlight = false;
    requestProbe();
    m_probeTimer->start(probeIntervalMs);
}

void MainWindow::openConnectionDialog()
{
    ConnectionDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_browser->setSeparator(dialog.profile().separator);
    setTarget(dialog.target());
}

void MainWindow::requestProbe()
{
    if (!m_probe || m_probeInFlight)
        return;
    m_probeInFlight = true;
    QMetaObject::invokeMethod(m_probe, &MasterProbe::probe, Qt::QueuedConnection);
}

void MainWindow::handleProbed(const MasterProbeResult &result)
{
    m_probeInFlight = false;
    const QString address = result.master.address.toString();
    m_headline->setText(dot(QStringLiteral("#2aa198")) + tr("Connected to master %1").arg(address));
    QString detail = tr("Sentinel %1 named %2 as master '%3'; ROLE on %2 says %4.")
                         .arg(result.master.sentinel.toString(), result.master.reported.toString(), m_target.masterName,
                              QString::fromUtf8(result.master.role));
    if (result.master.address != result.master.reported)
        detail += tr(" Reached through the address map at %1.").arg(address);
    m_detail->setText(detail);
    setField(fieldMaster, address);
    setField(fieldRole, tr("%1 (ok)").arg(QString::fromUtf8(result.master.role)));
    setField(fieldSentinel, result.master.sentinel.toString());
    QStringList sentinels;
    for (const HostPort &s : result.sentinels)
        sentinels.append(s.toString());
    setField(fieldSentinels, sentinels.join(QStringLiteral(", ")));
    setField(fieldVersion, QString::fromUtf8(result.redisVersion));
    setField(fieldReplicas,
             result.connectedReplicas < 0 ? QStringLiteral("–") : QString::number(result.connectedReplicas));
    setField(fieldKeys, result.keys < 0 ? QStringLiteral("–") : QLocale().toString(result.keys));
    m_statusLabel->setText(tr("master %1 (%2) · %3 sentinels known")
                               .arg(address, QString::fromUtf8(result.master.role))
                               .arg(result.sentinels.size()));
}

void MainWindow::handleProbeFailed(const VigilError &error)
{
    m_probeInFlight = false;
    m_headline->setText(dot(QStringLiteral("#dc322f")) + tr("Cannot reach master '%1'").arg(m_target.masterName));
    m_detail->setText(error.toString());
    setField(fieldRole, tr("failed (%1)").arg(VigilError::kindName(error.kind())));
    m_statusLabel->setText(error.toString());
}

void MainWindow::setSandbox(SandboxController *controller)
{
    m_sandbox = controller;
    connect(controller, &SandboxController::started, this, &MainWindow::handleSandboxStarted);
    connect(controller, &SandboxController::failed, this, [this](const VigilError &error) {
        showMessage(tr("The sandbox did not start: %1").arg(error.toString()), true);
    });
    connect(controller, &SandboxController::actionFinished, this, &MainWindow::handleSandboxAction);

    m_sandboxMenu->clear();
    m_sandboxMenu->addAction(tr("&Failover now"), controller, &SandboxController::failover);
    m_sandboxMenu->addAction(tr("&Kill master (kill -9)"), controller, &SandboxController::killMaster);
    m_sandboxMenu->addAction(tr("&Pause master 5 s (SIGSTOP)"), controller,
                             [controller] { controller->pauseMaster(5000); });
    m_sandboxMenu->addAction(tr("&Restart stopped nodes"), controller, &SandboxController::restartStoppedNodes);
    m_sandboxMenu->menuAction()->setVisible(true);
    m_monitor->setSandbox(controller);
    m_sandboxMenu->setEnabled(false);
    m_headline->setText(dot(QStringLiteral("#b58900")) + tr("Starting a local sandbox…"));
    m_detail->setText(tr("1 master, 2 replicas and 3 sentinels on free loopback ports, with sample data."));
}

void MainWindow::handleSandboxStarted(const SandboxInfo &info)
{
    m_sandboxMenu->setEnabled(true);
    SentinelTarget target;
    for (quint16 port : info.sentinelPorts)
        target.seeds.append({QStringLiteral("127.0.0.1"), port});
    target.masterName = info.masterName;
    setTarget(target);
    setField(fieldSandbox, info.dir);
}

void MainWindow::handleSandboxAction(const QString &what, const VigilError &error)
{
    m_statusLabel->setText(error.isError() ? error.toString() : what);
    requestProbe();
}

void MainWindow::showMessage(const QString &text, bool isError)
{
    m_headline->setText(dot(isError ? QStringLiteral("#dc322f") : QStringLiteral("#93a1a1")) + tr("Not connected"));
    m_detail->setText(text);
}

void MainWindow::setField(const QString &field, const QString &value)
{
    if (QLabel *label = m_fields.value(field))
        label->setText(value);
}

void MainWindow::notifySwitch(const HostPort &oldMaster, const HostPort &newMaster)
{
    if (m_probe) {
        QMetaObject::invokeMethod(m_probe, &MasterProbe::invalidate, Qt::QueuedConnection);
        requestProbe();
    }
    const QString text = tr("Master switched: %1 → %2 at %3")
                             .arg(oldMaster.toString(), newMaster.toString(),
                                  QTime::currentTime().toString(QStringLiteral("HH:mm:ss")));
    statusBar()->showMessage(text, 15000);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(windowIcon(), this);
            m_tray->show();
        }
        m_tray->showMessage(tr("Vigil: master '%1' switched").arg(m_target.masterName), text);
    }
}

void MainWindow::showSelectedKey(const QByteArray &key, bool isNamespace, qint64 keys)
{
    if (isNamespace) {
        m_details->showNamespace(key, keys);
    } else {
        if (m_browser->watcher())
            m_details->setMaster(m_browser->watcher()->currentMaster());
        m_details->showKey(key);
    }
    m_tabs->setCurrentWidget(m_details);
}

QString MainWindow::statusText() const
{
    return m_statusLabel->text();
}

QString MainWindow::headline() const
{
    return m_headline->text();
}

QString MainWindow::fieldText(const QString &field) const
{
    const QLabel *label = m_fields.value(field);
    return label ? label->text() : QString();
}
