#pragma once

#include "secretstore.h"

#include <QHash>

// Secrets in this process's memory only, for the tests of what uses a SecretStore. setUnavailable() makes it answer
// like a machine without a keychain.
class MemorySecretStore final : public SecretStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MemorySecretStore)

public:
    explicit MemorySecretStore(QObject *parent = nullptr);
    ~MemorySecretStore() override;

    void setUnavailable(const QString &reason);
    // What the store holds, by entryKey().
    QHash<QString, QByteArray> entries() const { return m_entries; }

protected:
    void readEntry(const QString &key, ReplyDone done) override;
    void writeEntry(const QString &key, const QByteArray &data, ReplyDone done) override;
    void removeEntry(const QString &key, ReplyDone done) override;

private:
    // Answers on the next event loop turn, as a keychain would.
    void answer(ReplyDone done, const Reply &reply);

    QHash<QString, QByteArray> m_entries;
    QString m_unavailable;
};
