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

namespace {
void appendEscaped(QByteArray &out, QByteArrayView bytes, qsizetype limit)
{
    static const char digits[] = "0123456789abcdef";
    for (const char c : bytes) {
        if (out.size() >= limit)
            return;
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && c != '\\') {
            out += c;
        } else {
            out += "\\x";
            out += digits[u >> 4];
            out += digits[u & 0xf];
        }
    }
}

// Renders into `out` until it holds `limit` bytes; the caller cuts and marks the rest.
void render(const RespValue &value, QByteArray &out, qsizetype limit)
{
    if (out.size() >= limit)
        return;
    switch (value.type()) {
    case RespValue::Type::Nil:
        out += "(nil)";
        return;
    case RespValue::Type::Integer:
        out += "(integer) " + QByteArray::number(value.toInteger());
        return;
    case RespValue::Type::Status:
        appendEscaped(out, value.toByteArray(), limit);
        return;
    case RespValue::Type::Error:
        out += "(error) ";
        appendEscaped(out, value.toByteArray(), limit);
        return;
    case RespValue::Type::Bulk:
        out += '"';
        appendEscaped(out, value.toByteArray(), limit);
        out += '"';
        return;
    case RespValue::Type::Array:
        out += '[';
        for (qsizetype i = 0; i < value.size() && out.size() < limit; ++i) {
            if (i)
                out += ", ";
            render(value.at(i), out, limit);
        }
        out += ']';
        return;
    }
}

QByteArray cut(QByteArray out, qsizetype limit)
{
    if (out.size() <= limit)
        return out;
    // Never half an escape: every backslash in `out` starts one of four bytes.
    const qsizetype slash = out.lastIndexOf('\\', limit - 1);
    out.truncate(slash >= 0 && slash + 4 > limit ? slash : limit);
    return out + "\xe2\x80\xa6"; // …
}
} // namespace

QByteArray RespValue::preview(qsizetype limit) const
{
    QByteArray out;
    // One element past the limit is enough to know that something was cut.
    render(*this, out, limit + 1);
    return cut(out, limit);
}

QByteArray RespValue::printable(QByteArrayView bytes, qsizetype limit)
{
    QByteArray out;
    appendEscaped(out, bytes, limit + 1);
    return cut(out, limit);
}

bool RespValue::operator==(const RespValue &other) const
{
    return m_type == other.m_type && m_integer == other.m_integer && m_bytes == other.m_bytes
           && m_elements == other.m_elements;
}
