#pragma once

#include "values/keyedit.h"
#include "values/valuepager.h"

#include <QObject>
#include <QPointer>

class MasterLink;
class QMenu;
class QWidget;

// The changes a user makes to keys and values, each one asked for, confirmed, then sent to the current master through
// the MasterLink. Destructive actions (delete, remove, clear TTL, overwrite) ask "are you sure" in words that name the
// key and, for several keys, how many; edits open a small form that says which node they write to, and its button is
// the confirmation. The answer comes back as signals: the key tree follows keysRemoved/keyAdded, the value pane
// reloads on keyChanged, and failed() carries the server's refusal in words ("a key with the new name already
// exists"). After each write, where the master has replicas, the link asks (WAIT) whether one of them has it; if none
// does yet, warned() says so instead of succeeded(): a failover at that moment would lose the change.
//
// In read-only mode nothing is asked: every action reports that the connection is read-only (and RedisConnection
// would refuse the command anyway).
class KeyActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyActions)

public:
    KeyActions(MasterLink *link, QWidget *dialogParent, QObject *parent = nullptr);
    ~KeyActions() override;

    // Read-only by the user's choice, or by ACL (the user may not write); the reason in words, empty when writable.
    bool isReadOnly() const;
    QString readOnlyReason() const;

    // "New key…": a form for the name, the type, the first value and an optional TTL. The key is made only if no key
    // has the name (checked on the server in the same step). `prefix` starts the name (the namespace selected).
    void createKey(const QByteArray &prefix = {});
    void deleteKeys(const QList<QByteArray> &keys);
    void renameKey(const QByteArray &key);
    void setTtl(const QByteArray &key, qint64 currentSeconds = -1);
    void clearTtl(const QByteArray &key);
    void editString(const QByteArray &key, const QByteArray &current);
    void addElement(const QByteArray &key, ValueType type);
    void editElement(const QByteArray &key, ValueType type, const ValueRow &row);
    void removeElement(const QByteArray &key, ValueType type, const ValueRow &row);

    // The clipboard: a key's name as raw bytes (text where it is valid UTF-8, and the exact bytes as
    // application/octet-stream), or escaped as the tree shows it; a value's bytes the same way.
    static void copyBytes(const QByteArray &bytes);
    static void copyText(const QString &text);

    // Runs an edit without asking: what the dialogs end in, and what tests and scripts call.
    void run(const KeyEdit &edit);
    // The key tree's context menu: delete, rename, TTL, copy name. `keys` are the selected keys (not namespaces),
    // `nameAt` the row under the pointer (a key or a namespace prefix, for the copy actions).
    void populateMenu(QMenu *menu, const QList<QByteArray> &keys, const QByteArray &nameAt);

Q_SIGNALS:
    void keysRemoved(const QList<QByteArray> &keys);
    void keyAdded(const QByteArray &key);
    // Emitted before keysRemoved/keyAdded: the tree moves the key's type (its badge) to the new name.
    void keyRenamed(const QByteArray &from, const QByteArray &to);
    // The type of a key this made (New key…), emitted before keyAdded.
    void keyTypeKnown(const QByteArray &key, const QByteArray &type);
    void keyChanged(const QByteArray &key);
    void succeeded(const QString &message);
    // The write was made, but no replica had it within MasterLink::replicaWaitMs.
    void warned(const QString &message);
    void failed(const QString &message);

private:
    bool confirm(const QString &question, const QString &yes);
    bool refuseIfReadOnly(const QString &what);
    QString roleNote() const;
    QString describe(const KeyEdit &edit) const;
    QString target() const;

    MasterLink *m_link;
    QPointer<QWidget> m_dialogParent;
};
