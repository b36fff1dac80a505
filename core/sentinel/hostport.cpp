#include "hostport.h"

QString HostPort::toString() const
{
    if (host.contains(QLatin1Char(':')))
        return QLatin1Char('[') + host + QStringLiteral("]:") + QString::number(port);
    return host + QLatin1Char(':') + QString::number(port);
}

HostPort HostPort::parse(const QString &text, bool *ok)
{
    const QString t = text.trimmed();
    HostPort result;
    qsizetype colon = -1;
    if (t.startsWith(QLatin1Char('['))) {
        const qsizetype close = t.indexOf(QLatin1Char(']'));
        if (close > 1 && t.mid(close + 1, 1) == QLatin1String(":")) {
            result.host = t.mid(1, close - 1);
            colon = close + 1;
        }
    } else {
        colon = t.lastIndexOf(QLatin1Char(':'));
        if (colon > 0 && t.indexOf(QLatin1Char(':')) == colon)
            result.host = t.left(colon);
    }
    bool portOk = false;
    const uint port = colon > 0 ? t.mid(colon + 1).toUInt(&portOk) : 0;
    if (!portOk || port == 0 || port > 65535 || result.host.isEmpty())
        result = {};
    else
        result.port = static_cast<quint16>(port);
    if (ok)
        *ok = result.isValid();
    return result;
}

QList<HostPort> HostPort::parseList(const QString &text, QString *bad)
{
    QList<HostPort> list;
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        bool ok = false;
        const HostPort hp = parse(part, &ok);
        if (!ok) {
            if (bad)
                *bad = part.trimmed();
            return {};
        }
        if (!list.contains(hp))
            list.append(hp);
    }
    return list;
}

bool AddressMap::insertRule(const QString &rule)
{
    const qsizetype eq = rule.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return false;
    bool okFrom = false;
    bool okTo = false;
    const HostPort from = HostPort::parse(rule.left(eq), &okFrom);
    const HostPort to = HostPort::parse(rule.mid(eq + 1), &okTo);
    if (!okFrom || !okTo)
        return false;
    insert(from, to);
    return true;
}

QStringList AddressMap::rules() const
{
    QStringList list;
    for (auto it = m_map.cbegin(); it != m_map.cend(); ++it)
        list.append(it.key().toString() + QLatin1Char('=') + it.value().toString());
    list.sort();
    return list;
}
