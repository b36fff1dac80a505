#include "commandpolicy.h"

#include "respvalue.h"

#include <QSet>

namespace {
const QSet<QByteArray> &readOnlyCommands()
{
    static const QSet<QByteArray> commands = {
        // connection and server
        "AUTH",
        "HELLO",
        "SELECT",
        "PING",
        "ECHO",
        "QUIT",
        "INFO",
        "ROLE",
        "DBSIZE",
        "TIME",
        "LASTSAVE",
        "COMMAND",
        "READONLY",
        "WAIT",
        "SUBSCRIBE",
        "PSUBSCRIBE",
        "UNSUBSCRIBE",
        "PUNSUBSCRIBE",
        // keyspace
        "SCAN",
        "TYPE",
        "EXISTS",
        "TTL",
        "PTTL",
        "EXPIRETIME",
        "PEXPIRETIME",
        "RANDOMKEY",
        "TOUCH",
        // strings
        "GET",
        "MGET",
        "GETRANGE",
        "SUBSTR",
        "STRLEN",
        "GETBIT",
        "BITCOUNT",
        "BITPOS",
        "LCS",
        // hashes
        "HGET",
        "HMGET",
        "HLEN",
        "HEXISTS",
        "HSTRLEN",
        "HSCAN",
        "HRANDFIELD",
        "HKEYS",
        "HVALS",
        "HGETALL",
        // lists
        "LRANGE",
        "LLEN",
        "LINDEX",
        "LPOS",
        // sets
        "SCARD",
        "SISMEMBER",
        "SMISMEMBER",
        "SSCAN",
        "SRANDMEMBER",
        "SMEMBERS",
        "SINTERCARD",
        // sorted sets
        "ZCARD",
        "ZSCORE",
        "ZMSCORE",
        "ZRANGE",
        "ZRANGEBYSCORE",
        "ZRANGEBYLEX",
        "ZREVRANGE",
        "ZREVRANGEBYSCORE",
        "ZREVRANGEBYLEX",
        "ZRANK",
        "ZREVRANK",
        "ZCOUNT",
        "ZLEXCOUNT",
        "ZSCAN",
        "ZRANDMEMBER",
        // streams
        "XLEN",
        "XRANGE",
        "XREVRANGE",
        "XINFO",
        "XPENDING",
        // hyperloglog, geo
        "PFCOUNT",
        "GEOPOS",
        "GEODIST",
        "GEOHASH",
        "GEOSEARCH",
    };
    return commands;
}

// Commands that are read-only only with some subcommands.
bool readOnlySubcommand(const QByteArray &name, const QByteArray &sub)
{
    if (name == "CLIENT") {
        static const QSet<QByteArray> ok = {"SETNAME", "GETNAME", "ID", "INFO", "LIST"};
        return ok.contains(sub);
    }
    if (name == "SENTINEL") {
        static const QSet<QByteArray> ok
            = {"MASTERS",  "MASTER",     "REPLICAS", "SLAVES", "SENTINELS", "GET-MASTER-ADDR-BY-NAME",
               "CKQUORUM", "INFO-CACHE", "MYID"};
        return ok.contains(sub);
    }
    if (name == "OBJECT") {
        static const QSet<QByteArray> ok = {"ENCODING", "FREQ", "IDLETIME", "REFCOUNT", "HELP"};
        return ok.contains(sub);
    }
    if (name == "MEMORY") {
        static const QSet<QByteArray> ok = {"USAGE", "STATS", "DOCTOR"};
        return ok.contains(sub);
    }
    if (name == "CONFIG")
        return sub == "GET";
    if (name == "SLOWLOG")
        return sub == "GET" || sub == "LEN";
    return false;
}
} // namespace

bool Resp::isReadOnlyCommand(const RespCommand &command)
{
    if (command.isEmpty())
        return false;
    const QByteArray name = command.first().toUpper();
    if (readOnlyCommands().contains(name))
        return true;
    return command.size() > 1 && readOnlySubcommand(name, command.at(1).toUpper());
}

bool Resp::isSubscribeCommand(const RespCommand &command)
{
    if (command.isEmpty())
        return false;
    const QByteArray name = command.first().toUpper();
    return name == "SUBSCRIBE" || name == "PSUBSCRIBE";
}

bool Resp::isPermissionError(const RespValue &reply)
{
    return reply.isError() && reply.errorCode() == "NOPERM";
}

bool Resp::isCommandDenied(const RespValue &reply)
{
    return isPermissionError(reply) && reply.toByteArray().contains("permissions to run");
}

bool Resp::isKeyDenied(const RespValue &reply)
{
    return isPermissionError(reply) && reply.toByteArray().contains("access one of the keys");
}
