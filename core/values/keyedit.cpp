#include "keyedit.h"

#include <QCryptographicHash>
#include <QUuid>

namespace {
// Every edit of something the user saw is checked by the server in the same step as the change, by a small script:
// if what was read is not there any more, it refuses with "CHANGED <what>" and writes nothing. Values are compared
// by their SHA-1 (a value can be megabytes; its digest is 40 bytes), members and fields by their bytes.

// ARGV: the SHA-1 of the value seen, the new value.
const QByteArray setStringScript
    = QByteArrayLiteral("local t = redis.call('TYPE', KEYS[1]).ok "
                        "if t == 'none' then return redis.error_reply('CHANGED the key no longer exists') end "
                        "if t ~= 'string' then return redis.error_reply('CHANGED the key holds a ' .. t .. ' now') end "
                        "if redis.sha1hex(redis.call('GET', KEYS[1])) ~= ARGV[1] then "
                        "return redis.error_reply('CHANGED the value is not the one shown any more') end "
                        "return redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')");
// ARGV: field, the SHA-1 of its value seen, the new value (empty with ARGV[4] = 'remove' to remove the field).
const QByteArray hashFieldScript = QByteArrayLiteral(
    "local v = redis.call('HGET', KEYS[1], ARGV[1]) "
    "if not v then return redis.error_reply('CHANGED the field is no longer there') end "
    "if redis.sha1hex(v) ~= ARGV[2] then return redis.error_reply('CHANGED the field holds another value now') end "
    "if ARGV[4] == 'remove' then return redis.call('HDEL', KEYS[1], ARGV[1]) end "
    "return redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])");
// Adds to a key that must still exist: ARGV is the command and its arguments after the key.
const QByteArray addToExistingScript = QByteArrayLiteral(
    "if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('CHANGED the key no longer exists') end "
    "return redis.call(ARGV[1], KEYS[1], unpack(ARGV, 2))");
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
// Renames member ARGV[1] to ARGV[2]: the old one must be there, and the new one must not (that would merge them).
const QByteArray setReplaceScript
    = QByteArrayLiteral("if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then "
                        "return redis.error_reply('CHANGED the member is no longer in the set') end "
                        "if redis.call('SISMEMBER', KEYS[1], ARGV[2]) == 1 then "
                        "return redis.error_reply('TAKEN the new member is already in the set') end "
                        "redis.call('SREM', KEYS[1], ARGV[1]) "
                        "return redis.call('SADD', KEYS[1], ARGV[2])");
// Member ARGV[1] with score ARGV[2] (as the server wrote it) becomes member ARGV[3] with score ARGV[4]. The old
// member must still have the score seen; a new name must not be taken (that would overwrite its score).
const QByteArray zsetEditScript = QByteArrayLiteral(
    "local s = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
    "if not s then return redis.error_reply('CHANGED the member is no longer in the sorted set') end "
    "if s ~= ARGV[2] then return redis.error_reply('CHANGED its score is ' .. s .. ' now') end "
    "if ARGV[3] ~= ARGV[1] then "
    "if redis.call('ZSCORE', KEYS[1], ARGV[3]) then "
    "return redis.error_reply('TAKEN the new member is already in the sorted set') end "
    "redis.call('ZREM', KEYS[1], ARGV[1]) end "
    "return redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])");
// A new key: only if no key has the name, with its first value and its TTL in the same step. ARGV: the type, the
// value (element, member), the field (hash, stream), the score (zset), the TTL in seconds (0: none).
const QByteArray createScript = QByteArrayLiteral(
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('TAKEN a key with this name exists') end "
    "local t = ARGV[1] "
    "if t == 'string' then redis.call('SET', KEYS[1], ARGV[2]) "
    "elseif t == 'hash' then redis.call('HSET', KEYS[1], ARGV[3], ARGV[2]) "
    "elseif t == 'list' then redis.call('RPUSH', KEYS[1], ARGV[2]) "
    "elseif t == 'set' then redis.call('SADD', KEYS[1], ARGV[2]) "
    "elseif t == 'zset' then redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2]) "
    "elseif t == 'stream' then redis.call('XADD', KEYS[1], '*', ARGV[3], ARGV[2]) "
    "else return redis.error_reply('ERR no such type: ' .. t) end "
    "if tonumber(ARGV[5]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[5]) end "
    "return 1");

QByteArray typeName(ValueType type)
{
    switch (type) {
    case ValueType::String:
        return "string";
    case ValueType::Hash:
        return "hash";
    case ValueType::List:
        return "list";
    case ValueType::Set:
        return "set";
    case ValueType::ZSet:
        return "zset";
    case ValueType::Stream:
        return "stream";
    case ValueType::Other:
        break;
    }
    return "other";
}

// A refusal of a guarded edit, in the words the user needs: what changed, and what to do.
QString changed(const QByteArray &what)
{
    return QStringLiteral("changed since you opened it (%1); reload and try again").arg(QString::fromUtf8(what));
}

QByteArray sha1(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex();
}

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

KeyEdit KeyEdit::setString(QByteArray key, const QByteArray &seen, QByteArray value)
{
    KeyEdit e(Kind::SetString, {std::move(key)});
    e.m_seen = sha1(seen);
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

KeyEdit KeyEdit::hashSet(QByteArray key, QByteArray field, const QByteArray &seen, QByteArray value)
{
    KeyEdit e = hashAdd(std::move(key), std::move(field), std::move(value));
    e.m_kind = Kind::HashSet;
    e.m_seen = sha1(seen);
    return e;
}

KeyEdit KeyEdit::hashRemove(QByteArray key, QByteArray field, const QByteArray &seen)
{
    KeyEdit e(Kind::HashRemove, {std::move(key)});
    e.m_member = std::move(field);
    e.m_seen = sha1(seen);
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
    e.m_seen = std::move(seen);
    e.m_value = std::move(element);
    return e;
}

KeyEdit KeyEdit::listRemove(QByteArray key, qint64 index, QByteArray seen)
{
    KeyEdit e(Kind::ListRemove, {std::move(key)});
    e.m_number = index;
    e.m_seen = std::move(seen);
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

KeyEdit KeyEdit::zsetRemove(QByteArray key, QByteArray member)
{
    KeyEdit e(Kind::ZSetRemove, {std::move(key)});
    e.m_member = std::move(member);
    return e;
}

KeyEdit KeyEdit::zsetEdit(QByteArray key, QByteArray member, QByteArray seenScore, QByteArray newMember, double score)
{
    KeyEdit e = zsetAdd(std::move(key), std::move(member), score);
    e.m_kind = Kind::ZSetEdit;
    e.m_seen = std::move(seenScore);
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
        return {"EVAL", setStringScript, "1", k, m_seen, m_value};
    case Kind::HashAdd:
        return {"EVAL", addToExistingScript, "1", k, "HSETNX", m_member, m_value};
    case Kind::HashSet:
        return {"EVAL", hashFieldScript, "1", k, m_member, m_seen, m_value, "set"};
    case Kind::HashRemove:
        return {"EVAL", hashFieldScript, "1", k, m_member, m_seen, "", "remove"};
    case Kind::ListAppend:
        return {"RPUSHX", k, m_value}; // never recreates a key deleted meanwhile
    case Kind::ListSet:
        return {"EVAL", listSetScript, "1", k, QByteArray::number(m_number), m_seen, m_value};
    case Kind::ListRemove:
        return {"EVAL", listRemoveScript, "1", k, QByteArray::number(m_number), m_seen, m_value};
    case Kind::SetAdd:
        return {"EVAL", addToExistingScript, "1", k, "SADD", m_member};
    case Kind::SetRemove:
        return {"SREM", k, m_member};
    case Kind::SetReplace:
        return {"EVAL", setReplaceScript, "1", k, m_member, m_value};
    case Kind::ZSetAdd:
        return {"EVAL", addToExistingScript, "1", k, "ZADD", "NX", scoreText(m_score), m_member};
    case Kind::ZSetEdit:
        return {"EVAL", zsetEditScript, "1", k, m_member, m_seen, m_value, scoreText(m_score)};
    case Kind::ZSetRemove:
        return {"ZREM", k, m_member};
    case Kind::StreamRemove:
        return {"XDEL", k, m_member};
    case Kind::Create:
        return {
            "EVAL", createScript, "1", k, m_seen, m_value, m_member, scoreText(m_score), QByteArray::number(m_number)};
    }
    return {};
}

KeyEdit KeyEdit::create(QByteArray key, ValueType type, QByteArray field, QByteArray value, double score,
                        qint64 ttlSeconds)
{
    KeyEdit e(Kind::Create, {std::move(key)});
    e.m_seen = typeName(type);
    e.m_member = std::move(field);
    e.m_value = std::move(value);
    e.m_score = score;
    e.m_number = qMax<qint64>(0, ttlSeconds);
    return e;
}

QString KeyEdit::problem(const RespValue &reply) const
{
    if (reply.isError()) {
        const QByteArray code = reply.errorCode();
        const QByteArray text = reply.toByteArray();
        if (code == "CHANGED")
            return changed(text.mid(code.size() + 1));
        if (code == "TAKEN")
            return QString::fromUtf8(text.mid(code.size() + 1)) + QStringLiteral("; nothing was changed");
        if (code == "WRONGTYPE")
            return QStringLiteral("the key holds another type now");
        if (code == "READONLY")
            return QStringLiteral("the node is a replica now (a failover?); try again in a moment");
        if (text.contains("no such key"))
            return QStringLiteral("the key no longer exists");
        // Lua errors wrap the script's own message: show the part a person can use.
        if (const qsizetype user = text.indexOf("CHANGED "); user >= 0)
            return changed(text.mid(user + 8));
        return QString::fromUtf8(text);
    }
    switch (m_kind) {
    case Kind::Rename:
        return reply.toInteger() == 0 ? QStringLiteral("a key with the new name already exists") : QString();
    case Kind::Expire:
        return reply.toInteger() == 0 ? QStringLiteral("the key no longer exists") : QString();
    case Kind::ListAppend:
        return reply.toInteger() == 0 ? QStringLiteral("the key no longer exists; nothing was added") : QString();
    case Kind::HashAdd:
        return reply.toInteger() == 0 ? QStringLiteral("the field already exists; edit it instead") : QString();
    case Kind::SetAdd:
    case Kind::ZSetAdd:
        return reply.toInteger() == 0 ? QStringLiteral("it is already a member") : QString();
    case Kind::SetRemove:
    case Kind::ZSetRemove:
    case Kind::StreamRemove:
        return reply.toInteger() == 0 ? QStringLiteral("it was already gone") : QString();
    default:
        return {};
    }
}
