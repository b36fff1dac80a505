#include "connectiondialog.h"

#include "secrets/secretstore.h"
#include "sentinel/connectioncheck.h"
#include "sentinel/sentineluri.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

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
    m_uriError->setStyleSheet(QStringLiteral("color: #dc322f"));
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
    m_addressMap = edit(QStringLiteral("addressMap"), tr("reported:port=reachable:port, … (Docker, Kubernetes)"));

    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Sentinel URI:"), m_uri);
    form->addRow(QString(), m_uriError);
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
    form->addRow(tr("Address map:"), m_addressMap);
    right->addLayout(form);

    m_test = new QPushButton(tr("Test connection"), this);
    m_test->setObjectName(QStringLiteral("test"));
    right->addWidget(m_test, 0, Qt::AlignLeft);
    m_results = new QListWidget(this);
    m_results->setObjectName(QStringLiteral("results"));
    m_results->setMaximumHeight(110);
    right->addWidget(m_results);
    m_error = new QLabel(this);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setStyleSheet(QStringLiteral("color: #dc322f"));
    m_error->setWordWrap(true);
    right->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("connect"));
    right->addWidget(buttons);
    outer->addLayout(right, 3);

    connect(m_uri, &QLineEdit::textChanged, this, &ConnectionDialog::applyUri);
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
}

ConnectionDialog::~ConnectionDialog() = default;

void ConnectionDialog::applyUri()
{
    const QString text = m_uri->text().trimmed();
    if (text.isEmpty()) {
        m_uriError->clear();
        return;
    }
    SentinelUri uri;
    QString error;
    if (!SentinelUri::parse(text, &uri, &error)) {
        m_uriError->setText(error);
        return;
    }
    if (uri.tls) {
        // The dialog has no TLS section yet: never drop the s of rediss silently and connect in clear text.
        m_uriError->setText(tr("This URI asks for TLS, which this dialog cannot set yet; start vigil with --tls "
                               "(and --cacert) instead."));
        return;
    }
    m_uriError->clear();
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
    p.addressMap = m_addressMap->text();
    p.rememberSecrets = m_remember->isEnabled() && m_remember->isChecked();
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
    m_addressMap->setText(p.addressMap);
    m_remember->setChecked(p.rememberSecrets);
    m_sentinelPassword->clear();
    m_dataPassword->clear();
}

bool ConnectionDialog::buildTarget(SentinelTarget *target)
{
    QString error;
    if (!profile().toTarget(target, m_sentinelPassword->text().toUtf8(), m_dataPassword->text().toUtf8(), &error)) {
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
    m_results->clear();
    for (int step = 0; step < ConnectionCheck::StepCount; ++step)
        m_results->addItem(QStringLiteral("… %1").arg(ConnectionCheck::stepName(ConnectionCheck::Step(step))));
    m_test->setEnabled(false);
    QMetaObject::invokeMethod(
        m_check, [check = m_check, target] { check->run(target); }, Qt::QueuedConnection);
}

void ConnectionDialog::handleStep(int step, bool ok, const QString &detail)
{
    if (QListWidgetItem *item = m_results->item(step)) {
        item->setText(QStringLiteral("%1 %2: %3")
                          .arg(ok ? QStringLiteral("✓") : QStringLiteral("✗"),
                               ConnectionCheck::stepName(ConnectionCheck::Step(step)), detail));
        item->setForeground(ok ? QColor(0x2a, 0xa1, 0x98) : QColor(0xdc, 0x32, 0x2f));
    }
}

void ConnectionDialog::handleCheckFinished(bool ok)
{
    m_test->setEnabled(true);
    m_error->setText(ok ? QString() : tr("The connection does not work yet: see the first ✗ above."));
}

void ConnectionDialog::listMasters()
{
    SentinelTarget target;
    QString bad;
    target.seeds = HostPort::parseList(m_seeds->text(), &bad);
    if (target.seeds.isEmpty()) {
        m_error->setText(bad.isEmpty() ? tr("Give at least one sentinel as host:port.")
                                       : tr("'%1' is not a host:port address.").arg(bad));
        return;
    }
    target.sentinelUser = m_sentinelUser->text().toUtf8();
    target.sentinelPassword = m_sentinelPassword->text().toUtf8();
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
    if (!buildTarget(&m_target))
        return;
    QDialog::accept();
}
