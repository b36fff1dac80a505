#include "keyedit.h"

#include <QUuid>

namespace {
// Replaces the element at ARGV[1] with ARGV[3] only if it still holds ARGV[2].
const QByteArray listSetScript = QByteArrayLiteral(
    "if redis.call('LINDEX', KEYS[1], ARGV[1]) ~= ARGV[2] then "
    "return redis.error_reply('CHANGED the element at this index is not the one shown any more') end "
    "return redis.call('LSET', KEYS[1], ARGV[1], ARGV[3])");
// Removes the element at ARGV[1] if it still holds ARGV[2]: mark it with a unique token, then LREM the token.
const QByteArray listRemoveScript = QByteArrayLiteral(
    "if redis.call('LINDEX', KEYS[1], ARGV[1]) ~= ARGV[2] then "
    "return redis.error_reply('CHANGED the element at this index is not the one shown any more') end "
    "redis.call('LSET', KEYS[1], ARGV[1], ARGV[3]) "
    "return redis.call('LREM', KEYS[1], 1, ARGV[3])");
const QByteArray setReplaceScript
    = QByteArrayLiteral("if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then "
                        "return redis.error_reply('CHANGED the member is no longer in the set') end "
                        "return redis.call('SADD', KEYS[1], ARGV[2])");
const QByteArray zsetRenameScript = QByteArrayLiteral(
    "local score = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
    "if not score then return redis.error_reply('CHANGED the member is no longer in the sorted set') end "
    "redis.call('ZREM', KEYS[1], ARGV[1]) "
    "return redis.call('ZADD', KEYS[1], score, ARGV[2])");

QByteArray scoreText(double score)
{
    return QByteArray::number(score, 'g', 17);
}
} // namespace

KeyEdit KeyEdit::remove(QList<QByteArray> keys)
{
    return {Kind::Delete, std::move(keys)};
}

KeyEdit KeyEdit::rename(QByteArray key, QByteArray newName)
{
    KeyEdit e(Kind::Rename, {std::move(key)});
    e.m_value = std::move(newName);
    return e;
}

KeyEdit KeyEdit::expire(QByteArray key, qint64 seconds)
{
    KeyEdit e(Kind::Expire, {std::move(key)});
    e.m_number = seconds;
    return e;
}

KeyEdit KeyEdit::persist(QByteArray key)
{
    return {Kind::Persist, {std::move(key)}};
}

KeyEdit KeyEdit::setString(QByteArray key, QByteArray value)
{
    KeyEdit e(Kind::SetString, {std::move(key)});
    e.m_value = std::move(value);
    return e;
}

KeyEdit KeyEdit::hashAdd(QByteArray key, QByteArray field, QByteArray value)
{
    KeyEdit e(Kind::HashAdd, {std::move(key)});
    e.m_member = std::move(field);
    e.m_value = std::move(value);
    return e;
}

KeyEdit KeyEdit::hashSet(QByteArray key, QByteArray field, QByteArray value)
{
    KeyEdit e = hashAdd(std::move(key), std::move(field), std::move(value));
    e.m_kind = Kind::HashSet;
    return e;
}

KeyEdit KeyEdit::hashRemove(QByteArray key, QByteArray field)
{
    KeyEdit e(Kind::HashRemove, {std::move(key)});
    e.m_member = std::move(field);
    return e;
}

KeyEdit KeyEdit::listAppend(QByteArray key, QByteArray element)
{
    KeyEdit e(Kind::ListAppend, {std::move(key)});
    e.m_value = std::move(element);
    return e;
}

KeyEdit KeyEdit::listSet(QByteArray key, qint64 index, QByteArray seen, QByteArray element)
{
    KeyEdit e(Kind::ListSet, {std::move(key)});
    e.m_number = index;
    e.m_member = std::move(seen);
    e.m_value = std::move(element);
    return e;
}

KeyEdit KeyEdit::listRemove(QByteArray key, qint64 index, QByteArray seen)
{
    KeyEdit e(Kind::ListRemove, {std::move(key)});
    e.m_number = index;
    e.m_member = std::move(seen);
    // A token no real element holds, to mark the one to remove.
    e.m_value = "vigil-removed-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    return e;
}

KeyEdit KeyEdit::setAdd(QByteArray key, QByteArray member)
{
    KeyEdit e(Kind::SetAdd, {std::move(key)});
    e.m_member = std::move(member);
    return e;
}

KeyEdit KeyEdit::setRemove(QByteArray key, QByteArray member)
{
    KeyEdit e = setAdd(std::move(key), std::move(member));
    e.m_kind = Kind::SetRemove;
    return e;
}

KeyEdit KeyEdit::setReplace(QByteArray key, QByteArray member, QByteArray newMember)
{
    KeyEdit e = setAdd(std::move(key), std::move(member));
    e.m_kind = Kind::SetReplace;
    e.m_value = std::move(newMember);
    return e;
}

KeyEdit KeyEdit::zsetAdd(QByteArray key, QByteArray member, double score)
{
    KeyEdit e(Kind::ZSetAdd, {std::move(key)});
    e.m_member = std::move(member);
    e.m_score = score;
    return e;
}

KeyEdit KeyEdit::zsetScore(QByteArray key, QByteArray member, double score)
{
    KeyEdit e = zsetAdd(std::move(key), std::move(member), score);
    e.m_kind = Kind::ZSetScore;
    return e;
}

KeyEdit KeyEdit::zsetRemove(QByteArray key, QByteArray member)
{
    KeyEdit e(Kind::ZSetRemove, {std::move(key)});
    e.m_member = std::move(member);
    return e;
}

KeyEdit KeyEdit::zsetRename(QByteArray key, QByteArray member, QByteArray newMember)
{
    KeyEdit e = zsetRemove(std::move(key), std::move(member));
    e.m_kind = Kind::ZSetRename;
    e.m_value = std::move(newMember);
    return e;
}

KeyEdit KeyEdit::streamRemove(QByteArray key, QByteArray id)
{
    KeyEdit e(Kind::StreamRemove, {std::move(key)});
    e.m_member = std::move(id);
    return e;
}

RespCommand KeyEdit::command() const
{
    const QByteArray k = key();
    switch (m_kind) {
    case Kind::Delete: {
        RespCommand c = {"UNLINK"};
        for (const QByteArray &name : m_keys)
            c << name;
        return c;
    }
    case Kind::Rename:
        return {"RENAMENX", k, m_value};
    case Kind::Expire:
        return {"EXPIRE", k, QByteArray::number(m_number)};
    case Kind::Persist:
        return {"PERSIST", k};
    case Kind::SetString:
        return {"SET", k, m_value, "XX", "KEEPTTL"};
    case Kind::HashAdd:
        return {"HSETNX", k, m_member, m_value};
    case Kind::HashSet:
        return {"HSET", k, m_member, m_value};
    case Kind::HashRemove:
        return {"HDEL", k, m_member};
    case Kind::ListAppend:
        return {"RPUSH", k, m_value};
    case Kind::ListSet:
        return {"EVAL", listSetScript, "1", k, QByteArray::number(m_number), m_member, m_value};
    case Kind::ListRemove:
        return {"EVAL", listRemoveScript, "1", k, QByteArray::number(m_number), m_member, m_value};
    case Kind::SetAdd:
        return {"SADD", k, m_member};
    case Kind::SetRemove:
        return {"SREM", k, m_member};
    case Kind::SetReplace:
        return {"EVAL", setReplaceScript, "1", k, m_member, m_value};
    case Kind::ZSetAdd:
        return {"ZADD", k, "NX", scoreText(m_score), m_member};
    case Kind::ZSetScore:
        return {"ZADD", k, "XX", scoreText(m_score), m_member};
    case Kind::ZSetRemove:
        return {"ZREM", k, m_member};
    case Kind::ZSetRename:
        return {"EVAL", zsetRenameScript, "1", k, m_member, m_value};
    case Kind::StreamRemove:
        return {"XDEL", k, m_member};
    }
    return {};
}

QString KeyEdit::problem(const RespValue &reply) const
{
    if (reply.isError()) {
        const QByteArray code = reply.errorCode();
        const QByteArray text = reply.toByteArray();
        if (code == "CHANGED")
            return QString::fromUtf8(text.mid(code.size() + 1)) + QStringLiteral(": reload and try again");
        if (code == "WRONGTYPE")
            return QStringLiteral("the key holds another type now");
        if (code == "READONLY")
            return QStringLiteral("the node is a replica now (a failover?); try again in a moment");
        if (text.contains("no such key"))
            return QStringLiteral("the key no longer exists");
        // Lua errors wrap the script's own message: show the part a person can use.
        const qsizetype user = text.indexOf("CHANGED ");
        if (user >= 0)
            return QString::fromUtf8(text.mid(user + 8)) + QStringLiteral(": reload and try again");
        return QString::fromUtf8(text);
    }
    switch (m_kind) {
    case Kind::Rename:
        return reply.toInteger() == 0 ? QStringLiteral("a key with the new name already exists") : QString();
    case Kind::Expire:
        return reply.toInteger() == 0 ? QStringLiteral("the key no longer exists") : QString();
    case Kind::SetString:
        return reply.isNil() ? QStringLiteral("the key no longer exists") : QString();
    case Kind::HashAdd:
        return reply.toInteger() == 0 ? QStringLiteral("the field already exists; edit it instead") : QString();
    case Kind::SetAdd:
    case Kind::ZSetAdd:
        return reply.toInteger() == 0 ? QStringLiteral("it is already a member") : QString();
    case Kind::HashRemove:
    case Kind::SetRemove:
    case Kind::ZSetRemove:
    case Kind::StreamRemove:
        return reply.toInteger() == 0 ? QStringLiteral("it was already gone") : QString();
    default:
        return {};
    }
}
