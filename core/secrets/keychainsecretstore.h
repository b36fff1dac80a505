#pragma once

#include "secretstore.h"

namespace QKeychain {
class Job;
}

// The OS keychain through qtkeychain: the Secret Service (gnome-keyring, KeePassXC, …) through libsecret on Linux,
// the Keychain on macOS, the Credential Store on Windows. The insecure fallback (a plain QSettings file) stays off.
//
// qtkeychain runs one job at a time, and a job cannot be cancelled. So each entry waits at most timeoutMs for its
// job: past that the call fails, the store counts as unavailable ("did not answer"), and the job is left to finish
// (and delete itself) on its own.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeychainSecretStore)

public:
    // `service` names the application's entries in the keychain ("Vigil").
    explicit KeychainSecretStore(const QString &service, QObject *parent = nullptr);
    ~KeychainSecretStore() override;

    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    int timeout() const { return m_timeoutMs; }

protected:
    void readEntry(const QString &key, ReplyDone done) override;
    void writeEntry(const QString &key, const QByteArray &data, ReplyDone done) override;
    void removeEntry(const QString &key, ReplyDone done) override;

private:
    void run(QKeychain::Job *job, ReplyDone done);

    QString m_service;
    int m_timeoutMs = 10000;
};
