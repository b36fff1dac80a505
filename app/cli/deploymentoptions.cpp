#include "deploymentoptions.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

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
    , m_readOnly(QStringLiteral("read-only"),
                 QStringLiteral("Open the deployment read-only: every write, to the data nodes and to the sentinels "
                                "(SENTINEL FAILOVER, SET, RESET, REMOVE, MONITOR), is refused before it is sent."))
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
    , m_tls(QStringLiteral("tls"), QStringLiteral("Use TLS to the sentinels and to the data nodes."))
    , m_tlsSentinels(QStringLiteral("tls-sentinels"), QStringLiteral("Use TLS to the sentinels only."))
    , m_tlsData(QStringLiteral("tls-data"), QStringLiteral("Use TLS to the data nodes only."))
    , m_cacert(QStringLiteral("cacert"),
               QStringLiteral("Trust the CA certificates in PEM file F instead of the system's."), QStringLiteral("F"))
    , m_cacertDir(QStringLiteral("cacert-dir"),
                  QStringLiteral("Trust the CA certificates in the PEM files of folder D instead of the system's."),
                  QStringLiteral("D"))
    , m_cert(QStringLiteral("cert"), QStringLiteral("TLS client certificate (PEM), for servers that ask for one."),
             QStringLiteral("F"))
    , m_key(QStringLiteral("key"), QStringLiteral("The client certificate's key (PEM)."), QStringLiteral("F"))
    , m_keyPassphraseFile(
          QStringLiteral("key-passphrase-file"),
          QStringLiteral("Read the key's passphrase from the first line of F (else VIGIL_KEY_PASSPHRASE)."),
          QStringLiteral("F"))
    , m_sni(QStringLiteral("sni"),
            QStringLiteral("Check the data nodes' certificates against NAME (and send it as SNI) instead of the "
                           "address the sentinels report: for certificates issued for a hostname."),
            QStringLiteral("NAME"))
    , m_insecure(QStringLiteral("insecure"),
                 QStringLiteral("Do not verify TLS certificates at all. Anyone on the path can then read and change "
                                "what is sent, passwords included."))
    , m_ssh(QStringLiteral("ssh"),
            QStringLiteral("Reach every sentinel and node through an SSH tunnel to this bastion host: one session, a "
                           "channel to each address the sentinels report. Password or key passphrase from "
                           "VIGIL_SSH_PASSWORD or VIGIL_SSH_PASSPHRASE; ssh-agent is tried first."),
            QStringLiteral("[USER@]HOST[:PORT]"))
    , m_sshKey(QStringLiteral("ssh-key"), QStringLiteral("The private key to log in to the bastion with."),
               QStringLiteral("F"))
    , m_sshConfig(QStringLiteral("ssh-config"),
                  QStringLiteral("Read the --ssh host's HostName, Port, User, IdentityFile, ProxyCommand and "
                                 "ProxyJump from this OpenSSH client config instead of ~/.ssh/config (/dev/null: "
                                 "none)."),
                  QStringLiteral("F"))
    , m_sshKnownHosts(QStringLiteral("ssh-known-hosts"),
                      QStringLiteral("Check the bastion's host key against F instead of ~/.ssh/known_hosts."),
                      QStringLiteral("F"))
    , m_sshAcceptNew(QStringLiteral("ssh-accept-new"),
                     QStringLiteral("Add an unknown bastion host key to known_hosts and connect (OpenSSH's "
                                    "StrictHostKeyChecking=accept-new); a changed key is still refused."))
{
}

QList<QCommandLineOption> DeploymentOptions::targetOptions() const
{
    QList<QCommandLineOption> options = {m_sentinel,    m_master,       m_db,           m_map,
                                         m_user,        m_passwordFile, m_sentinelUser, m_sentinelPasswordFile,
                                         m_ssh,         m_sshKey,       m_sshConfig,    m_sshKnownHosts,
                                         m_sshAcceptNew};
    if (m_extras.testFlag(Extra::ReadOnly))
        options.append(m_readOnly);
    return options;
}

QList<QCommandLineOption> DeploymentOptions::tlsOptions() const
{
    return {m_tls,  m_tlsSentinels,      m_tlsData, m_cacert, m_cacertDir,
            m_cert, m_keyPassphraseFile, m_key,     m_sni,    m_insecure};
}

bool DeploymentOptions::readTls(const QCommandLineParser &parser, SentinelTarget *target, QString *error) const
{
    const bool sentinels = parser.isSet(m_tls) || parser.isSet(m_tlsSentinels);
    const bool data = parser.isSet(m_tls) || parser.isSet(m_tlsData);
    if (!sentinels && !data) {
        for (const QCommandLineOption &option : tlsOptions()) {
            if (parser.isSet(option)) {
                *error = QStringLiteral("%1 needs --tls (or --tls-sentinels, --tls-data)").arg(dashed(option));
                return false;
            }
        }
        return true;
    }
    TlsOptions tls;
    tls.enabled = true;
    const auto existing = [&](const QCommandLineOption &option, bool folder, QString *path) {
        *path = parser.value(option);
        const QFileInfo info(*path);
        if (folder ? info.isDir() : info.isFile())
            return true;
        *error = QStringLiteral("%1 %2: no such %3")
                     .arg(dashed(option), *path, folder ? QStringLiteral("folder") : QStringLiteral("file"));
        return false;
    };
    if (parser.isSet(m_cacert) && !existing(m_cacert, false, &tls.caFile))
        return false;
    if (parser.isSet(m_cacertDir) && !existing(m_cacertDir, true, &tls.caDir))
        return false;
    if (parser.isSet(m_cert) != parser.isSet(m_key)) {
        *error = QStringLiteral("--cert and --key go together");
        return false;
    }
    if (parser.isSet(m_cert) && (!existing(m_cert, false, &tls.certFile) || !existing(m_key, false, &tls.keyFile)))
        return false;
    if (parser.isSet(m_keyPassphraseFile)) {
        QString fileError;
        if (!readSecretFile(parser.value(m_keyPassphraseFile), &tls.keyPassphrase, &fileError)) {
            *error = QStringLiteral("--key-passphrase-file: %1").arg(fileError);
            return false;
        }
    } else {
        tls.keyPassphrase = qgetenv("VIGIL_KEY_PASSPHRASE");
    }
    tls.insecure = parser.isSet(m_insecure);
    if (sentinels)
        target->sentinelTls = tls;
    // The sentinels report the data nodes by address; a certificate issued for a hostname is checked as --sni says.
    tls.verifyName = parser.value(m_sni);
    if (!data && parser.isSet(m_sni)) {
        *error = QStringLiteral("--sni is for the data nodes: it needs --tls or --tls-data");
        return false;
    }
    if (data)
        target->dataTls = tls;
    return true;
}

bool DeploymentOptions::readSsh(const QCommandLineParser &parser, SentinelTarget *target, QString *error) const
{
    if (!parser.isSet(m_ssh)) {
        for (const QCommandLineOption &option : {m_sshKey, m_sshConfig, m_sshKnownHosts, m_sshAcceptNew}) {
            if (parser.isSet(option)) {
                *error = QStringLiteral("%1 needs --ssh").arg(dashed(option));
                return false;
            }
        }
        return true;
    }
    SshOptions ssh;
    QString why;
    if (!SshOptions::parse(parser.value(m_ssh), &ssh, &why)) {
        *error = QStringLiteral("bad --ssh '%1' ([USER@]HOST[:PORT]): %2").arg(parser.value(m_ssh), why);
        return false;
    }
    for (const auto &[option, path] : {std::pair{&m_sshKey, &ssh.keyFile}, std::pair{&m_sshConfig, &ssh.configFile}}) {
        if (!parser.isSet(*option))
            continue;
        *path = parser.value(*option);
        if (const QFileInfo file(*path); !file.exists() || file.isDir()) { // /dev/null is fine: no config
            *error = QStringLiteral("%1 %2: no such file").arg(dashed(*option), *path);
            return false;
        }
    }
    ssh.knownHosts = parser.value(m_sshKnownHosts);
    ssh.acceptNew = parser.isSet(m_sshAcceptNew);
    ssh.password = qgetenv("VIGIL_SSH_PASSWORD");
    ssh.passphrase = qgetenv("VIGIL_SSH_PASSPHRASE");
    target->ssh = ssh;
    return true;
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
    SentinelTarget target;
    if (m_extras.testFlag(Extra::Tls) && !readTls(parser, &target, error))
        return false;
    if (!readSsh(parser, &target, error))
        return false;
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

    target.readOnly = m_extras.testFlag(Extra::ReadOnly) && parser.isSet(m_readOnly);
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
