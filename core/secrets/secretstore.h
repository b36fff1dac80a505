#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

// The secrets a profile may remember, one keychain entry each.
enum class SecretRole { SentinelPassword, DataPassword, KeyPassphrase, SshSecret };

struct ProfileSecrets
{
    QByteArray sentinelPassword;
    QByteArray dataPassword;
    QByteArray keyPassphrase; // the TLS client key's
    QByteArray sshSecret;     // the SSH password, or the SSH key's passphrase: what the profile's login method needs

    QByteArray value(SecretRole role) const;
    void setValue(SecretRole role, const QByteArray &secret);
    bool isEmpty() const
    {
        return sentinelPassword.isEmpty() && dataPassword.isEmpty() && keyPassphrase.isEmpty() && sshSecret.isEmpty();
    }
};

// Where remembered passwords live: the OS keychain (KeychainSecretStore), or memory (MemorySecretStore, for tests).
// Never a plain file: a store that cannot reach its keychain says so, in words, and keeps nothing.
//
// Every call is asynchronous and answers exactly once, through `done`, unless `context` was deleted first; a
// keychain that does not answer within the store's bound answers with an error, never a hang. An empty error means
// success.
class SecretStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    enum class State { Unknown, Available, Unavailable };

    using Done = std::function<void(const QString &error)>;
    using ReadDone = std::function<void(const ProfileSecrets &secrets, const QString &error)>;

    ~SecretStore() override;

    // Unknown until probe() answered or a call reached the keychain.
    State state() const { return m_state; }
    // Why passwords are not remembered, e.g. "no secret service (keychain) is running"; empty while available.
    QString unavailableReason() const { return m_reason; }

    // Asks the keychain whether it works (a read of an entry that does not exist); stateChanged() tells.
    void probe();

    // All roles of one profile. Reading a role with no entry gives an empty secret, not an error. Writing an empty
    // secret removes the role's entry, so a cleared field is forgotten too.
    void readProfile(const QString &profile, QObject *context, ReadDone done);
    void writeProfile(const QString &profile, const ProfileSecrets &secrets, QObject *context, Done done);
    void removeProfile(const QString &profile, QObject *context, Done done);
    // Moves every entry of `from` to `to` (read, write, then remove the old ones).
    void renameProfile(const QString &from, const QString &to, QObject *context, Done done);

    // The store the application uses: a KeychainSecretStore named after the application ("Vigil"), made on first use,
    // unless a test set another.
    static SecretStore *shared();
    static void setShared(SecretStore *store);

    // The key of one entry: "<role>/<profile>". The role comes first, so any profile name is unambiguous.
    static QString entryKey(const QString &profile, SecretRole role);

Q_SIGNALS:
    void stateChanged();

protected:
    explicit SecretStore(QObject *parent = nullptr);

    struct Reply
    {
        enum class Status { Ok, NotFound, Failed };
        Status status = Status::Ok;
        QByteArray data;
        QString error; // words, when Failed
    };
    using ReplyDone = std::function<void(const Reply &reply)>;

    // One entry each; `done` is called exactly once, never from inside the call itself.
    virtual void readEntry(const QString &key, ReplyDone done) = 0;
    virtual void writeEntry(const QString &key, const QByteArray &data, ReplyDone done) = 0;
    virtual void removeEntry(const QString &key, ReplyDone done) = 0;

    void setState(State state, const QString &reason = {});

private:
    State m_state = State::Unknown;
    QString m_reason;
};
