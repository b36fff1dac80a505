#pragma once

#include "sentinel/masterresolver.h"
#include "values/valuepager.h"

#include <QDateTime>
#include <QWidget>

class Deployment;
class KeyActions;
class MasterLink;
class QLabel;
class QPushButton;
class QTimer;
class ValueView;

// The selected key: its name (escaped) and size in bytes, its type, TTL (counting down live), OBJECT ENCODING, its
// size in elements (STRLEN, HLEN, LLEN, SCARD, ZCARD or XLEN) and MEMORY USAGE; the key's actions (rename, TTL,
// delete, copy the name); and its value (ValueView). When a read finds the key gone (it expired, or someone else
// deleted it), the pane says so and when, its actions are disabled, and keyGone() lets the tree strike it out.
// Everything goes to the current master through the deployment's MasterLink, which follows the master when it
// switches.
class KeyDetails final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyDetails)

public:
    explicit KeyDetails(Deployment *deployment, QWidget *parent = nullptr);
    ~KeyDetails() override;
    void showKey(const QByteArray &key);
    void showNamespace(const QByteArray &prefix, qint64 keys);

    MasterLink *link() const { return m_link; }
    KeyActions *actions() const { return m_actions; }
    ValueView *valueView() const { return m_value; }
    QByteArray key() const { return m_key; }

    // For tests: the value shown for a field ("Type", "TTL", "Encoding", "Size", "Memory"), the last action's message.
    QString field(const QString &name) const;
    QString actionMessage() const;
    // "This key no longer exists…" once a read found the shown key gone; empty while it exists.
    QString goneText() const;
    QPushButton *button(const QString &name) const;

Q_SIGNALS:
    // The facts of the selected key arrived (its type is known).
    void detailsLoaded();
    // The ACL user may not touch this key (NOPERM for the key: outside its key patterns).
    void keyNotPermitted(const QByteArray &key);
    // A read found the shown key gone: TYPE none, PTTL -2, or EXISTS 0 when its TTL ran out or on Reload.
    void keyGone(const QByteArray &key);
    // TYPE answered for the shown key: it exists, with this type (the tree's badge, and the end of a gone mark).
    void keyTypeRead(const QByteArray &key, const QByteArray &type);

private:
    void handleMasterChanged();
    void query();
    void setField(const QString &name, const QString &value);
    void updateTtl();
    void updateButtons();
    void checkExists();
    void handleGone();
    enum class MessageKind { Done, Warning, Failed };
    void showActionMessage(const QString &text, MessageKind kind);

    MasterLink *m_link = nullptr;
    KeyActions *m_actions = nullptr;
    QByteArray m_key;
    ValueType m_type = ValueType::Other;
    quint64 m_generation = 0; // replies for an older selection are dropped
    QLabel *m_name = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_gone = nullptr;
    QHash<QString, QLabel *> m_fields;
    QPushButton *m_rename = nullptr;
    QPushButton *m_ttl = nullptr;
    QPushButton *m_persist = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_copyName = nullptr;
    ValueView *m_value = nullptr;
    QTimer *m_ttlTimer = nullptr;
    QDateTime m_expiresAt; // invalid: no TTL
    QDateTime m_goneAt;    // when a read found the key gone; invalid while it exists
};
