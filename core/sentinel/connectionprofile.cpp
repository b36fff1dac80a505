#include "connectionprofile.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace {
const QStringList tlsSideNames
    = {QStringLiteral("off"), QStringLiteral("both"), QStringLiteral("sentinels"), QStringLiteral("data")};
const QStringList sshAuthNames = {QStringLiteral("agent"), QStringLiteral("key"), QStringLiteral("password")};

bool isSha256(const QByteArray &hex)
{
    return hex.size() == 64 && QByteArray::fromHex(hex).toHex() == hex.toLower();
}
} // namespace

bool ConnectionProfile::toTarget(SentinelTarget *target, const QByteArray &sentinelPassword,
                                 const QByteArray &dataPassword, QString *error, const QByteArray &keyPassphrase,
                                 const QByteArray &sshSecret) const
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
    if (ssh) {
        if (sshHost.trimmed().isEmpty()) {
            *error = QStringLiteral("Give the SSH host (or its alias in the SSH config), or turn SSH off.");
            return false;
        }
        if (sshPort < 0 || sshPort > 65535) {
            *error = QStringLiteral("The SSH port %1 is not a port number.").arg(sshPort);
            return false;
        }
        t.ssh.host = sshHost.trimmed();
        t.ssh.port = static_cast<quint16>(sshPort);
        t.ssh.user = sshUser.trimmed();
        t.ssh.knownHosts = sshKnownHosts.trimmed();
        if (!sshConfig.trimmed().isEmpty()) {
            if (!QFileInfo(sshConfig.trimmed()).isFile()) {
                *error = QStringLiteral("The SSH config %1 does not exist.").arg(sshConfig.trimmed());
                return false;
            }
            t.ssh.configFile = sshConfig.trimmed();
        }
        if (sshAuth == SshAuth::KeyFile) {
            if (sshKeyFile.trimmed().isEmpty() || !QFileInfo(sshKeyFile.trimmed()).isFile()) {
                *error = sshKeyFile.trimmed().isEmpty()
                             ? QStringLiteral("Give the SSH key file, or log in with the agent or a password.")
                             : QStringLiteral("The SSH key file %1 does not exist.").arg(sshKeyFile.trimmed());
                return false;
            }
            t.ssh.keyFile = sshKeyFile.trimmed();
            t.ssh.passphrase = sshSecret;
        } else if (sshAuth == SshAuth::Password) {
            t.ssh.password = sshSecret;
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
    p.ssh = target.ssh.enabled();
    p.sshHost = target.ssh.host;
    p.sshUser = target.ssh.user;
    p.sshPort = target.ssh.port;
    p.sshKeyFile = target.ssh.keyFile;
    p.sshConfig = target.ssh.configFile;
    p.sshKnownHosts = target.ssh.knownHosts;
    p.sshAuth = !target.ssh.keyFile.isEmpty()    ? SshAuth::KeyFile
                : !target.ssh.password.isEmpty() ? SshAuth::Password
                                                 : SshAuth::Agent;
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
    p.ssh = settings.value(QStringLiteral("ssh"), false).toBool();
    p.sshHost = settings.value(QStringLiteral("sshHost")).toString();
    p.sshUser = settings.value(QStringLiteral("sshUser")).toString();
    p.sshPort = settings.value(QStringLiteral("sshPort"), 0).toInt();
    p.sshAuth = SshAuth(qMax(0, sshAuthNames.indexOf(settings.value(QStringLiteral("sshAuth")).toString())));
    p.sshKeyFile = settings.value(QStringLiteral("sshKeyFile")).toString();
    p.sshConfig = settings.value(QStringLiteral("sshConfig")).toString();
    p.sshKnownHosts = settings.value(QStringLiteral("sshKnownHosts")).toString();
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
    settings.setValue(QStringLiteral("ssh"), ssh);
    settings.setValue(QStringLiteral("sshHost"), sshHost);
    settings.setValue(QStringLiteral("sshUser"), sshUser);
    settings.setValue(QStringLiteral("sshPort"), sshPort);
    settings.setValue(QStringLiteral("sshAuth"), sshAuthNames.value(int(sshAuth)));
    settings.setValue(QStringLiteral("sshKeyFile"), sshKeyFile);
    settings.setValue(QStringLiteral("sshConfig"), sshConfig);
    settings.setValue(QStringLiteral("sshKnownHosts"), sshKnownHosts);
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
