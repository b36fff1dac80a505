#include "deploymentoptions.h"

#include <QCommandLineParser>
#include <QFile>

#include <cmath>

namespace {
QCommandLineOption hidden(QCommandLineOption option)
{
    option.setFlags(QCommandLineOption::HiddenFromHelp);
    return option;
}

// The first line of a file, without its line end: `echo secret > file` must work.
bool readSecretFile(const QString &path, QByteArray *secret, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    QByteArray data = file.readAll();
    const qsizetype newline = data.indexOf('\n');
    if (newline >= 0)
        data.truncate(newline);
    if (data.endsWith('\r'))
        data.chop(1);
    *secret = data;
    return true;
}

QString dashed(const QCommandLineOption &option)
{
    return QStringLiteral("--") + option.names().constFirst();
}
} // namespace

DeploymentOptions::DeploymentOptions(Extras extras)
    : m_extras(extras)
    , m_sentinel(QStringLiteral("sentinel"), QStringLiteral("Sentinel addresses to start from."),
                 QStringLiteral("HOST:PORT[,HOST:PORT...]"))
    , m_master(QStringLiteral("master"), QStringLiteral("The master name the sentinels monitor."),
               QStringLiteral("NAME"))
    , m_db(QStringLiteral("db"), QStringLiteral("Database number."), QStringLiteral("N"), QStringLiteral("0"))
    , m_map(QStringLiteral("map"),
            QStringLiteral("Reach an address a sentinel reports (FROM) at another one (TO), both HOST:PORT; "
                           "repeatable. For deployments inside Docker or Kubernetes."),
            QStringLiteral("FROM=TO"))
    , m_user(QStringLiteral("user"), QStringLiteral("Data-node ACL user."), QStringLiteral("USER"))
    , m_passwordFile(QStringLiteral("password-file"),
                     QStringLiteral("Read the data-node password from the first line of F (else VIGIL_PASSWORD)."),
                     QStringLiteral("F"))
    , m_sentinelUser(QStringLiteral("sentinel-user"), QStringLiteral("Sentinel ACL user."), QStringLiteral("USER"))
    , m_sentinelPasswordFile(
          QStringLiteral("sentinel-password-file"),
          QStringLiteral("Read the sentinel password from the first line of F (else VIGIL_SENTINEL_PASSWORD)."),
          QStringLiteral("F"))
    , m_pace(QStringLiteral("pace"),
             QStringLiteral("At most this many keys a second per scan, to spare a busy server."),
             QStringLiteral("KEYS_PER_S"))
    , m_scanPace(hidden(QCommandLineOption(QStringLiteral("scan-pace"), QStringLiteral("Old name of --pace."),
                                           QStringLiteral("KEYS_PER_S"))))
    , m_recoveryTimeout(QStringLiteral("recovery-timeout"),
                        QStringLiteral("How long a scan waits out a failover, a lost connection or a node that does "
                                       "not answer, in seconds (default 60). A server that answers what Vigil cannot "
                                       "read is not waited for: the scan fails after a few tries."),
                        QStringLiteral("SECONDS"))
    , m_tls(QStringLiteral("tls"), QStringLiteral("Use TLS (not supported yet)."))
    , m_cacert(QStringLiteral("cacert"), QStringLiteral("TLS CA file."), QStringLiteral("F"))
    , m_cert(QStringLiteral("cert"), QStringLiteral("TLS client certificate."), QStringLiteral("F"))
    , m_key(QStringLiteral("key"), QStringLiteral("TLS client key."), QStringLiteral("F"))
    , m_sni(QStringLiteral("sni"), QStringLiteral("TLS server name."), QStringLiteral("NAME"))
    , m_insecure(QStringLiteral("insecure"), QStringLiteral("Skip TLS verification."))
{
}

QList<QCommandLineOption> DeploymentOptions::targetOptions() const
{
    return {m_sentinel, m_master, m_db, m_map, m_user, m_passwordFile, m_sentinelUser, m_sentinelPasswordFile};
}

QList<QCommandLineOption> DeploymentOptions::tlsOptions() const
{
    return {m_tls, m_cacert, m_cert, m_key, m_sni, m_insecure};
}

void DeploymentOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions(targetOptions());
    parser.addOption(m_pace);
    parser.addOption(m_recoveryTimeout);
    if (m_extras.testFlag(Extra::ScanPaceAlias))
        parser.addOption(m_scanPace);
    if (m_extras.testFlag(Extra::Tls))
        parser.addOptions(tlsOptions());
}

bool DeploymentOptions::read(const QCommandLineParser &parser, Target need, QString *error)
{
    m_target = {};
    m_keysPerSecond = 0;
    m_recoveryTimeoutMs = defaultRecoveryTimeoutMs;
    m_hasTarget = false;
    m_hasDataPassword = false;

    // The pace applies to whatever gets scanned, a deployment named here or one opened later.
    const bool aliasUsed = m_extras.testFlag(Extra::ScanPaceAlias) && parser.isSet(m_scanPace);
    if (parser.isSet(m_pace) || aliasUsed) {
        const QCommandLineOption &given = parser.isSet(m_pace) ? m_pace : m_scanPace;
        const QString value = parser.value(given);
        bool ok = false;
        m_keysPerSecond = value.toDouble(&ok);
        if (!ok || !(m_keysPerSecond > 0) || !std::isfinite(m_keysPerSecond)) {
            *error = QStringLiteral("%1 needs a positive number of keys a second, not '%2'").arg(dashed(given), value);
            m_keysPerSecond = 0;
            return false;
        }
    }

    if (parser.isSet(m_recoveryTimeout)) {
        const QString value = parser.value(m_recoveryTimeout);
        bool ok = false;
        const double seconds = value.toDouble(&ok);
        // A day is far past any failover; beyond it the milliseconds would not fit an int either.
        if (!ok || !(seconds >= 0.001) || seconds > 86400) {
            *error = QStringLiteral("--recovery-timeout needs a number of seconds from 0.001 to 86400, not '%1'")
                         .arg(value);
            return false;
        }
        m_recoveryTimeoutMs = static_cast<int>(std::lround(seconds * 1000));
    }

    if (!parser.isSet(m_sentinel) && !parser.isSet(m_master)) {
        if (need == Target::Required) {
            *error = QStringLiteral("--sentinel and --master are required");
            return false;
        }
        for (const QCommandLineOption &option : targetOptions()) {
            if (parser.isSet(option)) {
                *error = QStringLiteral("%1 needs --sentinel and --master").arg(dashed(option));
                return false;
            }
        }
        return true;
    }
    if (!parser.isSet(m_sentinel) || !parser.isSet(m_master)) {
        *error = QStringLiteral("--sentinel and --master are required");
        return false;
    }
    if (m_extras.testFlag(Extra::Tls)) {
        for (const QCommandLineOption &option : tlsOptions()) {
            if (parser.isSet(option)) {
                *error = QStringLiteral("%1: TLS is not supported by this version yet").arg(dashed(option));
                return false;
            }
        }
    }

    SentinelTarget target;
    QString bad;
    target.seeds = HostPort::parseList(parser.value(m_sentinel), &bad);
    if (target.seeds.isEmpty()) {
        *error = bad.isEmpty() ? QStringLiteral("--sentinel needs HOST:PORT[,HOST:PORT...]")
                               : QStringLiteral("bad --sentinel address '%1' (HOST:PORT)").arg(bad);
        return false;
    }
    target.masterName = parser.value(m_master);
    // Blank is as good as empty: it is a quoting slip, and no sentinel monitors a master by that name.
    if (target.masterName.trimmed().isEmpty()) {
        *error = QStringLiteral("--master needs a name");
        return false;
    }
    bool ok = false;
    const QString db = parser.value(m_db);
    target.db = db.toInt(&ok);
    if (!ok || target.db < 0) {
        *error = QStringLiteral("--db needs a database number, not '%1'").arg(db);
        return false;
    }
    for (const QString &rule : parser.values(m_map)) {
        if (!target.addressMap.insertRule(rule)) {
            *error = QStringLiteral("bad --map '%1' (FROM=TO, each HOST:PORT)").arg(rule);
            return false;
        }
    }

    target.dataUser = parser.value(m_user).toUtf8();
    target.sentinelUser = parser.value(m_sentinelUser).toUtf8();
    QString fileError;
    if (parser.isSet(m_passwordFile)) {
        if (!readSecretFile(parser.value(m_passwordFile), &target.dataPassword, &fileError)) {
            *error = QStringLiteral("--password-file: %1").arg(fileError);
            return false;
        }
        m_hasDataPassword = true;
    } else if (qEnvironmentVariableIsSet("VIGIL_PASSWORD")) {
        target.dataPassword = qgetenv("VIGIL_PASSWORD");
        m_hasDataPassword = true;
    }
    if (parser.isSet(m_sentinelPasswordFile)) {
        if (!readSecretFile(parser.value(m_sentinelPasswordFile), &target.sentinelPassword, &fileError)) {
            *error = QStringLiteral("--sentinel-password-file: %1").arg(fileError);
            return false;
        }
    } else {
        target.sentinelPassword = qgetenv("VIGIL_SENTINEL_PASSWORD");
    }

    m_target = target;
    m_hasTarget = true;
    return true;
}
