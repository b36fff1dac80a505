#include "memorysecretstore.h"

MemorySecretStore::MemorySecretStore(QObject *parent)
    : SecretStore(parent)
{
    setState(State::Available);
}

MemorySecretStore::~MemorySecretStore() = default;

void MemorySecretStore::setUnavailable(const QString &reason)
{
    m_unavailable = reason;
    setState(reason.isEmpty() ? State::Available : State::Unavailable, reason);
}

void MemorySecretStore::answer(ReplyDone done, const Reply &reply)
{
    QMetaObject::invokeMethod(
        this, [done, reply] { done(reply); }, Qt::QueuedConnection);
}

void MemorySecretStore::readEntry(const QString &key, ReplyDone done)
{
    Reply reply;
    if (!m_unavailable.isEmpty()) {
        reply.status = Reply::Status::Failed;
        reply.error = m_unavailable;
    } else if (const auto it = m_entries.constFind(key); it != m_entries.constEnd()) {
        reply.data = *it;
    } else {
        reply.status = Reply::Status::NotFound;
    }
    answer(std::move(done), reply);
}

void MemorySecretStore::writeEntry(const QString &key, const QByteArray &data, ReplyDone done)
{
    Reply reply;
    if (!m_unavailable.isEmpty()) {
        reply.status = Reply::Status::Failed;
        reply.error = m_unavailable;
    } else {
        m_entries.insert(key, data);
    }
    answer(std::move(done), reply);
}

void MemorySecretStore::removeEntry(const QString &key, ReplyDone done)
{
    Reply reply;
    if (!m_unavailable.isEmpty()) {
        reply.status = Reply::Status::Failed;
        reply.error = m_unavailable;
    } else {
        m_entries.remove(key);
    }
    answer(std::move(done), reply);
}
