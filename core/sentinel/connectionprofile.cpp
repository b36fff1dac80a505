#include "connectionprofile.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace {
const QStringList tlsSideNames
    = {QStringLiteral("off"), QStringLiteral("both"), QStringLiteral("sentinels"), QStringLiteral("data")};

bool isSha256(const QByteArray &hex)
{
    return hex.size() == 64 && QByteArray::fromHex(hex).toHex() == hex.toLower();
}
} // namespace

bool ConnectionProfile::toTarget(SentinelTarget *target, const QByteArray &sentinelPassword,
                                 const QByteArray &dataPassword, QString *error, const QByteArray &keyPassphrase) const
{
    SentinelTarget t;
    QString bad;
    t.seeds = HostPort::parseList(seeds, &bad);
    if (t.seeds.isEmpty()) {
        *error = bad.isEmpty() ? QStringLiteral("Give at least one sentinel as host:port.")
                               : QStringLiteral("'%1' is not a host:port address.").arg(bad);
        return false;
    }
    if (masterName.trimmed().isEmpty()) {
        *error = QStringLiteral("Give the master's name (as the sentinels know it).");
        return false;
    }
    t.masterName = masterName.trimmed();
    for (const QString &rule : addressMap.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!t.addressMap.insertRule(rule.trimmed())) {
            *error = QStringLiteral("'%1' is not an address remap (FROM_HOST:PORT=TO_HOST:PORT).").arg(rule.trimmed());
            return false;
        }
    }
    t.sentinelUser = sentinelUser.toUtf8();
    t.sentinelPassword = sentinelPassword;
    t.dataUser = dataUser.toUtf8();
    t.dataPassword = dataPassword;
    t.db = db;
    t.readOnly = readOnly;
    t.production = production;
    if (tls != TlsSides::Off) {
        TlsOptions options;
        options.enabled = true;
        options.insecure = insecure;
        options.keyPassphrase = keyPassphrase;
        const auto existing = [error](const QString &path, const QString &what, QString *into) {
            if (path.trimmed().isEmpty())
                return true;
            if (!QFileInfo(path.trimmed()).isFile()) {
                *error = QStringLiteral("The %1 %2 does not exist.").arg(what, path.trimmed());
                return false;
            }
            *into = path.trimmed();
            return true;
        };
        if (!existing(caFile, QStringLiteral("CA file"), &options.caFile)
            || !existing(certFile, QStringLiteral("client certificate"), &options.certFile)
            || !existing(keyFile, QStringLiteral("client key"), &options.keyFile))
            return false;
        if (options.certFile.isEmpty() != options.keyFile.isEmpty()) {
            *error = QStringLiteral("A client certificate and its key go together: give both or neither.");
            return false;
        }
        for (const QByteArray *pin : {&sentinelPin, &dataPin}) {
            if (!pin->isEmpty() && !isSha256(pin->trimmed())) {
                *error = QStringLiteral("'%1' is not a SHA-256 fingerprint (64 hex digits).")
                             .arg(QString::fromLatin1(*pin));
                return false;
            }
        }
        if (tls == TlsSides::Both || tls == TlsSides::Sentinels) {
            t.sentinelTls = options;
            t.sentinelTls.pinnedSha256 = sentinelPin.trimmed().toLower();
        }
        if (tls == TlsSides::Both || tls == TlsSides::Data) {
            t.dataTls = options;
            t.dataTls.verifyName = verifyName.trimmed();
            t.dataTls.pinnedSha256 = dataPin.trimmed().toLower();
        }
    }
    *target = t;
    return true;
}

ConnectionProfile ConnectionProfile::fromTarget(const SentinelTarget &target, const QString &separator)
{
    ConnectionProfile p;
    QStringList seeds;
    for (const HostPort &seed : target.seeds)
        seeds.append(seed.toString());
    p.seeds = seeds.join(QStringLiteral(", "));
    p.masterName = target.masterName;
    p.sentinelUser = QString::fromUtf8(target.sentinelUser);
    p.dataUser = QString::fromUtf8(target.dataUser);
    p.db = target.db;
    p.separator = separator;
    p.readOnly = target.readOnly;
    p.production = target.production;
    p.addressMap = target.addressMap.rules().join(QStringLiteral(", "));
    const bool sentinels = target.sentinelTls.enabled;
    const bool data = target.dataTls.enabled;
    p.tls = sentinels && data ? TlsSides::Both
            : sentinels       ? TlsSides::Sentinels
            : data            ? TlsSides::Data
                              : TlsSides::Off;
    const TlsOptions &either = data ? target.dataTls : target.sentinelTls;
    p.caFile = either.caFile;
    p.certFile = either.certFile;
    p.keyFile = either.keyFile;
    p.insecure = either.insecure;
    p.verifyName = target.dataTls.verifyName;
    p.sentinelPin = target.sentinelTls.pinnedSha256;
    p.dataPin = target.dataTls.pinnedSha256;
    return p;
}

ConnectionProfile ConnectionProfile::read(QSettings &settings)
{
    ConnectionProfile p;
    p.name = settings.value(QStringLiteral("name")).toString();
    // A hand-edited file may hold the list unquoted, which QSettings reads as a string list.
    const QVariant seeds = settings.value(QStringLiteral("sentinels"));
    p.seeds
        = seeds.typeId() == QMetaType::QStringList ? seeds.toStringList().join(QStringLiteral(", ")) : seeds.toString();
    p.masterName = settings.value(QStringLiteral("master")).toString();
    p.sentinelUser = settings.value(QStringLiteral("sentinelUser")).toString();
    p.dataUser = settings.value(QStringLiteral("user")).toString();
    p.db = settings.value(QStringLiteral("db"), 0).toInt();
    p.separator = settings.value(QStringLiteral("separator"), QStringLiteral(":")).toString();
    p.readOnly = settings.value(QStringLiteral("readOnly"), false).toBool();
    p.production = settings.value(QStringLiteral("production"), false).toBool();
    p.addressMap = settings.value(QStringLiteral("addressMap")).toString();
    p.tls = TlsSides(qMax(0, tlsSideNames.indexOf(settings.value(QStringLiteral("tls")).toString())));
    p.caFile = settings.value(QStringLiteral("tlsCaFile")).toString();
    p.certFile = settings.value(QStringLiteral("tlsCertFile")).toString();
    p.keyFile = settings.value(QStringLiteral("tlsKeyFile")).toString();
    p.verifyName = settings.value(QStringLiteral("tlsVerifyAs")).toString();
    p.insecure = settings.value(QStringLiteral("tlsInsecure"), false).toBool();
    p.sentinelPin = settings.value(QStringLiteral("tlsSentinelPin")).toByteArray();
    p.dataPin = settings.value(QStringLiteral("tlsDataPin")).toByteArray();
    p.rememberSecrets = settings.value(QStringLiteral("rememberPasswords"), false).toBool();
    return p;
}

void ConnectionProfile::write(QSettings &settings) const
{
    settings.setValue(QStringLiteral("name"), name);
    settings.setValue(QStringLiteral("sentinels"), seeds);
    settings.setValue(QStringLiteral("master"), masterName);
    settings.setValue(QStringLiteral("sentinelUser"), sentinelUser);
    settings.setValue(QStringLiteral("user"), dataUser);
    settings.setValue(QStringLiteral("db"), db);
    settings.setValue(QStringLiteral("separator"), separator);
    settings.setValue(QStringLiteral("readOnly"), readOnly);
    settings.setValue(QStringLiteral("production"), production);
    settings.setValue(QStringLiteral("addressMap"), addressMap);
    settings.setValue(QStringLiteral("tls"), tlsSideNames.value(int(tls)));
    settings.setValue(QStringLiteral("tlsCaFile"), caFile);
    settings.setValue(QStringLiteral("tlsCertFile"), certFile);
    settings.setValue(QStringLiteral("tlsKeyFile"), keyFile);
    settings.setValue(QStringLiteral("tlsVerifyAs"), verifyName);
    settings.setValue(QStringLiteral("tlsInsecure"), insecure);
    settings.setValue(QStringLiteral("tlsSentinelPin"), QString::fromLatin1(sentinelPin));
    settings.setValue(QStringLiteral("tlsDataPin"), QString::fromLatin1(dataPin));
    settings.setValue(QStringLiteral("rememberPasswords"), rememberSecrets);
}

QList<ConnectionProfile> ConnectionProfile::loadAll(QSettings &settings)
{
    QList<ConnectionProfile> profiles;
    const int n = settings.beginReadArray(QStringLiteral("profiles"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        profiles.append(read(settings));
    }
    settings.endArray();
    return profiles;
}

namespace {
void writeAll(QSettings &settings, const QList<ConnectionProfile> &profiles)
{
    settings.beginWriteArray(QStringLiteral("profiles"), static_cast<int>(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        settings.setArrayIndex(i);
        profiles.at(i).write(settings);
    }
    settings.endArray();
}
} // namespace

void ConnectionProfile::save(QSettings &settings, const ConnectionProfile &profile)
{
    QList<ConnectionProfile> profiles = loadAll(settings);
    profiles.removeIf([&](const ConnectionProfile &p) { return p.name == profile.name; });
    profiles.append(profile);
    settings.remove(QStringLiteral("profiles"));
    writeAll(settings, profiles);
}

void ConnectionProfile::remove(QSettings &settings, const QString &name)
{
    QList<ConnectionProfile> profiles = loadAll(settings);
    profiles.removeIf([&](const ConnectionProfile &p) { return p.name == name; });
    settings.remove(QStringLiteral("profiles"));
    writeAll(settings, profiles);
}

bool ConnectionProfile::rename(QSettings &settings, const QString &from, const QString &to)
{
    QList<ConnectionProfile> profiles = loadAll(settings);
    if (!std::any_of(profiles.cbegin(), profiles.cend(), [&](const ConnectionProfile &p) { return p.name == from; }))
        return false;
    if (from != to)
        profiles.removeIf([&](const ConnectionProfile &p) { return p.name == to; });
    for (ConnectionProfile &p : profiles) {
        if (p.name == from)
            p.name = to;
    }
    settings.remove(QStringLiteral("profiles"));
    writeAll(settings, profiles);
    return true;
}

bool ConnectionProfile::find(QSettings &settings, const QString &name, ConnectionProfile *profile)
{
    for (const ConnectionProfile &p : loadAll(settings)) {
        if (p.name == name) {
            *profile = p;
            return true;
        }
    }
    return false;
}
