#pragma once

#include "sentinel/masterresolver.h"

#include <QDateTime>
#include <QWidget>

class QFormLayout;
class QLabel;
class QTimer;
class RedisConnection;

// What Vigil knows about the selected key: its name (escaped) and size in bytes, its type, TTL (counting down live),
// OBJECT ENCODING, its size in elements (STRLEN, HLEN, LLEN, SCARD, ZCARD or XLEN) and MEMORY USAGE. It asks the
// current master over a read-only connection, and follows the master when it switches.
class KeyDetails final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyDetails)

public:
    explicit KeyDetails(QWidget *parent = nullptr);
    ~KeyDetails() override;

    void setTarget(const SentinelTarget &target);
    void setMaster(const HostPort &master);
    void showKey(const QByteArray &key);
    void showNamespace(const QByteArray &prefix, qint64 keys);

    // For tests: the value shown for a field ("Type", "TTL", "Encoding", "Size", "Memory").
    QString field(const QString &name) const;

private:
    void query();
    void setField(const QString &name, const QString &value);
    void updateTtl();

    SentinelTarget m_target;
    HostPort m_master;
    RedisConnection *m_connection = nullptr;
    QByteArray m_key;
    quint64 m_generation = 0; // replies for an older selection are dropped
    QLabel *m_name = nullptr;
    QLabel *m_note = nullptr;
    QHash<QString, QLabel *> m_fields;
    QTimer *m_ttlTimer = nullptr;
    QDateTime m_expiresAt; // invalid: no TTL
};
