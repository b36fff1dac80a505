#pragma once

#include <QByteArray>
#include <QString>

// How to reach a deployment through a bastion (jump) host: one SSH session, a direct-tcpip channel per connection.
// The password and the key's passphrase live here in memory only (from VIGIL_SSH_PASSWORD / VIGIL_SSH_PASSPHRASE);
// nothing of this struct that is saved or logged may include them.
struct SshOptions
{
    QString host;              // empty: no SSH
    quint16 port = 0;          // 0: the config's Port, else 22
    QString user;              // empty: the config's User, else the local user
    QString keyFile;           // a private key to offer after the agent's
    QString configFile;        // the OpenSSH client config to read for `host`; empty: ~/.ssh/config (/dev/null: none)
    QString knownHosts;        // empty: ~/.ssh/known_hosts
    bool acceptNew = false;    // StrictHostKeyChecking=accept-new: an unknown host key is added, a changed one refused
    QByteArray password;       // password and keyboard-interactive logins
    QByteArray passphrase;     // the key file's
    int keepaliveSeconds = 30; // like ServerAliveInterval: under the idle timeouts of NAT and firewalls
    int connectTimeoutMs = 10000;

    bool enabled() const { return !host.isEmpty(); }
    quint16 effectivePort() const { return port ? port : 22; }
    // "bastion.example:22", how errors name the hop.
    QString hop() const
    {
        const QString name = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
        return name + QLatin1Char(':') + QString::number(effectivePort());
    }

    // "[user@]host[:port]" (an IPv6 address in brackets); false with `error` set when it is not that.
    static bool parse(const QString &spec, SshOptions *options, QString *error);

    bool operator==(const SshOptions &) const = default;
};
