#include "valuepager.h"

#include "glob.h"

ValueType valueTypeFromName(QByteArrayView type)
{
    if (type == "string")
        return ValueType::String;
    if (type == "hash")
        return ValueType::Hash;
    if (type == "list")
        return ValueType::List;
    if (type == "set")
        return ValueType::Set;
    if (type == "zset")
        return ValueType::ZSet;
    if (type == "stream")
        return ValueType::Stream;
    return ValueType::Other;
}

ValuePager::ValuePager(QByteArray key, ValueType type, QByteArray pattern, int pageSize)
    : m_key(std::move(key))
    , m_type(type)
    , m_pattern(pattern == "*" ? QByteArray() : std::move(pattern))
    , m_pageSize(qMax(1, pageSize))
{
    if (m_type == ValueType::Other)
        m_atEnd = true;
}

void ValuePager::setStringLength(qint64 length)
{
    m_stringLength = length;
    if (m_type == ValueType::String && m_offset >= length)
        m_atEnd = true;
}

bool ValuePager::scanned() const
{
    return m_type == ValueType::Hash || m_type == ValueType::Set || (m_type == ValueType::ZSet && !m_pattern.isEmpty());
}

RespCommand ValuePager::nextCommand() const
{
    const QByteArray count = QByteArray::number(m_pageSize);
    if (scanned()) {
        const QByteArray name = m_type == ValueType::Hash  ? QByteArrayLiteral("HSCAN")
                                : m_type == ValueType::Set ? QByteArrayLiteral("SSCAN")
                                                           : QByteArrayLiteral("ZSCAN");
        RespCommand command = {name, m_key, m_cursor};
        if (!m_pattern.isEmpty())
            command << "MATCH" << m_pattern;
        command << "COUNT" << count;
        return command;
    }
    switch (m_type) {
    case ValueType::String:
        return {"GETRANGE", m_key, QByteArray::number(m_offset), QByteArray::number(m_offset + stringPageBytes - 1)};
    case ValueType::List:
        return {"LRANGE", m_key, QByteArray::number(m_offset), QByteArray::number(m_offset + m_pageSize - 1)};
    case ValueType::ZSet:
        return {"ZRANGE", m_key, QByteArray::number(m_offset), QByteArray::number(m_offset + m_pageSize - 1),
                "WITHSCORES"};
    case ValueType::Stream:
        return {"XRANGE", m_key, m_streamFrom, "+", "COUNT", count};
    default:
        return {};
    }
}

bool ValuePager::fail(QString *error, const QString &message)
{
    m_atEnd = true;
    m_failed = true;
    if (error)
        *error = message;
    return false;
}

bool ValuePager::consume(const RespValue &reply, QList<ValueRow> *rows, QString *error)
{
    if (reply.isError())
        return fail(error, QString::fromUtf8(RespValue::printable(reply.toByteArray(), 300)));
    // A page is as big as the server makes it: quote its start only.
    const auto unexpected = [&] {
        return fail(error, QStringLiteral("unexpected reply to %1: %2")
                               .arg(QString::fromLatin1(nextCommand().first()), QString::fromUtf8(reply.preview())));
    };

    if (scanned()) {
        if (!reply.isArray() || reply.size() != 2 || !reply.at(0).isString() || !reply.at(1).isArray())
            return unexpected();
        m_cursor = reply.at(0).toByteArray();
        const RespValue &items = reply.at(1);
        const bool pairs = m_type != ValueType::Set;
        if (pairs && items.size() % 2 != 0)
            return unexpected();
        for (qsizetype i = 0; i < items.size(); i += pairs ? 2 : 1) {
            const QByteArray &element = items.at(i).toByteArray();
            ++m_fetched;
            if (m_seen.contains(element))
                continue;
            m_seen.insert(element);
            ValueRow row;
            if (m_type == ValueType::Hash) {
                row.name = element;
                row.value = items.at(i + 1).toByteArray();
            } else {
                row.value = element;
                if (pairs) {
                    row.scoreText = items.at(i + 1).toByteArray();
                    row.score = row.scoreText.toDouble();
                }
            }
            rows->append(row);
        }
        if (m_cursor == "0")
            m_atEnd = true;
        return true;
    }

    switch (m_type) {
    case ValueType::String: {
        if (!reply.isString())
            return unexpected();
        const QByteArray &page = reply.toByteArray();
        ValueRow row;
        row.index = m_offset;
        row.value = page;
        rows->append(row);
        m_offset += page.size();
        m_fetched += page.size();
        // A page shorter than asked is the end, whatever STRLEN said before (the value may have shrunk).
        if (page.size() < stringPageBytes || (m_stringLength >= 0 && m_offset >= m_stringLength))
            m_atEnd = true;
        return true;
    }
    case ValueType::List:
    case ValueType::ZSet: {
        if (!reply.isArray())
            return unexpected();
        const bool withScores = m_type == ValueType::ZSet;
        if (withScores && reply.size() % 2 != 0)
            return unexpected();
        const qsizetype step = withScores ? 2 : 1;
        const qsizetype elements = reply.size() / step;
        for (qsizetype i = 0; i < reply.size(); i += step) {
            ValueRow row;
            row.value = reply.at(i).toByteArray();
            if (withScores) {
                row.scoreText = reply.at(i + 1).toByteArray();
                row.score = row.scoreText.toDouble();
            } else {
                row.index = m_offset + i;
                if (!m_pattern.isEmpty() && !Glob::match(m_pattern, row.value))
                    continue;
            }
            rows->append(row);
        }
        m_offset += elements;
        m_fetched += elements;
        if (elements < m_pageSize)
            m_atEnd = true;
        return true;
    }
    case ValueType::Stream: {
        if (!reply.isArray())
            return unexpected();
        for (const RespValue &entry : reply.elements()) {
            if (!entry.isArray() || entry.size() != 2 || !entry.at(0).isString() || !entry.at(1).isArray())
                return unexpected();
            ValueRow row;
            row.name = entry.at(0).toByteArray();
            for (const RespValue &f : entry.at(1).elements())
                row.fields.append(f.toByteArray());
            ++m_fetched;
            m_streamFrom = '(' + row.name;
            if (!m_pattern.isEmpty()) {
                bool hit = Glob::match(m_pattern, row.name);
                for (qsizetype i = 0; !hit && i < row.fields.size(); ++i)
                    hit = Glob::match(m_pattern, row.fields.at(i));
                if (!hit)
                    continue;
            }
            rows->append(row);
        }
        if (reply.size() < m_pageSize)
            m_atEnd = true;
        return true;
    }
    default:
        return unexpected();
    }
}
