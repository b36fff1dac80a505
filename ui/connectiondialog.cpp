#include "connectiondialog.h"

#include "secrets/secretstore.h"
#include "sentinel/connectioncheck.h"
#include "sentinel/sentineluri.h"
#include "ssh/sshtunnel.h"
#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace {
// A check step's outcome as a Theme::Role, or notTried; none while the step runs.
constexpr int ToneRole = Qt::UserRole + 1;
constexpr int notTried = -1;
} // namespace

ConnectionDialog::ConnectionDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Connect to a Sentinel deployment"));
    auto *outer = new QHBoxLayout(this);

    auto *left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Saved connections"), this));
    m_profiles = new QListWidget(this);
    m_profiles->setObjectName(QStringLiteral("profiles"));
    left->addWidget(m_profiles, 1);
    auto *profileButtons = new QHBoxLayout;
    auto *save = new QPushButton(tr("Save"), this);
    save->setObjectName(QStringLiteral("saveProfile"));
    auto *rename = new QPushButton(tr("Rename"), this);
    rename->setObjectName(QStringLiteral("renameProfile"));
    rename->setToolTip(tr("Give the selected connection the name typed in Name"));
    auto *remove = new QPushButton(tr("Delete"), this);
    remove->setObjectName(QStringLiteral("deleteProfile"));
    profileButtons->addWidget(save);
    profileButtons->addWidget(rename);
    profileButtons->addWidget(remove);
    left->addLayout(profileButtons);
    outer->addLayout(left, 1);

    auto *right = new QVBoxLayout;
    auto *form = new QFormLayout;
    const auto edit = [this](const QString &objectName, const QString &placeholder = {}) {
        auto *e = new QLineEdit(this);
        e->setObjectName(objectName);
        e->setPlaceholderText(placeholder);
        return e;
    };
    m_name = edit(QStringLiteral("name"), tr("e.g. production cache"));
    m_uri = edit(QStringLiteral("uri"),
                 tr("redis+sentinel://host:26379,host:26379/mymaster or redis-sentinel://…#mymaster"));
    m_uriError = new QLabel(this);
    m_uriError->setTextFormat(Qt::PlainText);
    m_uriError->setObjectName(QStringLiteral("uriError"));
    Theme::setTextColour(m_uriError, Theme::Role::Fault);
    m_uriError->setWordWrap(true);
    m_seeds = edit(QStringLiteral("sentinels"), tr("host:port, host:port, …"));
    m_master = new QComboBox(this);
    m_master->setObjectName(QStringLiteral("master"));
    m_master->setEditable(true);
    m_listMasters = new QPushButton(tr("List masters"), this);
    m_listMasters->setObjectName(QStringLiteral("listMasters"));
    auto *masterRow = new QHBoxLayout;
    masterRow->addWidget(m_master, 1);
    masterRow->addWidget(m_listMasters);
    m_sentinelUser = edit(QStringLiteral("sentinelUser"), tr("ACL user (optional)"));
    m_sentinelPassword = edit(QStringLiteral("sentinelPassword"), tr("password"));
    m_sentinelPassword->setEchoMode(QLineEdit::Password);
    m_dataUser = edit(QStringLiteral("user"), tr("ACL user (optional)"));
    m_dataPassword = edit(QStringLiteral("password"), tr("password"));
    m_dataPassword->setEchoMode(QLineEdit::Password);
    m_db = new QSpinBox(this);
    m_db->setObjectName(QStringLiteral("db"));
    m_db->setRange(0, 1023);
    m_separator = edit(QStringLiteral("separator"));
    m_separator->setText(QStringLiteral(":"));
    m_readOnly = new QCheckBox(tr("Read-only: refuse every write, in the connection itself"), this);
    m_readOnly->setObjectName(QStringLiteral("readOnly"));
    m_production = new QCheckBox(tr("Production: mark its tab and window in red, so it cannot be missed"), this);
    m_production->setObjectName(QStringLiteral("production"));
    m_addressMap = edit(QStringLiteral("addressMap"), tr("reported:port=reachable:port, … (Docker, Kubernetes)"));

    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Sentinel URI:"), m_uri);
    form->addRow(QString(), m_uriError);
    // Its row takes room only while it says something: the dialog must fit a 700-pixel screen with the keychain note.
    m_uriError->hide();
    form->addRow(tr("Sentinels:"), m_seeds);
    form->addRow(tr("Master name:"), masterRow);
    auto *sentinelAuth = new QHBoxLayout;
    sentinelAuth->addWidget(m_sentinelUser);
    sentinelAuth->addWidget(m_sentinelPassword);
    form->addRow(tr("Sentinel auth:"), sentinelAuth);
    auto *dataAuth = new QHBoxLayout;
    dataAuth->addWidget(m_dataUser);
    dataAuth->addWidget(m_dataPassword);
    form->addRow(tr("Data-node auth:"), dataAuth);

    // Remembered passwords: the keychain, or a line that says why they are asked each time. Never a plain file.
    m_secrets = SecretStore::shared();
    m_remember = new QCheckBox(tr("Remember passwords in the keychain"), this);
    m_remember->setObjectName(QStringLiteral("rememberPasswords"));
    m_keychainNote = new QLabel(this);
    m_keychainNote->setObjectName(QStringLiteral("keychainNote"));
    m_keychainNote->setTextFormat(Qt::PlainText);
    m_keychainNote->setWordWrap(true);
    form->addRow(QString(), m_remember);
    form->addRow(QString(), m_keychainNote);
    m_keychainNote->installEventFilter(this);
    connect(m_secrets, &SecretStore::stateChanged, this, &ConnectionDialog::updateKeychainNote);
    updateKeychainNote();
    // Asked again each time until it works: a keychain started after Vigil is found at the next dialog.
    if (m_secrets->state() != SecretStore::State::Available)
        m_secrets->probe();
    auto *dbRow = new QHBoxLayout;
    dbRow->addWidget(m_db);
    dbRow->addWidget(new QLabel(tr("Separator:"), this));
    dbRow->addWidget(m_separator);
    dbRow->addStretch();
    form->addRow(tr("Database:"), dbRow);
    form->addRow(QString(), m_readOnly);
    form->addRow(QString(), m_production);
    form->addRow(tr("Address map:"), m_addressMap);
    // The fields in sections, so the dialog fits a small screen: the connection itself, then TLS (SSH comes next).
    m_sections = new QTabWidget(this);
    m_sections->setObjectName(QStringLiteral("sections"));
    auto *general = new QWidget(m_sections);
    general->setLayout(form);
    m_sections->addTab(general, tr("Connection"));
    right->addWidget(m_sections);

    // TLS: one checkable box; off, its fields stay visible and disabled.
    auto *tlsPage = new QWidget(m_sections);
    auto *tlsPageLayout = new QVBoxLayout(tlsPage);
    m_tls = new QGroupBox(tr("Use TLS"), tlsPage);
    m_tls->setObjectName(QStringLiteral("tls"));
    m_tls->setCheckable(true);
    m_tls->setChecked(false);
    auto *tlsBox = new QVBoxLayout(m_tls);
    m_tlsFields = new QWidget(m_tls);
    auto *tlsForm = new QFormLayout(m_tlsFields);
    tlsForm->setContentsMargins(0, 0, 0, 0);
    m_tlsSides = new QComboBox(m_tlsFields);
    m_tlsSides->setObjectName(QStringLiteral("tlsSides"));
    m_tlsSides->addItem(tr("Sentinels and data nodes"), int(ConnectionProfile::TlsSides::Both));
    m_tlsSides->addItem(tr("Sentinels only"), int(ConnectionProfile::TlsSides::Sentinels));
    m_tlsSides->addItem(tr("Data nodes only"), int(ConnectionProfile::TlsSides::Data));
    m_tlsInsecure = new QCheckBox(tr("Do not verify certificates (insecure)"), m_tlsFields);
    m_tlsInsecure->setObjectName(QStringLiteral("tlsInsecure"));
    m_tlsInsecure->setToolTip(tr("Anyone on the network path can then read and change what is sent, passwords "
                                 "included. The tab is marked for as long as it is open."));
    auto *sidesRow = new QHBoxLayout;
    sidesRow->addWidget(m_tlsSides);
    sidesRow->addWidget(m_tlsInsecure);
    sidesRow->addStretch();
    tlsForm->addRow(tr("On:"), sidesRow);
    const auto fileRow = [this](QLineEdit *edit, const QString &title) {
        auto *row = new QHBoxLayout;
        auto *browse = new QToolButton(m_tlsFields);
        browse->setText(tr("…"));
        browse->setObjectName(edit->objectName() + QStringLiteral("Browse"));
        browse->setToolTip(title);
        connect(browse, &QPushButton::clicked, this, [this, edit, title] {
            const QString file = QFileDialog::getOpenFileName(this, title, edit->text());
            if (!file.isEmpty())
                edit->setText(file);
        });
        row->addWidget(edit, 1);
        row->addWidget(browse);
        return row;
    };
    m_caFile = edit(QStringLiteral("caFile"), tr("PEM file (empty: the system's CAs)"));
    m_certFile = edit(QStringLiteral("certFile"), tr("client certificate, PEM (if the servers ask)"));
    m_keyFile = edit(QStringLiteral("keyFile"), tr("its key, PEM"));
    m_keyPassphrase = edit(QStringLiteral("keyPassphrase"), tr("key passphrase (saved only in the keychain)"));
    m_keyPassphrase->setEchoMode(QLineEdit::Password);
    m_verifyAs = edit(QStringLiteral("verifyAs"), tr("name in the data nodes' certificates, if not their address"));
    m_sentinelPin = edit(QStringLiteral("sentinelPin"), tr("sentinels: SHA-256"));
    m_dataPin = edit(QStringLiteral("dataPin"), tr("data nodes: SHA-256"));
    tlsForm->addRow(tr("CA file:"), fileRow(m_caFile, tr("CA certificates (PEM)")));
    auto *clientRow = fileRow(m_certFile, tr("Client certificate (PEM)"));
    clientRow->addLayout(fileRow(m_keyFile, tr("Client key (PEM)")), 1);
    tlsForm->addRow(tr("Client cert:"), clientRow);
    tlsForm->addRow(tr("Key passphrase:"), m_keyPassphrase);
    tlsForm->addRow(tr("Verify as:"), m_verifyAs);
    auto *pinRow = new QHBoxLayout;
    pinRow->addWidget(m_sentinelPin);
    pinRow->addWidget(m_dataPin);
    tlsForm->addRow(tr("Pinned:"), pinRow);
    tlsBox->addWidget(m_tlsFields);
    tlsPageLayout->addWidget(m_tls);
    tlsPageLayout->addStretch();
    m_sections->addTab(tlsPage, tr("TLS: off"));

    // SSH: through a bastion, every connection a channel of one SSH session. Off, its fields stay visible and disabled.
    auto *sshPage = new QWidget(m_sections);
    auto *sshPageLayout = new QVBoxLayout(sshPage);
    m_ssh = new QGroupBox(tr("Connect through an SSH bastion (jump host)"), sshPage);
    m_ssh->setObjectName(QStringLiteral("ssh"));
    m_ssh->setCheckable(true);
    m_ssh->setChecked(false);
    auto *sshForm = new QFormLayout(m_ssh);
    m_sshHost = edit(QStringLiteral("sshHost"), tr("bastion.example, or a Host alias of the SSH config"));
    m_sshUser = edit(QStringLiteral("sshUser"), tr("empty: the config's User, else your login name"));
    m_sshPort = new QSpinBox(m_ssh);
    m_sshPort->setObjectName(QStringLiteral("sshPort"));
    m_sshPort->setRange(0, 65535);
    m_sshPort->setSpecialValueText(tr("config's, else 22"));
    auto *sshAddress = new QHBoxLayout;
    sshAddress->addWidget(m_sshHost, 1);
    sshAddress->addWidget(new QLabel(tr("Port:"), m_ssh));
    sshAddress->addWidget(m_sshPort);
    sshForm->addRow(tr("Host:"), sshAddress);
    sshForm->addRow(tr("User:"), m_sshUser);
    m_sshAuth = new QComboBox(m_ssh);
    m_sshAuth->setObjectName(QStringLiteral("sshAuth"));
    m_sshAuth->addItem(tr("ssh-agent"), int(ConnectionProfile::SshAuth::Agent));
    m_sshAuth->addItem(tr("Key file"), int(ConnectionProfile::SshAuth::KeyFile));
    m_sshAuth->addItem(tr("Password"), int(ConnectionProfile::SshAuth::Password));
    sshForm->addRow(tr("Log in with:"), m_sshAuth);
    m_sshKeyFile = edit(QStringLiteral("sshKeyFile"), tr("private key, e.g. ~/.ssh/id_ed25519"));
    sshForm->addRow(tr("Key file:"), fileRow(m_sshKeyFile, tr("SSH private key")));
    m_sshSecret = edit(QStringLiteral("sshSecret"));
    m_sshSecret->setEchoMode(QLineEdit::Password);
    sshForm->addRow(tr("Passphrase:"), m_sshSecret);
    m_sshSecretLabel = qobject_cast<QLabel *>(sshForm->labelForField(m_sshSecret));
    auto *secretNote
        = new QLabel(tr("Kept only in the keychain, with Remember passwords; else Connect asks for it."), m_ssh);
    secretNote->setObjectName(QStringLiteral("sshSecretNote"));
    secretNote->setWordWrap(true);
    secretNote->setForegroundRole(QPalette::PlaceholderText);
    sshForm->addRow(QString(), secretNote);
    m_sshKnownHosts = edit(QStringLiteral("sshKnownHosts"), tr("~/.ssh/known_hosts"));
    sshForm->addRow(tr("Known hosts:"), fileRow(m_sshKnownHosts, tr("known_hosts file")));
    m_sshConfig = edit(QStringLiteral("sshConfig"), tr("an OpenSSH config to read the host's alias from (optional)"));
    sshForm->addRow(tr("SSH config:"), fileRow(m_sshConfig, tr("OpenSSH client config")));
    sshPageLayout->addWidget(m_ssh);
    sshPageLayout->addStretch();
    m_sections->addTab(sshPage, tr("SSH: off"));
    showSshAuth();

    m_test = new QPushButton(tr("Test connection"), this);
    m_test->setObjectName(QStringLiteral("test"));
    m_trust = new QPushButton(tr("Trust this certificate"), this);
    m_trust->setObjectName(QStringLiteral("trustCertificate"));
    m_trust->hide();
    m_trustHostKey = new QPushButton(tr("Trust this host key"), this);
    m_trustHostKey->setObjectName(QStringLiteral("trustHostKey"));
    m_trustHostKey->hide();
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_trust);
    testRow->addWidget(m_trustHostKey);
    testRow->addStretch();
    right->addLayout(testRow);
    // Room for every step, wrapped rather than scrolled sideways: the dialog must not grow once it is on screen (on a
    // small one it would grow past the bottom edge).
    m_results = new QListWidget(this);
    m_results->setObjectName(QStringLiteral("results"));
    m_results->setWordWrap(true);
    m_results->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_results->setMinimumHeight(fontMetrics().lineSpacing() * 9);
    right->addWidget(m_results, 1);
    connect(Theme::instance(), &Theme::paletteChanged, this, [this] {
        for (int row = 0; row < m_results->count(); ++row)
            colourStep(m_results->item(row));
    });
    // A certificate that does not verify, offered for pinning the way SSH offers an unknown host key. Its room is
    // kept for the same reason.
    m_offer = new QLabel(this);
    m_offer->setObjectName(QStringLiteral("certificateOffer"));
    m_offer->setTextFormat(Qt::PlainText);
    m_offer->setWordWrap(true);
    m_offer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_offer->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_offer->setMinimumHeight(fontMetrics().lineSpacing() * 4);
    right->addWidget(m_offer);
    m_error = new QLabel(this);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setObjectName(QStringLiteral("error"));
    Theme::setTextColour(m_error, Theme::Role::Fault);
    m_error->setWordWrap(true);
    right->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_connect = buttons->button(QDialogButtonBox::Ok);
    m_connect->setText(tr("Connect"));
    m_connect->setObjectName(QStringLiteral("connect"));
    // What Connect still needs, in a quiet colour: nothing is wrong yet on an empty form.
    m_connectHint = new QLabel(this);
    m_connectHint->setObjectName(QStringLiteral("connectHint"));
    m_connectHint->setTextFormat(Qt::PlainText);
    m_connectHint->setWordWrap(true);
    m_connectHint->setForegroundRole(QPalette::PlaceholderText);
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addWidget(m_connectHint, 1);
    buttonRow->addWidget(buttons);
    right->addLayout(buttonRow);
    outer->addLayout(right, 3);

    connect(m_uri, &QLineEdit::textChanged, this, &ConnectionDialog::applyUri);
    connect(m_tls, &QGroupBox::toggled, this, &ConnectionDialog::showTls);
    connect(m_ssh, &QGroupBox::toggled, this, [this](bool on) {
        // The tab says whether SSH is on, as TLS's does.
        m_sections->setTabText(2, on ? tr("SSH: on") : tr("SSH: off"));
    });
    connect(m_sshAuth, &QComboBox::currentIndexChanged, this, &ConnectionDialog::showSshAuth);
    connect(m_trust, &QPushButton::clicked, this, [this] {
        (m_offerForSentinels ? m_sentinelPin : m_dataPin)->setText(QString::fromLatin1(m_offeredSha256));
        m_offer->setText(tr("Pinned. Test the connection again, then save the profile to keep the pin."));
        m_trust->hide();
    });
    // Trusted as OpenSSH's accept-new would, but only the key shown: the check runs again, and the key is added to the
    // known_hosts file when the bastion still offers that very fingerprint.
    connect(m_trustHostKey, &QPushButton::clicked, this, [this] {
        m_trustFingerprint = m_offeredHostKey;
        testConnection();
    });
    connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    connect(m_listMasters, &QPushButton::clicked, this, &ConnectionDialog::listMasters);
    connect(save, &QPushButton::clicked, this, &ConnectionDialog::saveProfile);
    connect(remove, &QPushButton::clicked, this, &ConnectionDialog::deleteProfile);
    connect(rename, &QPushButton::clicked, this, &ConnectionDialog::renameProfile);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_profiles, &QListWidget::currentRowChanged, this, [this](int row) {
        QSettings settings;
        const QList<ConnectionProfile> all = ConnectionProfile::loadAll(settings);
        if (row >= 0 && row < all.size()) {
            setProfile(all.at(row));
            readSecrets(all.at(row));
        }
    });

    m_check = new ConnectionCheck;
    connect(m_check, &ConnectionCheck::stepFinished, this, &ConnectionDialog::handleStep);
    connect(m_check, &ConnectionCheck::checkFinished, this, &ConnectionDialog::handleCheckFinished);
    connect(m_check, &ConnectionCheck::certificateOffered, this, &ConnectionDialog::offerCertificate);
    connect(m_check, &ConnectionCheck::hostKeyOffered, this,
            [this](const QString &hop, const QString &key, const QString &knownHosts) {
                m_offeredHostKey = key.section(QLatin1Char(' '), 1);
                m_offer->setText(tr("The SSH host %1 offers the %2 host key %3, which %4 does not hold. Trust it only "
                                    "if that is the fingerprint the bastion's administrator gave you; it is then "
                                    "added to %4.")
                                     .arg(hop, key.section(QLatin1Char(' '), 0, 0), m_offeredHostKey, knownHosts));
                m_trustHostKey->show();
            });
    connect(m_check, &ConnectionCheck::hostKeyChecked, this, &ConnectionDialog::handleHostKeyChecked);
    connect(m_check, &ConnectionCheck::mastersListed, this, [this](const QStringList &names, const QString &error) {
        m_listMasters->setEnabled(true);
        if (!error.isEmpty()) {
            m_error->setText(error);
            return;
        }
        const QString current = m_master->currentText();
        m_master->clear();
        m_master->addItems(names);
        m_master->setCurrentText(current.isEmpty() && !names.isEmpty() ? names.first() : current);
        m_error->setText(names.isEmpty() ? tr("The sentinel monitors no master.") : QString());
    });
    m_checkThread.start(m_check);
    loadProfiles();

    for (QLineEdit *line : findChildren<QLineEdit *>())
        connect(line, &QLineEdit::textChanged, this, &ConnectionDialog::updateConnectButton);
    connect(m_master, &QComboBox::currentTextChanged, this, &ConnectionDialog::updateConnectButton);
    connect(m_tls, &QGroupBox::toggled, this, &ConnectionDialog::updateConnectButton);
    connect(m_tlsSides, &QComboBox::currentIndexChanged, this, &ConnectionDialog::updateConnectButton);
    connect(m_ssh, &QGroupBox::toggled, this, &ConnectionDialog::updateConnectButton);
    connect(m_sshAuth, &QComboBox::currentIndexChanged, this, &ConnectionDialog::updateConnectButton);
    connect(m_sshPort, &QSpinBox::valueChanged, this, &ConnectionDialog::updateConnectButton);
    updateConnectButton();
}

void ConnectionDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    // Typing goes to the first field a connection needs, never to Connect: on an empty form the URI (a pasted one
    // fills the rest), else the master's name while it is missing, else the sentinels.
    QWidget *first = m_seeds;
    if (m_seeds->text().trimmed().isEmpty())
        first = m_uri;
    else if (m_master->currentText().trimmed().isEmpty())
        first = m_master;
    first->setFocus();
}

void ConnectionDialog::updateConnectButton()
{
    SentinelTarget target;
    QString why;
    const bool ok = profile().toTarget(&target, m_sentinelPassword->text().toUtf8(), m_dataPassword->text().toUtf8(),
                                       &why, m_keyPassphrase->text().toUtf8(), m_sshSecret->text().toUtf8());
    m_connect->setEnabled(ok);
    m_connect->setToolTip(ok ? QString() : why);
    m_connectHint->setText(ok ? QString() : why);
}

ConnectionDialog::~ConnectionDialog() = default;

void ConnectionDialog::applyUri()
{
    const QString text = m_uri->text().trimmed();
    if (text.isEmpty()) {
        m_uriError->clear();
        m_uriError->hide();
        return;
    }
    SentinelUri uri;
    QString error;
    if (!SentinelUri::parse(text, &uri, &error)) {
        m_uriError->setText(error);
        m_uriError->show();
        return;
    }
    m_uriError->clear();
    m_uriError->hide();
    // rediss: TLS on both sides; a plain URI leaves TLS as it was set (a URI names no CA file).
    if (uri.tls) {
        m_tls->setChecked(true);
        m_tlsSides->setCurrentIndex(m_tlsSides->findData(int(ConnectionProfile::TlsSides::Both)));
    }
    QStringList seeds;
    for (const HostPort &seed : uri.seeds)
        seeds.append(seed.toString());
    m_seeds->setText(seeds.join(QStringLiteral(", ")));
    m_master->setCurrentText(uri.masterName);
    m_db->setValue(uri.db);
    m_dataUser->setText(QString::fromUtf8(uri.user));
    if (!uri.password.isEmpty()) {
        // The password moves to its masked field; the URI keeps the rest, so it is never shown in clear text.
        m_dataPassword->setText(QString::fromUtf8(uri.password));
        m_uri->setText(SentinelUri::withoutPassword(text));
    }
}

ConnectionProfile ConnectionDialog::profile() const
{
    ConnectionProfile p;
    p.name = m_name->text().trimmed();
    p.seeds = m_seeds->text();
    p.masterName = m_master->currentText().trimmed();
    p.sentinelUser = m_sentinelUser->text();
    p.dataUser = m_dataUser->text();
    p.db = m_db->value();
    p.separator = m_separator->text().isEmpty() ? QStringLiteral(":") : m_separator->text();
    p.readOnly = m_readOnly->isChecked();
    p.production = m_production->isChecked();
    p.addressMap = m_addressMap->text();
    p.tls = m_tls->isChecked() ? ConnectionProfile::TlsSides(m_tlsSides->currentData().toInt())
                               : ConnectionProfile::TlsSides::Off;
    p.caFile = m_caFile->text().trimmed();
    p.certFile = m_certFile->text().trimmed();
    p.keyFile = m_keyFile->text().trimmed();
    p.verifyName = m_verifyAs->text().trimmed();
    p.insecure = m_tlsInsecure->isChecked();
    p.sentinelPin = m_sentinelPin->text().trimmed().toLatin1();
    p.dataPin = m_dataPin->text().trimmed().toLatin1();
    p.rememberSecrets = m_remember->isEnabled() && m_remember->isChecked();
    p.ssh = m_ssh->isChecked();
    p.sshHost = m_sshHost->text().trimmed();
    p.sshUser = m_sshUser->text().trimmed();
    p.sshPort = m_sshPort->value();
    p.sshAuth = ConnectionProfile::SshAuth(m_sshAuth->currentData().toInt());
    p.sshKeyFile = m_sshKeyFile->text().trimmed();
    p.sshConfig = m_sshConfig->text().trimmed();
    p.sshKnownHosts = m_sshKnownHosts->text().trimmed();
    return p;
}

void ConnectionDialog::setProfile(const ConnectionProfile &p)
{
    m_name->setText(p.name);
    m_seeds->setText(p.seeds);
    m_master->setCurrentText(p.masterName);
    m_sentinelUser->setText(p.sentinelUser);
    m_dataUser->setText(p.dataUser);
    m_db->setValue(p.db);
    m_separator->setText(p.separator);
    m_readOnly->setChecked(p.readOnly);
    m_production->setChecked(p.production);
    m_addressMap->setText(p.addressMap);
    m_tls->setChecked(p.tls != ConnectionProfile::TlsSides::Off);
    if (p.tls != ConnectionProfile::TlsSides::Off)
        m_tlsSides->setCurrentIndex(m_tlsSides->findData(int(p.tls)));
    m_caFile->setText(p.caFile);
    m_certFile->setText(p.certFile);
    m_keyFile->setText(p.keyFile);
    m_verifyAs->setText(p.verifyName);
    m_tlsInsecure->setChecked(p.insecure);
    m_sentinelPin->setText(QString::fromLatin1(p.sentinelPin));
    m_dataPin->setText(QString::fromLatin1(p.dataPin));
    m_remember->setChecked(p.rememberSecrets);
    m_ssh->setChecked(p.ssh);
    m_sshHost->setText(p.sshHost);
    m_sshUser->setText(p.sshUser);
    m_sshPort->setValue(p.sshPort);
    m_sshAuth->setCurrentIndex(m_sshAuth->findData(int(p.sshAuth)));
    m_sshKeyFile->setText(p.sshKeyFile);
    m_sshConfig->setText(p.sshConfig);
    m_sshKnownHosts->setText(p.sshKnownHosts);
    m_sentinelPassword->clear();
    m_dataPassword->clear();
    m_keyPassphrase->clear();
    m_sshSecret->clear();
}

void ConnectionDialog::showSshAuth()
{
    // One secret field: the key's passphrase or the password, whichever the method needs; none for the agent.
    const auto auth = ConnectionProfile::SshAuth(m_sshAuth->currentData().toInt());
    m_sshKeyFile->setEnabled(auth == ConnectionProfile::SshAuth::KeyFile);
    m_sshSecret->setEnabled(auth != ConnectionProfile::SshAuth::Agent);
    const bool password = auth == ConnectionProfile::SshAuth::Password;
    if (m_sshSecretLabel)
        m_sshSecretLabel->setText(password ? tr("Password:") : tr("Passphrase:"));
    m_sshSecret->setPlaceholderText(password ? tr("SSH password") : tr("the key's passphrase, if it has one"));
}

void ConnectionDialog::showTls(bool on)
{
    // The tab says whether TLS is on, so it is seen without opening it.
    m_sections->setTabText(1, on ? tr("TLS: on") : tr("TLS: off"));
}

bool ConnectionDialog::buildTarget(SentinelTarget *target)
{
    QString error;
    if (!profile().toTarget(target, m_sentinelPassword->text().toUtf8(), m_dataPassword->text().toUtf8(), &error,
                            m_keyPassphrase->text().toUtf8(), m_sshSecret->text().toUtf8())) {
        m_error->setText(error);
        return false;
    }
    m_error->clear();
    return true;
}

void ConnectionDialog::testConnection()
{
    SentinelTarget target;
    if (!buildTarget(&target))
        return;
    // A host key the user chose to trust, for this run only.
    const QString trustHostKey = std::exchange(m_trustFingerprint, QString());
    m_results->clear();
    m_stepRows.clear();
    for (ConnectionCheck::Step step : ConnectionCheck::plan(target)) {
        m_stepRows.insert(step, m_results->count());
        m_results->addItem(QStringLiteral("… %1").arg(ConnectionCheck::stepName(step)));
    }
    m_offer->clear();
    m_trust->hide();
    m_trustHostKey->hide();
    m_test->setEnabled(false);
    QMetaObject::invokeMethod(
        m_check, [check = m_check, target, trustHostKey] { check->run(target, trustHostKey); }, Qt::QueuedConnection);
}

void ConnectionDialog::colourStep(QListWidgetItem *item) const
{
    const QVariant tone = item->data(ToneRole);
    if (!tone.isValid()) // not done yet
        return;
    // Not tried is never drawn as a failure: nothing is known about it.
    item->setForeground(tone.toInt() == notTried ? palette().color(QPalette::Disabled, QPalette::Text)
                                                 : Theme::colour(Theme::Role(tone.toInt())));
}

void ConnectionDialog::handleStep(int step, int outcome, const QString &detail)
{
    QListWidgetItem *item = m_results->item(m_stepRows.value(step, -1));
    if (!item)
        return;
    const QString name = ConnectionCheck::stepName(ConnectionCheck::Step(step));
    switch (ConnectionCheck::Outcome(outcome)) {
    case ConnectionCheck::Outcome::Passed:
        item->setText(QStringLiteral("✓ %1: %2").arg(name, detail));
        item->setData(ToneRole, int(Theme::Role::Ok));
        break;
    case ConnectionCheck::Outcome::Failed:
        item->setText(QStringLiteral("✗ %1: %2").arg(name, detail));
        item->setData(ToneRole, int(Theme::Role::Fault));
        break;
    case ConnectionCheck::Outcome::NotTried:
        // Never drawn as a failure: nothing is known about it.
        item->setText(QStringLiteral("· %1: %2").arg(name, detail));
        item->setData(ToneRole, notTried);
        break;
    }
    colourStep(item);
    item->setToolTip(item->text());
}

void ConnectionDialog::offerCertificate(bool sentinel, const QString &node, const QByteArray &sha256,
                                        const QString &description)
{
    m_offerForSentinels = sentinel;
    m_offeredSha256 = sha256;
    m_offer->setText(tr("%1 %2 presents a certificate this machine does not trust: %3. SHA-256 %4. Trust it only if "
                        "that is the fingerprint the server's administrator gave you.")
                         .arg(sentinel ? tr("Sentinel") : tr("Master"), node, description, QString::fromLatin1(sha256)));
    m_trust->show();
}

void ConnectionDialog::handleCheckFinished(bool ok)
{
    m_test->setEnabled(true);
    m_error->setText(ok ? QString() : tr("The connection does not work yet: see the ✗ above."));
}

void ConnectionDialog::listMasters()
{
    // Only the sentinels are asked, with the sentinel credentials and TLS: the master name is not needed yet.
    ConnectionProfile p = profile();
    if (p.masterName.isEmpty())
        p.masterName = QStringLiteral("?");
    SentinelTarget target;
    QString error;
    if (!p.toTarget(&target, m_sentinelPassword->text().toUtf8(), {}, &error, m_keyPassphrase->text().toUtf8(),
                    m_sshSecret->text().toUtf8())) {
        m_error->setText(error);
        return;
    }
    m_listMasters->setEnabled(false);
    QMetaObject::invokeMethod(
        m_check, [check = m_check, target] { check->listMasters(target); }, Qt::QueuedConnection);
}

void ConnectionDialog::loadProfiles()
{
    QSettings settings;
    m_profiles->clear();
    for (const ConnectionProfile &p : ConnectionProfile::loadAll(settings))
        m_profiles->addItem(p.name);
}

void ConnectionDialog::saveProfile()
{
    const ConnectionProfile p = profile();
    if (p.name.isEmpty()) {
        m_error->setText(tr("Give the connection a name to save it."));
        return;
    }
    QSettings settings;
    ConnectionProfile::save(settings, p);
    loadProfiles();
    if (p.rememberSecrets) {
        ProfileSecrets secrets;
        secrets.sentinelPassword = m_sentinelPassword->text().toUtf8();
        secrets.dataPassword = m_dataPassword->text().toUtf8();
        secrets.keyPassphrase = m_keyPassphrase->text().toUtf8();
        if (p.ssh && p.sshAuth != ConnectionProfile::SshAuth::Agent)
            secrets.sshSecret = m_sshSecret->text().toUtf8();
        m_secrets->writeProfile(p.name, secrets, this, [this](const QString &error) { showKeychainError(error); });
    } else if (m_secrets->state() == SecretStore::State::Available) {
        // Unticked: forget what an earlier save remembered.
        m_secrets->removeProfile(p.name, this, [this](const QString &error) { showKeychainError(error); });
    }
}

void ConnectionDialog::deleteProfile()
{
    if (QListWidgetItem *item = m_profiles->currentItem()) {
        const QString name = item->text();
        QSettings settings;
        ConnectionProfile old;
        const bool remembered = ConnectionProfile::find(settings, name, &old) && old.rememberSecrets;
        ConnectionProfile::remove(settings, name);
        loadProfiles();
        if (remembered || m_secrets->state() == SecretStore::State::Available)
            m_secrets->removeProfile(name, this, [this](const QString &error) { showKeychainError(error); });
    }
}

void ConnectionDialog::renameProfile()
{
    QListWidgetItem *item = m_profiles->currentItem();
    const QString to = m_name->text().trimmed();
    if (!item || to.isEmpty()) {
        m_error->setText(tr("Select a saved connection and type its new name in Name."));
        return;
    }
    const QString from = item->text();
    QSettings settings;
    ConnectionProfile old;
    if (from == to || !ConnectionProfile::find(settings, from, &old))
        return;
    ConnectionProfile::rename(settings, from, to);
    loadProfiles();
    if (old.rememberSecrets)
        m_secrets->renameProfile(from, to, this, [this](const QString &error) { showKeychainError(error); });
}

void ConnectionDialog::readSecrets(const ConnectionProfile &profile)
{
    if (!profile.rememberSecrets)
        return;
    m_secrets->readProfile(profile.name, this,
                           [this, name = profile.name](const ProfileSecrets &secrets, const QString &error) {
                               // The user may have opened another profile, or typed, meanwhile.
                               if (m_name->text().trimmed() != name)
                                   return;
                               showKeychainError(error);
                               if (m_sentinelPassword->text().isEmpty())
                                   m_sentinelPassword->setText(QString::fromUtf8(secrets.sentinelPassword));
                               if (m_dataPassword->text().isEmpty())
                                   m_dataPassword->setText(QString::fromUtf8(secrets.dataPassword));
                               if (m_keyPassphrase->text().isEmpty())
                                   m_keyPassphrase->setText(QString::fromUtf8(secrets.keyPassphrase));
                               if (m_sshSecret->text().isEmpty())
                                   m_sshSecret->setText(QString::fromUtf8(secrets.sshSecret));
                           });
}

void ConnectionDialog::updateKeychainNote()
{
    switch (m_secrets->state()) {
    case SecretStore::State::Unknown:
        m_remember->setEnabled(false);
        m_keychainNote->setText(tr("Looking for the keychain…"));
        break;
    case SecretStore::State::Available:
        m_remember->setEnabled(true);
        m_keychainNote->clear();
        break;
    case SecretStore::State::Unavailable:
        m_remember->setEnabled(false);
        m_keychainNote->setText(
            tr("Passwords are not remembered: %1. Vigil asks for them each time.").arg(m_secrets->unavailableReason()));
        break;
    }
    m_keychainNote->setVisible(!m_keychainNote->text().isEmpty());
    fitKeychainNote();
}

void ConnectionDialog::fitKeychainNote()
{
    // The note wraps, and the tab's page gives its form no more than the form's minimum, which does not ask a wrapped
    // label how tall it is at its width: on a 700-pixel screen its second line was cut. It asks for that height.
    const int width = m_keychainNote->width();
    const int height = m_keychainNote->text().isEmpty() || width <= 0 ? 0 : m_keychainNote->heightForWidth(width);
    if (m_keychainNote->minimumHeight() != height)
        m_keychainNote->setMinimumHeight(height);
}

bool ConnectionDialog::eventFilter(QObject *watched, QEvent *event)
{
    // The note's own width, once the layout gave it: a wrapped label is as tall as its lines at that width.
    if (watched == m_keychainNote && event->type() == QEvent::Resize)
        fitKeychainNote();
    return QDialog::eventFilter(watched, event);
}

void ConnectionDialog::showKeychainError(const QString &error)
{
    if (!error.isEmpty())
        m_error->setText(error);
}

QStringList ConnectionDialog::checkResults() const
{
    QStringList lines;
    for (int i = 0; i < m_results->count(); ++i)
        lines.append(m_results->item(i)->text());
    return lines;
}

void ConnectionDialog::accept()
{
    if (m_checkingHostKey || !buildTarget(&m_target))
        return;
    if (!m_target.ssh.enabled())
        return QDialog::accept();
    checkHostKeyThenConnect({});
}

void ConnectionDialog::checkHostKeyThenConnect(const QString &trustFingerprint)
{
    // Asked before anything logs in, as ssh asks: the deployment then only meets a key known_hosts holds.
    m_checkingHostKey = true;
    m_connect->setEnabled(false);
    m_connectHint->setText(tr("Checking the host key of %1…").arg(m_target.ssh.hop()));
    QMetaObject::invokeMethod(
        m_check,
        [check = m_check, ssh = m_target.ssh, trustFingerprint] { check->checkHostKey(ssh, trustFingerprint); },
        Qt::QueuedConnection);
}

void ConnectionDialog::askSshSecretThenConnect()
{
    // The secret the login needs, when neither the field nor the keychain gave it: the password, or the passphrase
    // of a key that has one. Asked as ssh asks, masked.
    const auto auth = ConnectionProfile::SshAuth(m_sshAuth->currentData().toInt());
    const bool password = auth == ConnectionProfile::SshAuth::Password;
    const bool needed
        = m_sshSecret->text().isEmpty()
          && (password
              || (auth == ConnectionProfile::SshAuth::KeyFile && SshTunnel::keyNeedsPassphrase(m_target.ssh.keyFile)));
    if (!needed)
        return QDialog::accept();

    auto *prompt = new QDialog(this);
    prompt->setObjectName(QStringLiteral("sshSecretPrompt"));
    prompt->setWindowTitle(password ? tr("SSH password") : tr("SSH key passphrase"));
    prompt->setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(prompt);
    const QString who
        = m_target.ssh.user.isEmpty() ? m_target.ssh.hop() : m_target.ssh.user + QLatin1Char('@') + m_target.ssh.hop();
    auto *question
        = new QLabel(password ? tr("Password for %1:").arg(who)
                              : tr("Passphrase for the key %1 (to log in to %2):").arg(m_target.ssh.keyFile, who),
                     prompt);
    question->setTextFormat(Qt::PlainText);
    question->setWordWrap(true);
    layout->addWidget(question);
    auto *secret = new QLineEdit(prompt);
    secret->setObjectName(QStringLiteral("sshPromptSecret"));
    secret->setEchoMode(QLineEdit::Password);
    layout->addWidget(secret);
    auto *remember = new QCheckBox(tr("Remember it in the keychain"), prompt);
    remember->setObjectName(QStringLiteral("sshPromptRemember"));
    const bool canRemember = m_secrets->state() == SecretStore::State::Available && !m_name->text().trimmed().isEmpty();
    remember->setEnabled(canRemember);
    if (!canRemember)
        remember->setToolTip(m_secrets->state() == SecretStore::State::Available
                                 ? tr("Give the connection a name to remember its secrets.")
                                 : tr("No keychain: %1").arg(m_secrets->unavailableReason()));
    layout->addWidget(remember);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, prompt);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, prompt, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, prompt, &QDialog::reject);
    connect(prompt, &QDialog::accepted, this, [this, secret, remember] {
        m_sshSecret->setText(secret->text());
        if (remember->isChecked()) {
            // Remembered as the profile's other secrets are: the profile is saved, its secrets go to the keychain.
            m_remember->setChecked(true);
            saveProfile();
        }
        if (buildTarget(&m_target))
            QDialog::accept();
    });
    prompt->open();
}

namespace {
// "ED25519" for "ssh-ed25519", as ssh names a key's type where it asks about it.
QString keyTypeAsOpenSsh(const QString &type)
{
    if (type.startsWith(QLatin1String("ecdsa")))
        return QStringLiteral("ECDSA");
    if (type.contains(QLatin1String("rsa")))
        return QStringLiteral("RSA");
    QString name = type;
    if (name.startsWith(QLatin1String("ssh-")))
        name = name.mid(4);
    return name.toUpper();
}
} // namespace

void ConnectionDialog::handleHostKeyChecked(int status, const QString &hop, const QString &key, const QString &message,
                                            const QString &knownHosts)
{
    if (!m_checkingHostKey)
        return;
    m_checkingHostKey = false;
    updateConnectButton();
    switch (SshHostKeyCheck::Status(status)) {
    case SshHostKeyCheck::Status::Known:
    case SshHostKeyCheck::Status::Failed: // not reached: the deployment's tab says why, and tries again
        return askSshSecretThenConnect();
    case SshHostKeyCheck::Status::Unknown: {
        const QString type = key.section(QLatin1Char(' '), 0, 0);
        const QString fingerprint = key.section(QLatin1Char(' '), 1);
        auto *box = new QMessageBox(
            QMessageBox::Question, tr("Unknown SSH host key"),
            tr("The authenticity of host %1 can't be established.\n%2 key fingerprint is %3.\n\n%4 holds no key for "
               "it. Trust it only if that is the fingerprint the bastion's administrator gave you: it is then added "
               "to %4, and Vigil connects.")
                .arg(hop, keyTypeAsOpenSsh(type), fingerprint, knownHosts),
            QMessageBox::NoButton, this);
        box->setObjectName(QStringLiteral("hostKeyPrompt"));
        box->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QPushButton *trust = box->addButton(tr("Trust and connect"), QMessageBox::AcceptRole);
        trust->setObjectName(QStringLiteral("trustAndConnect"));
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        // Only the key shown: it is added when the bastion still offers that very fingerprint.
        connect(box, &QMessageBox::buttonClicked, this, [this, trust, fingerprint](QAbstractButton *clicked) {
            if (clicked == trust)
                checkHostKeyThenConnect(fingerprint);
        });
        // One question at a time: Connect waits for the answer.
        m_connect->setEnabled(false);
        connect(box, &QDialog::finished, this, [this] {
            if (!m_checkingHostKey)
                updateConnectButton();
        });
        box->open();
        return;
    }
    case SshHostKeyCheck::Status::Changed: {
        m_error->setText(tr("SSH %1: the host key has changed; not connected.").arg(hop));
        // Never offered for trust: OpenSSH's warning, and the way out if the change is known to be harmless.
        auto *box = new QMessageBox(QMessageBox::Critical, tr("SSH host key changed"),
                                    tr("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!"), QMessageBox::Close, this);
        box->setObjectName(QStringLiteral("hostKeyPrompt"));
        box->setInformativeText(tr("SSH %1: %2").arg(hop, message));
        box->setTextInteractionFlags(Qt::TextSelectableByMouse);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return;
    }
    }
}
