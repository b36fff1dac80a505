#pragma once

#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"

#include <QList>
#include <QtGlobal>

// Least-privilege ACL users for the tests, set with ACL SETUSER on every data node and every sentinel of a sandbox.
// ACL users are not replicated, so each node needs its own, and setting them everywhere is also what keeps them
// across a failover. The rules are the ones README's "Least-privilege ACL users" section gives.
namespace AclUsers {

struct User
{
    QByteArray name;
    QByteArray password;
    QList<QByteArray> rules;
};

// Data nodes.
inline User reader()
{
    return {"reader", "reader-pw", {"~*", "+@read"}};
}
inline User connectionReader()
{
    return {"connreader", "connreader-pw", {"~*", "+@read", "+@connection"}};
}
inline User patternReader()
{
    return {"patreader", "patreader-pw", {"~user:*", "+@read"}};
}
// ROLE refused, INFO granted: the role check's second way.
inline User infoReader()
{
    return {"inforeader", "inforeader-pw", {"~*", "+@read", "+info"}};
}
// What editing needs: @write, EVAL for the guarded edits (Lua), WAIT for the replica check after each write.
inline User editor()
{
    return {"editor", "editor-pw", {"~*", "+@read", "+@write", "+eval", "+wait"}};
}
// Sentinels: only the commands Vigil sends them, and every channel for PSUBSCRIBE *.
inline User sentinelWatcher()
{
    return {"watcher",
            "watcher-pw",
            {"&*", "+psubscribe", "+sentinel|get-master-addr-by-name", "+sentinel|master", "+sentinel|replicas",
             "+sentinel|sentinels", "+sentinel|ckquorum"}};
}

inline bool setUser(const ConnectionOptions &node, const User &user)
{
    RedisConnection connection(node);
    if (const VigilError error = connection.openBlocking(); error.isError()) {
        qWarning("%s", qPrintable(error.toString()));
        return false;
    }
    RespCommand command = {"ACL", "SETUSER", user.name, "reset", "on", '>' + user.password};
    command += user.rules;
    const RespResult result = connection.execute(command);
    if (!result.ok()) {
        qWarning("ACL SETUSER %s on %s: %s", user.name.constData(), qPrintable(node.address()),
                 result.error.isError() ? qPrintable(result.error.toString()) : result.value.toByteArray().constData());
        return false;
    }
    return true;
}

inline bool setUp(const Sandbox &sandbox)
{
    for (const quint16 port : sandbox.dataPorts())
        for (const User &user : {reader(), connectionReader(), patternReader(), infoReader(), editor()})
            if (!setUser(sandbox.dataOptions(port), user))
                return false;
    for (const quint16 port : sandbox.sentinelPorts())
        if (!setUser(sandbox.sentinelOptions(port), sentinelWatcher()))
            return false;
    return true;
}

// The sandbox's target, reaching the data nodes as `user` (and the sentinels as `sentinel`, when given).
inline SentinelTarget target(const Sandbox &sandbox, const User &user, const User &sentinel = {})
{
    SentinelTarget t = sandbox.target();
    t.dataUser = user.name;
    t.dataPassword = user.password;
    if (!sentinel.name.isEmpty()) {
        t.sentinelUser = sentinel.name;
        t.sentinelPassword = sentinel.password;
    }
    return t;
}

} // namespace AclUsers
