#include "keychainsecretstore.h"

#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>

KeychainSecretStore::KeychainSecretStore(const QString &service, QObject *parent)
    : SecretStore(parent)
    , m_service(service)
{
}

KeychainSecretStore::~KeychainSecretStore() = default;

void KeychainSecretStore::readEntry(const QString &key, ReplyDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    run(job, std::move(done));
}

void KeychainSecretStore::writeEntry(const QString &key, const QByteArray &data, ReplyDone done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setBinaryData(data);
    run(job, std::move(done));
}

void KeychainSecretStore::removeEntry(const QString &key, ReplyDone done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    run(job, std::move(done));
}

void KeychainSecretStore::run(QKeychain::Job *job, ReplyDone done)
{
    // Never the plain-file fallback: a secret the keychain cannot keep is not kept.
    job->setInsecureFallback(false);
    job->setAutoDelete(true);

    // Whichever comes first answers, the job or the bound; the waiter goes with the answer, which cuts the other off.
    // A job past the bound is not ours any more: it deletes itself if it ever finishes.
    auto *waiter = new QObject(this);
    auto *timer = new QTimer(waiter);
    timer->setSingleShot(true);
    connect(job, &QKeychain::Job::finished, waiter, [this, waiter, done](QKeychain::Job *finished) {
        delete waiter;
        Reply reply;
        switch (finished->error()) {
        case QKeychain::NoError:
            if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(finished))
                reply.data = read->binaryData();
            setState(State::Available);
            break;
        case QKeychain::EntryNotFound:
            reply.status = Reply::Status::NotFound;
            setState(State::Available);
            break;
        case QKeychain::AccessDenied:
        case QKeychain::AccessDeniedByUser:
            reply.status = Reply::Status::Failed;
            reply.error = QStringLiteral("the keychain is locked or refused access (%1)").arg(finished->errorString());
            setState(State::Unavailable, reply.error);
            break;
        default:
            reply.status = Reply::Status::Failed;
            reply.error = QStringLiteral("no secret service (keychain) is running (%1)").arg(finished->errorString());
            setState(State::Unavailable, reply.error);
            break;
        }
        done(reply);
    });
    connect(timer, &QTimer::timeout, waiter, [this, waiter, done, seconds = m_timeoutMs / 1000.0] {
        delete waiter;
        Reply reply;
        reply.status = Reply::Status::Failed;
        reply.error = QStringLiteral("the keychain did not answer within %1 s").arg(seconds);
        setState(State::Unavailable, reply.error);
        done(reply);
    });
    timer->start(m_timeoutMs);
    job->start();
}
