#pragma once

#include "common/workerthread.h"
#include "sentinel/connectionprofile.h"

#include <QDialog>
#include <QHash>

class ConnectionCheck;
class SecretStore;
class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSpinBox;
class QTabWidget;

// Where to connect: sentinels, master name, credentials, database, separator, read-only, address remaps, TLS, an SSH
// bastion (its password or key passphrase from the keychain, or asked on Connect; never in the settings). A pasted
// Sentinel URI fills the fields. "Test connection" checks each step on a worker thread and shows where it breaks; a
// certificate that does not verify is shown (subject, issuer, expiry, SHA-256) and can be pinned. Profiles are saved
// with QSettings, without their passwords and the key's passphrase; with "Remember passwords"
// those go to the OS keychain (SecretStore), and come back from it when the profile is opened.
class ConnectionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionDialog)

public:
    explicit ConnectionDialog(QWidget *parent = nullptr);
    ~ConnectionDialog() override;

    // Valid once the dialog was accepted.
    SentinelTarget target() const { return m_target; }
    ConnectionProfile profile() const;
    void setProfile(const ConnectionProfile &profile);

    // For tests: the lines of the last "Test connection".
    QStringList checkResults() const;

private:
    void applyUri();
    void testConnection();
    void listMasters();
    void saveProfile();
    void deleteProfile();
    void renameProfile();
    // The keychain block: whether passwords can be remembered, and why not.
    void updateKeychainNote();
    void fitKeychainNote();
    bool eventFilter(QObject *watched, QEvent *event) override;
    void readSecrets(const ConnectionProfile &profile);
    void showKeychainError(const QString &error);
    void loadProfiles();
    void handleStep(int step, int outcome, const QString &detail);
    // A step's colour: its outcome's, in the palette's light or dark value.
    void colourStep(QListWidgetItem *item) const;
    void offerCertificate(bool sentinel, const QString &node, const QByteArray &sha256, const QString &description);
    void showTls(bool on);
    void showSshAuth();
    void handleCheckFinished(bool ok);
    bool buildTarget(SentinelTarget *target);
    // Connect is enabled only while the fields make a target; the hint beside it says what is missing.
    void updateConnectButton();
    void showEvent(QShowEvent *event) override;
    void accept() override;
    // Through a bastion, Connect first checks its host key: unknown, the user is asked (Trust and connect / Cancel);
    // changed, it is refused with OpenSSH's warning.
    void checkHostKeyThenConnect(const QString &trustFingerprint);
    // Then the SSH password or key passphrase, when the login needs one and none was given: a masked prompt, with a
    // box to remember it in the keychain.
    void askSshSecretThenConnect();
    void handleHostKeyChecked(int status, const QString &hop, const QString &key, const QString &message,
                              const QString &knownHosts);

    QListWidget *m_profiles = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_uri = nullptr;
    QLabel *m_uriError = nullptr;
    QLineEdit *m_seeds = nullptr;
    QComboBox *m_master = nullptr;
    QPushButton *m_listMasters = nullptr;
    QLineEdit *m_sentinelUser = nullptr;
    QLineEdit *m_sentinelPassword = nullptr;
    QLineEdit *m_dataUser = nullptr;
    QLineEdit *m_dataPassword = nullptr;
    QSpinBox *m_db = nullptr;
    QLineEdit *m_separator = nullptr;
    QCheckBox *m_readOnly = nullptr;
    QCheckBox *m_production = nullptr;
    QLineEdit *m_addressMap = nullptr;
    QTabWidget *m_sections = nullptr;
    QGroupBox *m_tls = nullptr;
    QWidget *m_tlsFields = nullptr;
    QComboBox *m_tlsSides = nullptr;
    QCheckBox *m_tlsInsecure = nullptr;
    QLineEdit *m_caFile = nullptr;
    QLineEdit *m_certFile = nullptr;
    QLineEdit *m_keyFile = nullptr;
    QLineEdit *m_keyPassphrase = nullptr;
    QLineEdit *m_verifyAs = nullptr;
    QLineEdit *m_sentinelPin = nullptr;
    QLineEdit *m_dataPin = nullptr;
    QGroupBox *m_ssh = nullptr;
    QLineEdit *m_sshHost = nullptr;
    QLineEdit *m_sshUser = nullptr;
    QSpinBox *m_sshPort = nullptr;
    QComboBox *m_sshAuth = nullptr;
    QLineEdit *m_sshKeyFile = nullptr;
    QLineEdit *m_sshSecret = nullptr; // the key's passphrase or the password: the keychain's, never the settings
    QLabel *m_sshSecretLabel = nullptr;
    QLineEdit *m_sshConfig = nullptr;
    QLineEdit *m_sshKnownHosts = nullptr;
    QLabel *m_offer = nullptr;
    QPushButton *m_trust = nullptr;
    QPushButton *m_trustHostKey = nullptr;
    QString m_offeredHostKey;       // "SHA256:…" of the unknown host key shown
    QString m_trustFingerprint;     // the one the user trusted, for the next check
    bool m_checkingHostKey = false; // Connect waits for the bastion's host key
    bool m_offerForSentinels = false;
    QByteArray m_offeredSha256;
    QHash<int, int> m_stepRows; // step -> row of the results list
    QPushButton *m_test = nullptr;
    QListWidget *m_results = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_connectHint = nullptr;
    QPushButton *m_connect = nullptr;
    QCheckBox *m_remember = nullptr;
    QLabel *m_keychainNote = nullptr;
    SecretStore *m_secrets = nullptr;

    WorkerThread m_checkThread{QStringLiteral("vigil-check")};
    ConnectionCheck *m_check = nullptr;
    SentinelTarget m_target;
};
