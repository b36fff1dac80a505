#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>

// One decoded RESP2 reply. Bulk strings, status lines and error lines are kept as raw bytes: keys and values are
// binary and are never turned into QString here.
struct RespReaderCallbacks;

class RespValue final
{
public:
    enum class Type { Nil, Integer, Status, Error, Bulk, Array };

    RespValue() = default;

    static RespValue nil() { return {}; }
    static RespValue integer(qint64 value);
    static RespValue status(QByteArray text);
    static RespValue error(QByteArray text);
    static RespValue bulk(QByteArray data);
    static RespValue array(QList<RespValue> elements);

    Type type() const { return m_type; }
    bool isNil() const { return m_type == Type::Nil; }
    bool isInteger() const { return m_type == Type::Integer; }
    bool isStatus() const { return m_type == Type::Status; }
    bool isError() const { return m_type == Type::Error; }
    bool isBulk() const { return m_type == Type::Bulk; }
    bool isArray() const { return m_type == Type::Array; }
    // A bulk or status reply: what most callers mean by "a string".
    bool isString() const { return m_type == Type::Bulk || m_type == Type::Status; }

    qint64 toInteger() const { return m_integer; }
    // The bytes of a bulk, status or error reply; empty otherwise.
    const QByteArray &toByteArray() const { return m_bytes; }
    const QList<RespValue> &elements() const { return m_elements; }
    qsizetype size() const { return m_elements.size(); }
    const RespValue &at(qsizetype i) const { return m_elements.at(i); }

    // A flat array of field/value pairs, as SENTINEL MASTER and friends answer, as a hash; empty for anything else.
    QHash<QByteArray, QByteArray> toFieldMap() const;

    // For error replies: the first word, e.g. "WRONGPASS", "NOAUTH", "ERR".
    QByteArray errorCode() const;

    // A redis-cli like rendering, for logs, tests and the CLI.
    QByteArray toDisplayString() const;
    // The same rendering, cut after about `limit` bytes (with "…"), and with every byte that is not printable ASCII
    // written as \xNN: what an error message may quote of a reply. It reads no more of the reply than it shows, so a
    // reply of a million elements costs no more to quote than one of three.
    QByteArray preview(qsizetype limit = 60) const;
    // Bytes as preview() writes them: at most `limit` of them, escaped, with "…" when cut.
    static QByteArray printable(QByteArrayView bytes, qsizetype limit = 60);

    bool operator==(const RespValue &other) const;

private:
    friend struct RespReaderCallbacks;

    Type m_type = Type::Nil;
    qint64 m_integer = 0;
    QByteArray m_bytes;
    QList<RespValue> m_elements;
};

Q_DECLARE_METATYPE(RespValue)
