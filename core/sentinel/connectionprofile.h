#pragma once

#include "masterresolver.h"

#include <QList>
#include <QString>

class QSettings;

// A saved connection. Passwords are never part of it: they are typed each time, or, with rememberSecrets, kept in the
// OS keychain under the profile's name (SecretStore), never in the settings file.
struct ConnectionProfile
{
    QString name;
    QString seeds; // "host:port, host:port"
    QString masterName;
    QString sentinelUser;
    QString dataUser;
    int db = 0;
    QString separator = QStringLiteral(":");
    bool readOnly = false;
    bool production = false;      // coloured and named as production wherever it shows
    QString addressMap;           // "FROM=TO, FROM=TO"
    bool rememberSecrets = false; // its passwords are in the keychain

    // TLS: on both sides by default once on; some deployments run it on the sentinels or the data nodes only. The
    // files and the insecure switch apply to both sides; the name to verify as is the data nodes' (Sentinel reports
    // them by address); each side keeps its own pinned certificate. The key's passphrase is a secret: not here.
    enum class TlsSides { Off, Both, Sentinels, Data };
    TlsSides tls = TlsSides::Off;
    QString caFile;
    QString certFile;
    QString keyFile;
    QString verifyName;
    bool insecure = false;
    QByteArray sentinelPin; // SHA-256, hex
    QByteArray dataPin;

    // SSH: through a bastion. The host may be an alias of sshConfig (~/.ssh/config's Host); port 0 and an empty user
    // leave them to that config, else 22 and the local user. The password and the key's passphrase are secrets: typed
    // for the session (asked each time), never here.
    enum class SshAuth { Agent, KeyFile, Password };
    bool ssh = false;
    QString sshHost;
    QString sshUser;
    int sshPort = 0;
    SshAuth sshAuth = SshAuth::Agent;
    QString sshKeyFile;
    QString sshConfig;
    QString sshKnownHosts; // empty: ~/.ssh/known_hosts

    // Builds the target, adding the secrets typed for this session. Returns false with *error on a bad field.
    bool toTarget(SentinelTarget *target, const QByteArray &sentinelPassword, const QByteArray &dataPassword,
                  QString *error, const QByteArray &keyPassphrase = {}, const QByteArray &sshSecret = {}) const;

    // The profile of a target, without its passwords (what a session remembers of an open deployment).
    static ConnectionProfile fromTarget(const SentinelTarget &target, const QString &separator);
    // Reads and writes the fields (not the name) in the settings' current group.
    static ConnectionProfile read(QSettings &settings);
    void write(QSettings &settings) const;

    static QList<ConnectionProfile> loadAll(QSettings &settings);
    static void save(QSettings &settings, const ConnectionProfile &profile);
    static void remove(QSettings &settings, const QString &name);
    // Gives profile `from` the name `to`, replacing a profile of that name. False when there is no `from`.
    static bool rename(QSettings &settings, const QString &from, const QString &to);
    // The saved profile of that name, if any.
    static bool find(QSettings &settings, const QString &name, ConnectionProfile *profile);
};
