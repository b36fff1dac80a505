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
    const QString usage = tr("use a number of seconds, or 90s, 15m, 1h, 2d, 1w, 1h30m");
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return fail(tr("empty: %1").arg(usage));
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
            return fail(tr("'%1' is not a duration: %2").arg(trimmed.toString(), usage));
        if (i - start > 12)
            return fail(tr("'%1' is too long").arg(trimmed.toString()));
        const qint64 number = trimmed.sliced(start, i - start).toLongLong();
        while (i < trimmed.size() && trimmed[i].isSpace())
            ++i;
        qint64 unit = 1;
        if (i < trimmed.size()) {
            unit = unitSeconds(trimmed[i]);
            if (unit == 0)
                return fail(tr("'%1' is not a duration: %2").arg(trimmed.toString(), usage));
            ++i;
            // "min", "sec", "hr"... are not accepted: one letter a part keeps "m" from meaning two things.
            if (i < trimmed.size() && trimmed[i].isLetter())
                return fail(tr("'%1' is not a duration: %2").arg(trimmed.toString(), usage));
        } else if (parts > 0) {
            return fail(tr("'%1' ends with a number without a unit: %2").arg(trimmed.toString(), usage));
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
