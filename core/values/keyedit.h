#pragma once

#include "resp/respcommand.h"
#include "resp/respvalue.h"
#include "values/valuepager.h"

#include <QByteArray>
#include <QList>
#include <QString>

// One change to a key that a user asked for: the command that makes it and how to read the server's answer.
//
// Nothing the user did not touch changes. Every edit of something the user saw is guarded on the server, in the same
// step as the change (a small Lua script checks, then writes): a string or hash value is replaced or removed only if
// it still is the value that was read (compared by SHA-1), a list element only if its index still holds it, a zset
// score only if it is still the score shown; renaming a set or zset member needs the old member there and the new
// name free (else the two would merge, or a score be overwritten). Otherwise the server refuses with "CHANGED ..."
// (or "TAKEN ...") and nothing is written. Adds never overwrite (HSETNX, ZADD NX, RENAMENX) and never recreate a key
// deleted meanwhile (the script checks EXISTS; RPUSHX). A new key is made only where no key has its name: the script
// checks EXISTS, then writes its first value and its TTL, in one step (else "TAKEN", and nothing is written).
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
        ZSetEdit,
        ZSetRemove,
        StreamRemove,
        Create,
    };

    static KeyEdit remove(QList<QByteArray> keys);
    static KeyEdit rename(QByteArray key, QByteArray newName);
    static KeyEdit expire(QByteArray key, qint64 seconds);
    static KeyEdit persist(QByteArray key);
    // `seen`: the whole value (or the field's value) as the user read it.
    static KeyEdit setString(QByteArray key, const QByteArray &seen, QByteArray value);
    static KeyEdit hashAdd(QByteArray key, QByteArray field, QByteArray value);
    static KeyEdit hashSet(QByteArray key, QByteArray field, const QByteArray &seen, QByteArray value);
    static KeyEdit hashRemove(QByteArray key, QByteArray field, const QByteArray &seen);
    static KeyEdit listAppend(QByteArray key, QByteArray element);
    static KeyEdit listSet(QByteArray key, qint64 index, QByteArray seen, QByteArray element);
    static KeyEdit listRemove(QByteArray key, qint64 index, QByteArray seen);
    static KeyEdit setAdd(QByteArray key, QByteArray member);
    static KeyEdit setRemove(QByteArray key, QByteArray member);
    static KeyEdit setReplace(QByteArray key, QByteArray member, QByteArray newMember);
    static KeyEdit zsetAdd(QByteArray key, QByteArray member, double score);
    // Renames a member, changes its score, or both. `seenScore` is the score as the server wrote it.
    static KeyEdit zsetEdit(QByteArray key, QByteArray member, QByteArray seenScore, QByteArray newMember, double score);
    static KeyEdit zsetRemove(QByteArray key, QByteArray member);
    static KeyEdit streamRemove(QByteArray key, QByteArray id);
    // A new key of `type` (not Other) holding one value: `value` for a string, an element for a list, a member for a
    // set or zset (with `score`), a field's value for a hash or a stream entry (with `field`). `ttlSeconds` <= 0: none.
    static KeyEdit create(QByteArray key, ValueType type, QByteArray field, QByteArray value, double score,
                          qint64 ttlSeconds);

    Kind kind() const { return m_kind; }
    // The key changed (the first of several for Delete).
    QByteArray key() const { return m_keys.value(0); }
    const QList<QByteArray> &keys() const { return m_keys; }
    const QByteArray &newName() const { return m_value; }
    // Create: the type made, as TYPE names it ("hash").
    QByteArray createdType() const { return m_kind == Kind::Create ? m_seen : QByteArray(); }

    RespCommand command() const;
    // Empty when the reply means the change was made; otherwise what went wrong, in words.
    QString problem(const RespValue &reply) const;
    // Whether the change adds or removes keys, so the key tree must follow.
    bool changesKeys() const { return m_kind == Kind::Delete || m_kind == Kind::Rename || m_kind == Kind::Create; }

private:
    KeyEdit(Kind kind, QList<QByteArray> keys)
        : m_kind(kind)
        , m_keys(std::move(keys))
    {
    }

    Kind m_kind;
    QList<QByteArray> m_keys;
    QByteArray m_member; // field, member, entry id
    QByteArray m_seen;   // what the user saw: a list element, a zset score, the SHA-1 of a value
    QByteArray m_value;  // new value, new member, new name
    qint64 m_number = 0; // list index, seconds
    double m_score = 0;
};
