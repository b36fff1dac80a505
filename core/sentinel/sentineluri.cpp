#include "sentineluri.h"

#include <QUrl>

#include <algorithm>

namespace {
bool parseHosts(const QString &text, QList<HostPort> *seeds, QString *error)
{
    const QStringList parts = text.split(QLatin1Char(','));
    for (const QString &raw : parts) {
        const QString part = raw.trimmed();
        if (part.isEmpty()) {
            *error = QStringLiteral("an empty sentinel address in '%1'").arg(text);
            return false;
        }
        QString host = part;
        QString port = QStringLiteral("26379");
        if (part.startsWith(QLatin1Char('['))) {
            const qsizetype close = part.indexOf(QLatin1Char(']'));
            if (close < 0) {
                *error = QStringLiteral("unclosed '[' in '%1'").arg(part);
                return false;
            }
            host = part.mid(1, close - 1);
            if (close + 1 < part.size()) {
                if (part.at(close + 1) != QLatin1Char(':')) {
                    *error = QStringLiteral("expected ':' after ']' in '%1'").arg(part);
                    return false;
                }
                port = part.mid(close + 2);
            }
        } else if (const qsizetype colon = part.lastIndexOf(QLatin1Char(':')); colon >= 0) {
            host = part.left(colon);
            port = part.mid(colon + 1);
        }
        bool ok = false;
        const uint number = port.toUInt(&ok);
        if (!ok || number == 0 || number > 65535) {
            *error = QStringLiteral("bad port '%1' in '%2'").arg(port, part);
            return false;
        }
        if (host.isEmpty()) {
            *error = QStringLiteral("no host in '%1'").arg(part);
            return false;
        }
        const HostPort hp{host, static_cast<quint16>(number)};
        if (!seeds->contains(hp))
            seeds->append(hp);
    }
    return true;
}

bool parseDb(const QString &text, int *db, QString *error)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < 0) {
        *error = QStringLiteral("the database must be a number, not '%1'").arg(text);
        return false;
    }
    *db = n;
    return true;
}
} // namespace

bool SentinelUri::parse(const QString &input, SentinelUri *uri, QString *error)
{
    *uri = {};
    const QString text = input.trimmed();
    const qsizetype schemeEnd = text.indexOf(QStringLiteral("://"));
    if (schemeEnd < 0) {
        *error = QStringLiteral("not a URI: expected redis+sentinel://… or redis-sentinel://…");
        return false;
    }
    const QString scheme = text.left(schemeEnd).toLower();
    const bool lettuce = scheme == QLatin1String("redis-sentinel") || scheme == QLatin1String("rediss-sentinel");
    if (scheme != QLatin1String("redis+sentinel") && scheme != QLatin1String("rediss+sentinel") && !lettuce) {
        *error = QStringLiteral("unknown scheme '%1': expected redis+sentinel://, rediss+sentinel:// (TLS), "
                                "redis-sentinel:// or rediss-sentinel:// (TLS)")
                     .arg(scheme);
        return false;
    }
    uri->tls = scheme.startsWith(QLatin1String("rediss"));
    QString rest = text.mid(schemeEnd + 3);

    // Fragment (Lettuce's master name) and query.
    QString fragment;
    if (const qsizetype hash = rest.indexOf(QLatin1Char('#')); hash >= 0) {
        fragment = QUrl::fromPercentEncoding(rest.mid(hash + 1).toUtf8());
        rest.truncate(hash);
    }
    QString query;
    if (const qsizetype q = rest.indexOf(QLatin1Char('?')); q >= 0) {
        query = rest.mid(q + 1);
        rest.truncate(q);
    }
    // Userinfo: the last '@' before the path (passwords may contain '@' only percent-encoded).
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    QString authority = slash >= 0 ? rest.left(slash) : rest;
    const QString path = slash >= 0 ? rest.mid(slash + 1) : QString();
    if (const qsizetype at = authority.lastIndexOf(QLatin1Char('@')); at >= 0) {
        const QString userinfo = authority.left(at);
        authority = authority.mid(at + 1);
        const qsizetype colon = userinfo.indexOf(QLatin1Char(':'));
        if (colon >= 0) {
            uri->user = QUrl::fromPercentEncoding(userinfo.left(colon).toUtf8()).toUtf8();
            uri->password = QUrl::fromPercentEncoding(userinfo.mid(colon + 1).toUtf8()).toUtf8();
        } else if (lettuce) {
            uri->password = QUrl::fromPercentEncoding(userinfo.toUtf8()).toUtf8(); // Lettuce: password@
        } else {
            uri->user = QUrl::fromPercentEncoding(userinfo.toUtf8()).toUtf8(); // redis+sentinel: user@
        }
    }
    if (authority.isEmpty()) {
        *error = QStringLiteral("no sentinel address");
        return false;
    }
    if (!parseHosts(authority, &uri->seeds, error))
        return false;

    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (lettuce) {
        if (segments.size() > 1) {
            *error = QStringLiteral("unexpected path '/%1': Lettuce URIs put only the database there").arg(path);
            return false;
        }
        if (!segments.isEmpty() && !parseDb(segments.first(), &uri->db, error))
            return false;
        uri->masterName = fragment;
        for (const QString &pair : query.split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
            if (pair.startsWith(QLatin1String("sentinelMasterId=")) && uri->masterName.isEmpty())
                uri->masterName = QUrl::fromPercentEncoding(pair.mid(17).toUtf8());
            else if (pair.startsWith(QLatin1String("database=")) && !parseDb(pair.mid(9), &uri->db, error))
                return false;
        }
        if (uri->masterName.isEmpty()) {
            *error = QStringLiteral(
                "no master name: Lettuce URIs give it after '#' (redis-sentinel://host:26379#mymaster)");
            return false;
        }
        return true;
    }
    if (!fragment.isEmpty()) {
        *error = QStringLiteral("unexpected '#%1' in a redis+sentinel URI").arg(fragment);
        return false;
    }
    if (segments.isEmpty()) {
        *error = QStringLiteral("no master name: redis+sentinel URIs give it as the path (…:26379/mymaster)");
        return false;
    }
    if (segments.size() > 2) {
        *error = QStringLiteral("too many path parts in '/%1': expected /master or /master/db").arg(path);
        return false;
    }
    uri->masterName = QUrl::fromPercentEncoding(segments.first().toUtf8());
    if (segments.size() == 2 && !parseDb(segments.at(1), &uri->db, error))
        return false;
    return true;
}

QString SentinelUri::withoutPassword(const QString &input)
{
    const QString text = input.trimmed();
    const qsizetype schemeEnd = text.indexOf(QStringLiteral("://"));
    if (schemeEnd < 0)
        return text;
    const QString scheme = text.left(schemeEnd).toLower();
    const bool lettuce = scheme == QLatin1String("redis-sentinel") || scheme == QLatin1String("rediss-sentinel");
    const qsizetype start = schemeEnd + 3;
    // The authority ends where parse() cuts it: at the path, the query or the fragment.
    qsizetype end = text.size();
    for (const QChar c : {QLatin1Char('/'), QLatin1Char('?'), QLatin1Char('#')}) {
        if (const qsizetype at = text.indexOf(c, start); at >= 0)
            end = std::min(end, at);
    }
    const qsizetype at = text.lastIndexOf(QLatin1Char('@'), end - 1);
    if (at < start)
        return text;
    const QString userinfo = text.mid(start, at - start);
    const qsizetype colon = userinfo.indexOf(QLatin1Char(':'));
    QString kept;
    if (colon > 0)
        // Lettuce reads a lone "x@" as a password, so its user keeps the colon.
        kept = userinfo.left(colon) + (lettuce ? QStringLiteral(":@") : QStringLiteral("@"));
    else if (colon < 0 && !lettuce)
        kept = userinfo + QLatin1Char('@'); // redis+sentinel: user@ holds no password
    return text.left(start) + kept + text.mid(at + 1);
}
