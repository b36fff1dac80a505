#include "mainwindow.h"

#include "confirm.h"
#include "connectiondialog.h"
#include "deployment/deployment.h"
#include "deploymentpanel.h"
#include "deploymentview.h"
#include "keyactions.h"
#include "keybrowser.h"
#include "keydetails.h"
#include "sandbox/sandboxcontroller.h"
#include "secrets/secretstore.h"
#include "sentinel/connectionprofile.h"
#include "theme.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTabBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTime>
#include <QTreeView>
#include <QVBoxLayout>

#include <memory>

// Outside any namespace, as Q_INIT_RESOURCE requires.
static void initResources()
{
    Q_INIT_RESOURCE(vigil);
}

namespace {
const QString sessionKey = QStringLiteral("session/deployments");
const QString reopenKey = QStringLiteral("session/reopen");
const QString geometryKey = QStringLiteral("window/geometry");
const QString stateKey = QStringLiteral("window/state");
const QString splitterKey = QStringLiteral("window/splitter");

// The platform's keys for a standard action, plus the one every desktop's users know for it, where the platform has
// another or none (Windows-style themes close with Ctrl+F4 and quit with no key at all).
QList<QKeySequence> withFallback(QKeySequence::StandardKey key, const QKeySequence &common)
{
    QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    if (!keys.contains(common))
        keys.append(common);
    return keys;
}

QString withoutMnemonic(QString text)
{
    // "&Quit" → "Quit", "Save && quit" → "Save & quit"; a trailing "…" stays, as in the menu.
    text.replace(QStringLiteral("&&"), QChar(0x1));
    text.remove(QLatin1Char('&'));
    text.replace(QChar(0x1), QLatin1Char('&'));
    return text;
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    initResources();
    setWindowTitle(tr("Vigil"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/vigil.svg")));
    // Roomy where the screen allows, never larger than 85% of it (a 1280×800 laptop gets 1088×680); a size the
    // user chose comes back from the settings (restoreLayout).
    const QSize avail = screen()->availableGeometry().size();
    resize(QSize(1400, 860).boundedTo(QSize(avail.width() * 85 / 100, avail.height() * 85 / 100)));

    m_stack = new QStackedWidget(this);
    m_welcome = new QWidget(m_stack);
    auto *welcomeLayout = new QVBoxLayout(m_welcome);
    welcomeLayout->addStretch();
    m_welcomeText = new QLabel(m_welcome);
    m_welcomeText->setObjectName(QStringLiteral("welcomeText"));
    m_welcomeText->setAlignment(Qt::AlignCenter);
    m_welcomeText->setWordWrap(true);
    m_welcomeText->setTextFormat(Qt::PlainText);
    // So a command it gives can be copied.
    m_welcomeText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    welcomeLayout->addWidget(m_welcomeText);
    auto *connectButton = new QPushButton(tr("New connection…"), m_welcome);
    connectButton->setObjectName(QStringLiteral("welcomeConnect"));
    welcomeLayout->addWidget(connectButton, 0, Qt::AlignHCenter);
    welcomeLayout->addStretch();
    connect(connectButton, &QPushButton::clicked, this, &MainWindow::openNewConnectionDialog);
    m_stack->addWidget(m_welcome);

    m_tabs = new QTabWidget(m_stack);
    m_tabs->setObjectName(QStringLiteral("deployments"));
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    m_stack->addWidget(m_tabs);
    setCentralWidget(m_stack);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &MainWindow::closeDeployment);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        updateStatus();
        updateSandboxMenu();
    });
    connect(m_tabs->tabBar(), &QTabBar::tabMoved, this, &MainWindow::saveSession);

    m_statusLabel = new QLabel(this);
    m_sentinelLabel = new QLabel(this);
    m_scanLabel = new QLabel(this);
    m_scanLabel->setObjectName(QStringLiteral("scanStatus"));
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_sentinelLabel);
    statusBar()->addPermanentWidget(m_scanLabel);

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(tr("&New connection…"), QKeySequence::AddTab, this, &MainWindow::openNewConnectionDialog);
    m_connectTabAction
        = fileMenu->addAction(tr("&Connect this tab to…"), QKeySequence::Open, this, &MainWindow::openConnectionDialog);
    m_closeTabAction = fileMenu->addAction(tr("C&lose tab"), this, [this] {
        if (m_tabs->count() > 0)
            closeDeployment(m_tabs->currentIndex());
    });
    m_closeTabAction->setShortcuts(withFallback(QKeySequence::Close, QKeySequence(Qt::CTRL | Qt::Key_W)));
    fileMenu->addSeparator();
    m_reopenAction = fileMenu->addAction(tr("&Reopen connections at start"));
    m_reopenAction->setCheckable(true);
    m_reopenAction->setChecked(QSettings().value(reopenKey, true).toBool());
    connect(m_reopenAction, &QAction::toggled, this, [](bool on) { QSettings().setValue(reopenKey, on); });
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcuts(withFallback(QKeySequence::Quit, QKeySequence(Qt::CTRL | Qt::Key_Q)));
    quit->setMenuRole(QAction::QuitRole);

    // The keys of the tab that is shown. Escape stops a scan only while one runs, so it reaches widgets otherwise.
    m_keysMenu = menuBar()->addMenu(tr("&Keys"));
    m_keysMenu->setToolTipsVisible(true);
    QAction *newKey = m_keysMenu->addAction(tr("&New key…"), this, [this] {
        if (KeyDetails *d = details())
            d->actions()->createKey();
    });
    newKey->setObjectName(QStringLiteral("newKeyAction"));
    newKey->setShortcuts(QKeySequence::New);
    // Read-only (by choice or ACL) disables it, and says why.
    connect(m_keysMenu, &QMenu::aboutToShow, this, [this, newKey] {
        const KeyDetails *d = details();
        newKey->setEnabled(d && !d->actions()->isReadOnly());
        newKey->setToolTip(d ? d->actions()->readOnlyReason() : QString());
    });
    m_keysMenu->addSeparator();
    m_findAction = m_keysMenu->addAction(tr("&Find keys (pattern)"), this, [this] {
        if (KeyBrowser *b = browser())
            b->focusPattern();
    });
    m_findAction->setShortcuts(QKeySequence::Find);
    m_rescanAction = m_keysMenu->addAction(tr("&Rescan"), this, [this] {
        if (KeyBrowser *b = browser())
            b->startScan();
    });
    m_rescanAction->setShortcuts(QKeySequence::Refresh);
    m_stopAction = m_keysMenu->addAction(tr("&Stop scan"), this, [this] {
        if (KeyBrowser *b = browser())
            b->stopScan();
    });
    m_stopAction->setShortcuts(QKeySequence::Cancel);

    // View > Theme: the platform's palette, or Fusion forced light or dark; applied at once and remembered.
    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu *themeMenu = viewMenu->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(this);
    themes->setExclusive(true);
    for (const auto &[mode, text] :
         {std::pair{Theme::Mode::System, tr("&System")}, std::pair{Theme::Mode::Light, tr("&Light")},
          std::pair{Theme::Mode::Dark, tr("&Dark")}}) {
        QAction *action = themeMenu->addAction(text);
        action->setObjectName(QStringLiteral("theme-") + Theme::name(mode));
        action->setCheckable(true);
        action->setActionGroup(themes);
        connect(action, &QAction::triggered, this, [this, mode = mode] { setTheme(mode); });
        m_themeActions.at(static_cast<std::size_t>(mode)) = action;
    }
    // Colours set on the tabs' titles follow the palette.
    connect(Theme::instance(), &Theme::paletteChanged, this, &MainWindow::updateTabs);

    m_sandboxMenu = menuBar()->addMenu(tr("&Sandbox"));
    m_sandboxMenu->setObjectName(QStringLiteral("sandboxMenu"));
    m_sandboxMenu->menuAction()->setVisible(false);
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&Keyboard shortcuts"), QKeySequence::HelpContents, this, &MainWindow::showShortcuts);
    helpMenu->addAction(tr("&About Vigil"), this, [this] {
        QMessageBox::about(
            this, tr("About Vigil"),
            tr("<b>Vigil %1</b><p>A desktop browser for Redis deployments managed by Redis Sentinel.</p>")
                .arg(QStringLiteral(VIGIL_VERSION)));
    });

    showMessage(tr("Not connected. Use File > New connection…, or start Vigil with --demo for a local sandbox."));
    updateStatus();
    restoreLayout();
    setTheme(Theme::saved(), false);
}

void MainWindow::setTheme(Theme::Mode mode, bool remember)
{
    m_themeActions.at(static_cast<std::size_t>(mode))->setChecked(true);
    if (remember)
        Theme::save(mode);
    Theme::apply(mode);
}

MainWindow::~MainWindow()
{
    // Each view stops its own threads, with a bound; none of them waits on another.
    while (m_tabs->count() > 0) {
        QWidget *view = m_tabs->widget(0);
        m_tabs->removeTab(0);
        delete view;
    }
}

DeploymentView *MainWindow::createView(const SentinelTarget &target, int pollIntervalMs)
{
    auto *view = new DeploymentView(target, pollIntervalMs);
    // The split the user left the last tab with.
    if (DeploymentView *shown = currentView())
        m_splitterState = shown->splitterState();
    view->restoreSplitterState(m_splitterState);
    view->browser()->setPace(m_pace);
    view->browser()->setRecoveryTimeout(m_recoveryTimeoutMs);
    connect(view, &DeploymentView::titleChanged, this, [this, view] { updateTab(view); });
    connect(view, &DeploymentView::statusChanged, this, [this, view] {
        if (view == currentView())
            updateStatus();
    });
    connect(view, &DeploymentView::masterSwitched, this, &MainWindow::notifySwitch);
    connect(view, &DeploymentView::actionReported, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(view, &DeploymentView::connectRequested, this, &MainWindow::openConnectionDialog);
    // A password in clear text to another machine is said once, here, and stays on the Deployment tab.
    const auto sayCleartext = [this](const QString &warning) { statusBar()->showMessage(warning, 30000); };
    connect(view->panel(), &DeploymentPanel::cleartextPasswordSeen, this, sayCleartext);
    if (const QString warning = view->panel()->cleartextWarning(); !warning.isEmpty())
        sayCleartext(warning);
    return view;
}

DeploymentView *MainWindow::openDeployment(const SentinelTarget &target, int pollIntervalMs)
{
    DeploymentView *view = createView(target, pollIntervalMs);
    const int index = m_tabs->addTab(view, QString());
    updateTabs();
    m_tabs->setCurrentIndex(index);
    m_stack->setCurrentWidget(m_tabs);
    saveSession();
    updateStatus();
    return view;
}

DeploymentView *MainWindow::setTarget(const SentinelTarget &target, int pollIntervalMs)
{
    const int index = m_tabs->currentIndex();
    if (index < 0)
        return openDeployment(target, pollIntervalMs);
    // The old view goes whole: its tree, events, failover records, sandbox and master link belong to the old
    // deployment, and none of it may act on, or be shown for, the new one.
    DeploymentView *old = view(index);
    DeploymentView *view = createView(target, pollIntervalMs);
    m_tabs->insertTab(index, view, QString());
    m_tabs->removeTab(index + 1);
    delete old;
    updateTabs();
    m_tabs->setCurrentIndex(index);
    saveSession();
    updateStatus();
    updateSandboxMenu();
    return view;
}

void MainWindow::closeDeployment(int index)
{
    DeploymentView *closing = view(index);
    if (!closing)
        return;
    m_tabs->removeTab(index);
    delete closing; // the scan thread gets about a second; a stuck one is cancelled and finishes on its own
    updateTabs();
    if (m_tabs->count() == 0) {
        m_stack->setCurrentWidget(m_welcome);
        showMessage(tr("No deployment is open. Use File > New connection…"));
    }
    saveSession();
    updateStatus();
    updateSandboxMenu();
}

int MainWindow::deploymentCount() const
{
    return m_tabs->count();
}

DeploymentView *MainWindow::view(int index) const
{
    return qobject_cast<DeploymentView *>(m_tabs->widget(index));
}

DeploymentView *MainWindow::currentView() const
{
    return qobject_cast<DeploymentView *>(m_tabs->currentWidget());
}

KeyBrowser *MainWindow::browser() const
{
    return currentView() ? currentView()->browser() : nullptr;
}

KeyDetails *MainWindow::details() const
{
    return currentView() ? currentView()->details() : nullptr;
}

MonitorPanel *MainWindow::monitor() const
{
    return currentView() ? currentView()->monitor() : nullptr;
}

void MainWindow::updateTab(DeploymentView *view)
{
    const int index = m_tabs->indexOf(view);
    if (index < 0)
        return;
    // Two tabs on masters of the same name are told apart by their first sentinel.
    bool twin = false;
    for (int i = 0; i < m_tabs->count() && !twin; ++i)
        twin = i != index && this->view(i)->deployment()->masterName() == view->deployment()->masterName();
    m_tabs->setTabText(index, view->tabTitle(twin));
    m_tabs->setTabToolTip(index, view->tabToolTip());
    m_tabs->setTabIcon(index, view->isInsecure() ? style()->standardIcon(QStyle::SP_MessageBoxWarning) : QIcon());
    m_tabs->tabBar()->setTabTextColor(index, view->isProduction() ? Theme::colour(Theme::Role::Production) : QColor());
    if (view == currentView())
        updateStatus();
}

void MainWindow::updateTabs()
{
    for (int i = 0; i < m_tabs->count(); ++i)
        updateTab(view(i));
}

void MainWindow::updateStatus()
{
    DeploymentView *view = currentView();
    m_connectTabAction->setEnabled(view);
    m_closeTabAction->setEnabled(view);
    m_findAction->setEnabled(view);
    m_rescanAction->setEnabled(view);
    m_stopAction->setEnabled(view && view->browser()->isScanning());
    m_statusLabel->setText(view ? view->masterStatus() : QString());
    m_sentinelLabel->setText(view ? view->sentinelStatus() : QString());
    m_scanLabel->setText(view ? view->scanStatus() : tr("Not scanning"));
    QString title = view ? view->deployment()->title() : QString();
    if (view && !view->accessMark().isEmpty())
        title += QStringLiteral(" (%1)").arg(view->accessMark());
    if (view && view->isProduction())
        title = tr("PRODUCTION – %1").arg(title);
    setWindowTitle(view ? tr("%1 – Vigil").arg(title) : tr("Vigil"));
}

void MainWindow::openConnectionDialog()
{
    ConnectionDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    DeploymentView *view = setTarget(dialog.target());
    view->browser()->setSeparator(dialog.profile().separator);
    view->setProfileName(dialog.profile().name);
    saveSession();
}

void MainWindow::openNewConnectionDialog()
{
    ConnectionDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    DeploymentView *view = openDeployment(dialog.target());
    view->browser()->setSeparator(dialog.profile().separator);
    view->setProfileName(dialog.profile().name);
    saveSession();
}

void MainWindow::setSandbox(SandboxController *controller)
{
    m_sandbox = controller;
    connect(controller, &SandboxController::started, this, &MainWindow::handleSandboxStarted);
    connect(controller, &SandboxController::failed, this, [this](const VigilError &error) {
        showMessage(tr("The sandbox did not start: %1").arg(error.toString()), true);
    });
    connect(controller, &SandboxController::programsMissing, this, [this](const QStringList &programs) {
        showMessage(tr("The demo starts its own Redis servers, but %1 %2 not installed.\n\nInstall %3 with:\n\n%4\n\n"
                       "then start vigil --demo again. Browsing a deployment that runs elsewhere needs neither: "
                       "File > New connection…")
                        .arg(programs.join(tr(" and ")), programs.size() == 1 ? tr("is") : tr("are"),
                             programs.size() == 1 ? tr("it") : tr("them"), Sandbox::installCommand(programs)),
                    true);
    });
    connect(controller, &SandboxController::actionFinished, this, &MainWindow::handleSandboxAction);

    m_sandboxMenu->clear();
    m_sandboxMenu->addAction(tr("&Failover now"), this, [this] {
        runDrill(tr("Ask the sandbox's sentinels to fail over its master now?"),
                 [](SandboxController *c) { c->failover(); });
    });
    m_sandboxMenu->addAction(tr("&Kill master (kill -9)"), this, [this] {
        runDrill(tr("Kill the sandbox's master with SIGKILL?"), [](SandboxController *c) { c->killMaster(); });
    });
    m_sandboxMenu->addAction(tr("&Pause master 5 s (SIGSTOP)"), this, [this] {
        runDrill(tr("Stop the sandbox's master with SIGSTOP for 5 seconds?"),
                 [](SandboxController *c) { c->pauseMaster(5000); });
    });
    m_sandboxMenu->addAction(tr("&Restart stopped nodes"), this, [this] {
        runDrill(tr("Start the sandbox's stopped nodes again?"), [](SandboxController *c) { c->restartStoppedNodes(); });
    });
    m_sandboxMenu->menuAction()->setVisible(true);
    updateSandboxMenu();
    showMessage(tr("Starting a local sandbox: 1 master, 2 replicas and 3 sentinels on free loopback ports, with "
                   "sample data…"));
    connect(controller, &SandboxController::progress, this, [this](int step, int steps, const QString &what) {
        if (deploymentCount() == 0)
            showMessage(tr("Starting the local sandbox… step %1 of %2: %3").arg(step).arg(steps).arg(what));
    });
}

void MainWindow::runDrill(const QString &question, const std::function<void(SandboxController *)> &drill)
{
    // Drills act on the deployment that is shown, and only when it is the sandbox's.
    DeploymentView *view = currentView();
    SandboxController *sandbox = view ? view->sandbox() : nullptr;
    if (!sandbox || !confirm(question))
        return;
    QMetaObject::invokeMethod(sandbox, [sandbox, drill] { drill(sandbox); });
}

void MainWindow::updateSandboxMenu()
{
    DeploymentView *view = currentView();
    const bool shown = view && view->sandbox();
    m_sandboxMenu->setEnabled(shown);
    m_sandboxMenu->setToolTip(shown ? QString() : tr("The sandbox's tab is not the one shown"));
    m_sandboxMenu->setToolTipsVisible(true);
}

void MainWindow::handleSandboxStarted(const SandboxInfo &info)
{
    SentinelTarget target;
    for (quint16 port : info.sentinelPorts)
        target.seeds.append({QStringLiteral("127.0.0.1"), port});
    target.masterName = info.masterName;
    target.sentinelTls = info.tls;
    target.dataTls = info.tls;
    DeploymentView *view = openDeployment(target);
    view->setSandbox(m_sandbox, info.dir);
    updateSandboxMenu();
    saveSession();
}

void MainWindow::handleSandboxAction(const QString &what, const VigilError &error)
{
    statusBar()->showMessage(error.isError() ? error.toString() : what, 15000);
}

void MainWindow::showMessage(const QString &text, bool isError)
{
    m_welcomeText->setText(text);
    if (isError)
        Theme::setTextColour(m_welcomeText, Theme::Role::Fault);
    else
        Theme::clearTextColour(m_welcomeText);
    if (m_tabs->count() == 0)
        m_stack->setCurrentWidget(m_welcome);
}

QString MainWindow::welcomeText() const
{
    return m_welcomeText->text();
}

void MainWindow::notifySwitch(const QString &masterName, const HostPort &oldMaster, const HostPort &newMaster)
{
    const QString text = tr("Master '%1' switched: %2 → %3 at %4")
                             .arg(masterName, oldMaster.toString(), newMaster.toString(),
                                  QTime::currentTime().toString(QStringLiteral("HH:mm:ss")));
    statusBar()->showMessage(text, 15000);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(windowIcon(), this);
            m_tray->show();
        }
        m_tray->showMessage(tr("Vigil: master '%1' switched").arg(masterName), text);
    }
}

void MainWindow::setConfirmActions(bool confirm)
{
    m_confirm = confirm;
}

bool MainWindow::confirm(const QString &question)
{
    return !m_confirm || askPlainQuestion(this, question);
}

void MainWindow::saveSession()
{
    if (m_restoring || !m_rememberSession)
        return;
    // Profiles without passwords; the sandbox's tab is not remembered (its ports die with it).
    QSettings settings;
    settings.remove(sessionKey);
    settings.beginWriteArray(sessionKey);
    int row = 0;
    for (int i = 0; i < m_tabs->count(); ++i) {
        const DeploymentView *v = view(i);
        if (!v || v->sandbox())
            continue;
        settings.setArrayIndex(row++);
        ConnectionProfile profile = ConnectionProfile::fromTarget(v->deployment()->target(), v->browser()->separator());
        profile.name = v->profileName();
        profile.write(settings);
    }
    settings.endArray();
}

bool MainWindow::restoreSession()
{
    if (!m_reopenAction->isChecked())
        return false;
    QSettings settings;
    QList<ConnectionProfile> profiles;
    const int n = settings.beginReadArray(sessionKey);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        profiles.append(ConnectionProfile::read(settings));
    }
    settings.endArray();

    struct Restored
    {
        SentinelTarget target;
        QString separator;
        QString profileName;
    };
    auto restored = std::make_shared<QList<Restored>>();
    QList<qsizetype> fromKeychain;
    for (const ConnectionProfile &profile : std::as_const(profiles)) {
        SentinelTarget target;
        QString error;
        if (!profile.toTarget(&target, qgetenv("VIGIL_SENTINEL_PASSWORD"), qgetenv("VIGIL_PASSWORD"), &error))
            continue;
        // The saved profile decides, not the session: a profile deleted or no longer remembered has no secrets.
        ConnectionProfile saved;
        if (!profile.name.isEmpty() && ConnectionProfile::find(settings, profile.name, &saved) && saved.rememberSecrets)
            fromKeychain.append(restored->size());
        restored->append({target, profile.separator, profile.name});
    }
    if (restored->isEmpty())
        return false;

    // The tabs open together, in their order, once every keychain read answered (each has a bound); until then
    // nothing overwrites the remembered session.
    m_restoring = true;
    auto problem = std::make_shared<QString>();
    auto openAll = [this, restored, problem] {
        for (const Restored &r : std::as_const(*restored)) {
            DeploymentView *view = openDeployment(r.target);
            view->browser()->setSeparator(r.separator);
            view->setProfileName(r.profileName);
        }
        m_restoring = false;
        saveSession();
        // The tab opens all the same, and asks the servers without the passwords the keychain did not give.
        if (!problem->isEmpty())
            statusBar()->showMessage(*problem, 30000);
    };
    if (fromKeychain.isEmpty()) {
        openAll();
        return true;
    }
    auto pending = std::make_shared<qsizetype>(fromKeychain.size());
    for (const qsizetype i : std::as_const(fromKeychain)) {
        const QString name = restored->at(i).profileName;
        SecretStore::shared()->readProfile(
            name, this,
            [restored, i, name, pending, problem, openAll](const ProfileSecrets &secrets, const QString &error) {
                if (!error.isEmpty())
                    *problem = tr("The passwords of '%1' are not filled in: %2").arg(name, error);
                SentinelTarget &target = (*restored)[i].target;
                if (!secrets.sentinelPassword.isEmpty())
                    target.sentinelPassword = secrets.sentinelPassword;
                if (!secrets.dataPassword.isEmpty())
                    target.dataPassword = secrets.dataPassword;
                if (!secrets.keyPassphrase.isEmpty()) {
                    target.sentinelTls.keyPassphrase = secrets.keyPassphrase;
                    target.dataTls.keyPassphrase = secrets.keyPassphrase;
                }
                // The SSH secret is what the login method needs: the key's passphrase, or the password.
                if (!secrets.sshSecret.isEmpty() && target.ssh.enabled())
                    (target.ssh.keyFile.isEmpty() ? target.ssh.password : target.ssh.passphrase) = secrets.sshSecret;
                if (--*pending == 0)
                    openAll();
            });
    }
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSession();
    saveLayout();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveLayout()
{
    QSettings settings;
    settings.setValue(geometryKey, saveGeometry());
    settings.setValue(stateKey, saveState());
    if (DeploymentView *shown = currentView())
        m_splitterState = shown->splitterState();
    if (!m_splitterState.isEmpty())
        settings.setValue(splitterKey, m_splitterState);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(geometryKey).toByteArray());
    restoreState(settings.value(stateKey).toByteArray());
    m_splitterState = settings.value(splitterKey).toByteArray();
}

QList<QPair<QString, QString>> MainWindow::shortcuts() const
{
    QList<QPair<QString, QString>> rows;
    const auto add = [&rows](const QString &where, const QAction *action) {
        if (action->shortcuts().isEmpty() || action->isSeparator())
            return;
        QStringList keys;
        for (const QKeySequence &keySequence : action->shortcuts())
            keys.append(keySequence.toString(QKeySequence::NativeText));
        rows.append({where + withoutMnemonic(action->text()), keys.join(tr(" or "))});
    };
    for (const QAction *menuAction : menuBar()->actions()) {
        const QMenu *menu = menuAction->menu();
        if (!menu)
            continue;
        for (const QAction *action : menu->actions())
            add(withoutMnemonic(menu->title()) + QStringLiteral(" › "), action);
    }
    // The key tree's own, which act on the selected keys while the tree has the focus; every tab's tree has the same.
    if (m_tabs->count() > 0)
        for (const QAction *action : view(0)->browser()->view()->actions())
            add(tr("Key tree › "), action);
    return rows;
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard shortcuts"));
    auto *layout = new QVBoxLayout(&dialog);
    const QList<QPair<QString, QString>> rows = shortcuts();
    auto *table = new QTableWidget(static_cast<int>(rows.size()), 2, &dialog);
    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    table->verticalHeader()->hide();
    // Rows as tall as a line of text needs, not the style's default of about twice that.
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    for (int row = 0; row < rows.size(); ++row) {
        table->setItem(row, 0, new QTableWidgetItem(rows.at(row).first));
        table->setItem(row, 1, new QTableWidgetItem(rows.at(row).second));
    }
    layout->addWidget(table);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(480, qMin(520, table->verticalHeader()->length() + 120));
    dialog.exec();
}

QString MainWindow::statusText() const
{
    return m_statusLabel->text();
}

QString MainWindow::headline() const
{
    return currentView() ? currentView()->panel()->headline() : QString();
}

QString MainWindow::fieldText(const QString &field) const
{
    return currentView() ? currentView()->panel()->fieldText(field) : QString();
}
