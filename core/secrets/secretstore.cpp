#include "secretstore.h"

#include "keychainsecretstore.h"

#include <QCoreApplication>
#include <QPointer>

#include <array>
#include <memory>

namespace {

constexpr std::array roles{SecretRole::SentinelPassword, SecretRole::DataPassword, SecretRole::KeyPassphrase,
                           SecretRole::SshSecret};

QString roleKey(SecretRole role)
{
    switch (role) {
    case SecretRole::SentinelPassword:
        return QStringLiteral("sentinel-password");
    case SecretRole::DataPassword:
        return QStringLiteral("data-password");
    case SecretRole::KeyPassphrase:
        return QStringLiteral("tls-key-passphrase");
    case SecretRole::SshSecret:
        return QStringLiteral("ssh-secret");
    }
    return {};
}

QString roleWords(SecretRole role)
{
    switch (role) {
    case SecretRole::SentinelPassword:
        return QStringLiteral("sentinel password");
    case SecretRole::DataPassword:
        return QStringLiteral("data password");
    case SecretRole::KeyPassphrase:
        return QStringLiteral("TLS key passphrase");
    case SecretRole::SshSecret:
        return QStringLiteral("SSH password or key passphrase");
    }
    return {};
}

QString failure(const QString &verb, SecretRole role, const QString &profile, const QString &why)
{
    return QStringLiteral("keychain: could not %1 the %2 of '%3': %4").arg(verb, roleWords(role), profile, why);
}

// Calls `done` unless the context it was given has gone meanwhile (a dialog closed while the keychain answered).
template<typename Callback>
auto guarded(QObject *context, Callback done)
{
    return [hadContext = context != nullptr, context = QPointer<QObject>(context), done](auto &&...args) {
        if (!hadContext || context)
            done(std::forward<decltype(args)>(args)...);
    };
}

SecretStore *sharedStore = nullptr;

} // namespace

QByteArray ProfileSecrets::value(SecretRole role) const
{
    switch (role) {
    case SecretRole::SentinelPassword:
        return sentinelPassword;
    case SecretRole::DataPassword:
        return dataPassword;
    case SecretRole::KeyPassphrase:
        return keyPassphrase;
    case SecretRole::SshSecret:
        return sshSecret;
    }
    return {};
}

void ProfileSecrets::setValue(SecretRole role, const QByteArray &secret)
{
    switch (role) {
    case SecretRole::SentinelPassword:
        sentinelPassword = secret;
        break;
    case SecretRole::DataPassword:
        dataPassword = secret;
        break;
    case SecretRole::KeyPassphrase:
        keyPassphrase = secret;
        break;
    case SecretRole::SshSecret:
        sshSecret = secret;
        break;
    }
}

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
{
}

SecretStore::~SecretStore()
{
    if (sharedStore == this)
        sharedStore = nullptr;
}

QString SecretStore::entryKey(const QString &profile, SecretRole role)
{
    return roleKey(role) + QLatin1Char('/') + profile;
}

void SecretStore::setState(State state, const QString &reason)
{
    const QString newReason = state == State::Unavailable ? reason : QString();
    if (state == m_state && newReason == m_reason)
        return;
    m_state = state;
    m_reason = newReason;
    Q_EMIT stateChanged();
}

void SecretStore::probe()
{
    // A key no profile can have: the answer "not found" proves the keychain works without touching a real entry.
    readEntry(QStringLiteral("probe/"), [](const Reply &) {});
}

void SecretStore::readProfile(const QString &profile, QObject *context, ReadDone done)
{
    auto finish = guarded(context, std::move(done));
    auto secrets = std::make_shared<ProfileSecrets>();
    auto step = std::make_shared<std::function<void(size_t)>>();
    *step = [this, profile, secrets, finish, weakStep = std::weak_ptr(step)](size_t i) {
        if (i == roles.size()) {
            finish(*secrets, QString());
            return;
        }
        const SecretRole role = roles.at(i);
        readEntry(entryKey(profile, role), [=, next = weakStep.lock()](const Reply &reply) {
            if (reply.status == Reply::Status::Failed) {
                finish(ProfileSecrets(), failure(QStringLiteral("read"), role, profile, reply.error));
                return;
            }
            secrets->setValue(role, reply.status == Reply::Status::Ok ? reply.data : QByteArray());
            (*next)(i + 1);
        });
    };
    (*step)(0);
}

void SecretStore::writeProfile(const QString &profile, const ProfileSecrets &secrets, QObject *context, Done done)
{
    auto finish = guarded(context, std::move(done));
    auto step = std::make_shared<std::function<void(size_t)>>();
    *step = [this, profile, secrets, finish, weakStep = std::weak_ptr(step)](size_t i) {
        if (i == roles.size()) {
            finish(QString());
            return;
        }
        const SecretRole role = roles.at(i);
        const QByteArray secret = secrets.value(role);
        auto after = [=, next = weakStep.lock()](const Reply &reply) {
            if (reply.status == Reply::Status::Failed) {
                finish(failure(secret.isEmpty() ? QStringLiteral("remove") : QStringLiteral("store"), role, profile,
                               reply.error));
                return;
            }
            (*next)(i + 1);
        };
        if (secret.isEmpty())
            removeEntry(entryKey(profile, role), after);
        else
            writeEntry(entryKey(profile, role), secret, after);
    };
    (*step)(0);
}

void SecretStore::removeProfile(const QString &profile, QObject *context, Done done)
{
    writeProfile(profile, ProfileSecrets(), context, std::move(done));
}

void SecretStore::renameProfile(const QString &from, const QString &to, QObject *context, Done done)
{
    auto finish = guarded(context, std::move(done));
    if (from == to) {
        QMetaObject::invokeMethod(
            this, [finish] { finish(QString()); }, Qt::QueuedConnection);
        return;
    }
    // The old entries go only once the new ones are written: a failure half-way leaves the secrets where they were.
    readProfile(from, nullptr, [this, from, to, finish](const ProfileSecrets &secrets, const QString &error) {
        if (!error.isEmpty()) {
            finish(error);
            return;
        }
        writeProfile(to, secrets, nullptr, [this, from, finish](const QString &error) {
            if (!error.isEmpty()) {
                finish(error);
                return;
            }
            removeProfile(from, nullptr, finish);
        });
    });
}

SecretStore *SecretStore::shared()
{
    // Named after the application, so a test program's entries are never the application's.
    if (!sharedStore) {
        const QString name = QCoreApplication::applicationName();
        sharedStore
            = new KeychainSecretStore(name.isEmpty() ? QStringLiteral("Vigil") : name, QCoreApplication::instance());
    }
    return sharedStore;
}

void SecretStore::setShared(SecretStore *store)
{
    sharedStore = store;
}
