// Sentinel URIs as people paste them. A URI that parses must describe a usable deployment, and writing what was
// understood back as a redis+sentinel:// URI must parse to the same thing; one that does not parse must say why.
//
// Input: the text, as UTF-8.
#include "fuzzcheck.h"
#include "sentinel/sentineluri.h"

#include <QUrl>

namespace {
QString hostText(const HostPort &seed)
{
    // Brackets keep leading spaces and a leading '[' inside the host; a host that came without brackets may hold a
    // ']' but cannot start with a space or '[' (the address is trimmed, and '[' would have opened brackets).
    const QString &host = seed.host;
    if (!host.contains(QLatin1Char(']')) && (host.front().isSpace() || host.startsWith(QLatin1Char('['))))
        return QLatin1Char('[') + host + QLatin1Char(']');
    return host;
}

QString encode(const QByteArray &bytes)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(bytes)));
}

QString write(const SentinelUri &uri)
{
    QString text = QStringLiteral("redis+sentinel://");
    if (!uri.user.isEmpty() || !uri.password.isEmpty()) {
        text += encode(uri.user);
        if (!uri.password.isEmpty())
            text += QLatin1Char(':') + encode(uri.password);
        text += QLatin1Char('@');
    }
    QStringList seeds;
    for (const HostPort &seed : uri.seeds)
        seeds.append(hostText(seed) + QLatin1Char(':') + QString::number(seed.port));
    text += seeds.join(QLatin1Char(','));
    text += QLatin1Char('/') + encode(uri.masterName.toUtf8()) + QLatin1Char('/') + QString::number(uri.db);
    return text;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(fuzzBytes(data, size));
    SentinelUri uri;
    QString error;
    if (!SentinelUri::parse(text, &uri, &error)) {
        FUZZ_CHECK(!error.isEmpty(), "refused without a reason:" << text);
        return 0;
    }
    FUZZ_CHECK(!uri.seeds.isEmpty(), "no sentinel in" << text);
    for (const HostPort &seed : uri.seeds)
        FUZZ_CHECK(!seed.host.isEmpty() && seed.port > 0, "an unusable seed" << seed.toString() << "in" << text);
    FUZZ_CHECK(!uri.masterName.isEmpty(), "no master name in" << text);
    FUZZ_CHECK(uri.db >= 0, "database" << uri.db << "in" << text);

    const QString again = write(uri);
    SentinelUri reread;
    FUZZ_CHECK(SentinelUri::parse(again, &reread, &error), "rewritten as" << again << "it is refused:" << error);
    FUZZ_CHECK(reread.seeds == uri.seeds, "the seeds change when" << text << "is rewritten as" << again);
    FUZZ_CHECK(reread.masterName == uri.masterName, "the master changes:" << text << "->" << again);
    FUZZ_CHECK(reread.db == uri.db, "the database changes:" << text << "->" << again);
    FUZZ_CHECK(reread.user == uri.user, "the user changes:" << text << "->" << again);
    FUZZ_CHECK(reread.password == uri.password, "the password changes:" << text << "->" << again);
    return 0;
}
