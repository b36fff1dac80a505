#pragma once

#include "resp/respcommand.h"
#include "resp/respvalue.h"

#include <QByteArray>
#include <QList>
#include <QString>

// One change to a key that a user asked for: the command that makes it and how to read the server's answer.
//
// Edits of one element are guarded on the server where a plain command could hit the wrong element: a list element is
// replaced or removed only if the index still holds the value the user saw (a small Lua script checks and changes in
// one step), and renaming a set or zset member fails if the old member is gone. Adds never overwrite (HSETNX,
// ZADD NX, RENAMENX); a string edit never recreates a deleted key (SET ... XX KEEPTTL).
class KeyEdit final
{
public:
    enum class Kind {
        Delete,
        Rename,
        Expire,
        Persist,
        SetString,
        HashAdd,
        HashSet,
        HashRemove,
        ListAppend,
        ListSet,
        ListRemove,
        SetAdd,
        SetRemove,
        SetReplace,
        ZSetAdd,
        ZSetScore,
        ZSetRemove,
        ZSetRename,
        StreamRemove,
    };

    static KeyEdit remove(QList<QByteArray> keys);
    static KeyEdit rename(QByteArray key, QByteArray newName);
    static KeyEdit expire(QByteArray key, qint64 seconds);
    static KeyEdit persist(QByteArray key);
    static KeyEdit setString(QByteArray key, QByteArray value);
    static KeyEdit hashAdd(QByteArray key, QByteArray field, QByteArray value);
    static KeyEdit hashSet(QByteArray key, QByteArray field, QByteArray value);
    static KeyEdit hashRemove(QByteArray key, QByteArray field);
    static KeyEdit listAppend(QByteArray key, QByteArray element);
    static KeyEdit listSet(QByteArray key, qint64 index, QByteArray seen, QByteArray element);
    static KeyEdit listRemove(QByteArray key, qint64 index, QByteArray seen);
    static KeyEdit setAdd(QByteArray key, QByteArray member);
    static KeyEdit setRemove(QByteArray key, QByteArray member);
    static KeyEdit setReplace(QByteArray key, QByteArray member, QByteArray newMember);
    static KeyEdit zsetAdd(QByteArray key, QByteArray member, double score);
    static KeyEdit zsetScore(QByteArray key, QByteArray member, double score);
    static KeyEdit zsetRemove(QByteArray key, QByteArray member);
    static KeyEdit zsetRename(QByteArray key, QByteArray member, QByteArray newMember);
    static KeyEdit streamRemove(QByteArray key, QByteArray id);

    Kind kind() const { return m_kind; }
    // The key changed (the first of several for Delete).
    QByteArray key() const { return m_keys.value(0); }
    const QList<QByteArray> &keys() const { return m_keys; }
    const QByteArray &newName() const { return m_value; }

    RespCommand command() const;
    // Empty when the reply means the change was made; otherwise what went wrong, in words.
    QString problem(const RespValue &reply) const;
    // Whether the change adds or removes keys, so the key tree must follow.
    bool changesKeys() const { return m_kind == Kind::Delete || m_kind == Kind::Rename; }

private:
    KeyEdit(Kind kind, QList<QByteArray> keys)
        : m_kind(kind)
        , m_keys(std::move(keys))
    {
    }

    Kind m_kind;
    QList<QByteArray> m_keys;
    QByteArray m_member; // field, member, element, entry id
    QByteArray m_value;  // new value, new member, new name
    qint64 m_number = 0; // list index, seconds
    double m_score = 0;
};
