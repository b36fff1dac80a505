#include "sshoptions.h"

bool SshOptions::parse(const QString &spec, SshOptions *options, QString *error)
{
    QString rest = spec.trimmed();
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    QString user;
    if (at >= 0) {
        user = rest.left(at);
        rest = rest.mid(at + 1);
        if (user.isEmpty()) {
            *error = QStringLiteral("no user before '@'");
            return false;
        }
    }
    QString host = rest;
    QString port;
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0) {
            *error = QStringLiteral("an IPv6 address needs its closing ']'");
            return false;
        }
        host = rest.mid(1, close - 1);
        const QString after = rest.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':'))) {
                *error = QStringLiteral("expected ':PORT' after ']'");
                return false;
            }
            port = after.mid(1);
        }
    } else if (rest.count(QLatin1Char(':')) == 1) {
        host = rest.section(QLatin1Char(':'), 0, 0);
        port = rest.section(QLatin1Char(':'), 1);
    }
    if (host.isEmpty()) {
        *error = QStringLiteral("no host");
        return false;
    }
    quint16 number = 0;
    if (!port.isNull()) {
        bool ok = false;
        const uint value = port.toUInt(&ok);
        if (!ok || value == 0 || value > 65535) {
            *error = QStringLiteral("the port must be a number from 1 to 65535");
            return false;
        }
        number = static_cast<quint16>(value);
    }
    options->host = host;
    options->user = user;
    options->port = number;
    return true;
}
