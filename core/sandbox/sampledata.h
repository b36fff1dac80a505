#pragma once

#include "resp/respcommand.h"

#include <QByteArray>
#include <QList>

// The sandbox's sample keyspace. It is deterministic: key i is always the same key with the same type and value,
// so tests can compute the expected answer to a SCAN MATCH or SCAN TYPE without asking the server.
//
// Index 0 .. specialCount()-1 are fixed keys: one of every type, TTL keys, a large hash, and awkward names (spaces,
// newlines, quotes, invalid UTF-8, bidi controls). The rest are spread over realistic namespaces:
//   user:<id>:profile (hash), session:<uuid> (string, TTL), cache:page:<path> / cache:api:<route> (string),
//   order:<year>:<id> (hash), product:<sku> (JSON string), rate:ip:<ip> (string counter, TTL),
//   queue:<name>:<n> (list), tag:<name> (set), leaderboard:<game> (zset), events:<topic> (stream).
class SampleData final
{
public:
    struct Key
    {
        QByteArray name;
        QByteArray type; // as TYPE reports it: string, hash, list, set, zset, stream
        bool hasTtl = false;
    };

    // `generated` keys in the namespaces, plus the fixed special keys.
    explicit SampleData(qint64 generated);

    qint64 count() const { return specialCount() + m_generated; }
    static qint64 specialCount();

    Key key(qint64 index) const;
    // The commands that create key `index` (appended to `out`).
    void appendCommands(qint64 index, QList<RespCommand> *out) const;

    // Awkward key names, each one a real key in the sandbox.
    static QList<QByteArray> awkwardKeyNames();

    // The large hash used to test paged viewing, and how many fields it has.
    static QByteArray bigHashName() { return QByteArrayLiteral("big:hash"); }
    static int bigHashFields() { return 100000; }

private:
    qint64 m_generated;
};
