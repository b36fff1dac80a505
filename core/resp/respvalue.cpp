#include "respvalue.h"

RespValue RespValue::integer(qint64 value)
{
    RespValue v;
    v.m_type = Type::Integer;
    v.m_integer = value;
    return v;
}

RespValue RespValue::status(QByteArray text)
{
    RespValue v;
    v.m_type = Type::Status;
    v.m_bytes = std::move(text);
    return v;
}

RespValue RespValue::error(QByteArray text)
{
    RespValue v;
    v.m_type = Type::Error;
    v.m_bytes = std::move(text);
    return v;
}

RespValue RespValue::bulk(QByteArray data)
{
    RespValue v;
    v.m_type = Type::Bulk;
    v.m_bytes = std::move(data);
    return v;
}

RespValue RespValue::array(QList<RespValue> elements)
{
    RespValue v;
    v.m_type = Type::Array;
    v.m_elements = std::move(elements);
    return v;
}

QHash<QByteArray, QByteArray> RespValue::toFieldMap() const
{
    QHash<QByteArray, QByteArray> map;
    for (qsizetype i = 0; i + 1 < m_elements.size(); i += 2)
        map.insert(m_elements.at(i).toByteArray(), m_elements.at(i + 1).toByteArray());
    return map;
}

QByteArray RespValue::errorCode() const
{
    if (m_type != Type::Error)
        return {};
    const qsizetype space = m_bytes.indexOf(' ');
    return space < 0 ? m_bytes : m_bytes.left(space);
}

QByteArray RespValue::toDisplayString() const
{
    switch (m_type) {
    case Type::Nil:
        return QByteArrayLiteral("(nil)");
    case Type::Integer:
        return QByteArrayLiteral("(integer) ") + QByteArray::number(m_integer);
    case Type::Status:
        return m_bytes;
    case Type::Error:
        return QByteArrayLiteral("(error) ") + m_bytes;
    case Type::Bulk:
        return '"' + m_bytes + '"';
    case Type::Array: {
        QByteArray out = "[";
        for (qsizetype i = 0; i < m_elements.size(); ++i) {
            if (i)
                out += ", ";
            out += m_elements.at(i).toDisplayString();
        }
        return out + ']';
    }
    }
    return {};
}

bool RespValue::operator==(const RespValue &other) const
{
    return m_type == other.m_type && m_integer == other.m_integer && m_bytes == other.m_bytes
           && m_elements == other.m_elements;
}
