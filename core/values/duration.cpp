#include "duration.h"

#include <QCoreApplication>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("Duration", text);
}

qint64 unitSeconds(QChar unit)
{
    switch (unit.toLower().unicode()) {
    case 's':
        return 1;
    case 'm':
        return 60;
    case 'h':
        return 3600;
    case 'd':
        return 86400;
    case 'w':
        return 7 * 86400;
    default:
        return 0;
    }
}
} // namespace

std::optional<qint64> Duration::parseSeconds(QStringView text, QString *error)
{
    const auto fail = [error](const QString &why) -> std::optional<qint64> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QString usage = tr("not a duration: use 90, 90s, 15m, 1h, 2d, 1w or 1h30m");
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return fail(usage);
    qint64 total = 0;
    qsizetype i = 0;
    int parts = 0;
    while (i < trimmed.size()) {
        while (i < trimmed.size() && trimmed[i].isSpace())
            ++i;
        const qsizetype start = i;
        while (i < trimmed.size() && trimmed[i] >= u'0' && trimmed[i] <= u'9')
            ++i;
        if (i == start)
            return fail(usage);
        if (i - start > 12)
            return fail(tr("more than a hundred years"));
        const qint64 number = trimmed.sliced(start, i - start).toLongLong();
        while (i < trimmed.size() && trimmed[i].isSpace())
            ++i;
        qint64 unit = 1;
        if (i < trimmed.size()) {
            unit = unitSeconds(trimmed[i]);
            if (unit == 0)
                return fail(usage);
            ++i;
            // "min", "sec", "hr"... are not accepted: one letter a part keeps "m" from meaning two things.
            if (i < trimmed.size() && trimmed[i].isLetter())
                return fail(usage);
        } else if (parts > 0) {
            return fail(tr("the last number has no unit: 1h30m, not 1h30"));
        }
        ++parts;
        if (number > maxSeconds / unit)
            return fail(tr("more than a hundred years"));
        total += number * unit;
        if (total > maxSeconds)
            return fail(tr("more than a hundred years"));
    }
    if (total <= 0)
        return fail(tr("a TTL must be at least 1 second (Clear TTL makes a key persistent)"));
    return total;
}

QString Duration::describe(qint64 seconds)
{
    struct Unit
    {
        qint64 seconds;
        const char *name;
    };
    static constexpr Unit units[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
    QStringList parts;
    qint64 left = seconds;
    for (const Unit &unit : units) {
        if (left >= unit.seconds) {
            parts.append(QStringLiteral("%1 %2").arg(left / unit.seconds).arg(QLatin1String(unit.name)));
            left %= unit.seconds;
        }
    }
    return parts.isEmpty() ? QStringLiteral("0 s") : parts.join(QLatin1Char(' '));
}
