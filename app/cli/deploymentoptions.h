#pragma once

#include "sentinel/masterresolver.h"

#include <QCommandLineOption>
#include <QFlags>

class QCommandLineParser;

// The options that say which deployment to open, spelled the same in every program:
//   --sentinel HOST:PORT[,HOST:PORT...]  --master NAME  --db N  --map FROM=TO (repeatable)  --pace KEYS_PER_S
//   --recovery-timeout SECONDS
//   --user USER  --password-file F  --sentinel-user USER  --sentinel-password-file F  [--read-only]
// Passwords come from those files or from VIGIL_PASSWORD and VIGIL_SENTINEL_PASSWORD, never from the command line,
// which `ps` shows to everyone. With Extra::Tls: --tls (sentinels and data nodes), --tls-sentinels or --tls-data
// (only those), --cacert F, --cacert-dir D, --cert F --key F (--key-passphrase-file F or VIGIL_KEY_PASSPHRASE),
// --sni NAME (the name the data nodes' certificates are checked against), --insecure. Through a bastion:
// --ssh [USER@]HOST[:PORT], --ssh-key F, --ssh-config F, --ssh-known-hosts F, --ssh-accept-new; the SSH password and
// the key's passphrase come from VIGIL_SSH_PASSWORD and VIGIL_SSH_PASSPHRASE. Files are checked here, before
// any connection: a missing one is a usage error. Add them to a parser, parse, then read(): a usage error names the
// option and the value it did not accept.
class DeploymentOptions final
{
public:
    enum class Extra {
        None = 0,
        Tls = 0x1,           // --tls --tls-sentinels --tls-data --cacert --cacert-dir --cert --key --sni --insecure
        ScanPaceAlias = 0x2, // --scan-pace, vigil's old spelling of --pace, hidden from --help
        ReadOnly = 0x4,      // --read-only: the connections refuse every write (vigil-scan only ever reads)
    };
    Q_DECLARE_FLAGS(Extras, Extra)

    // Required: --sentinel and --master must be given. Optional: they may both be absent (then no option that only
    // makes sense with them may be given either), and hasTarget() says whether they were.
    enum class Target { Required, Optional };

    static constexpr int defaultRecoveryTimeoutMs = 60000;

    explicit DeploymentOptions(Extras extras = Extra::None);

    void addTo(QCommandLineParser &parser) const;

    // Reads what the parser found. Returns false, with a message such as "bad --map 'x' (FROM=TO, each HOST:PORT)"
    // in *error, on a usage error.
    bool read(const QCommandLineParser &parser, Target need, QString *error);

    bool hasTarget() const { return m_hasTarget; }
    const SentinelTarget &target() const { return m_target; }
    // Keys a second a scan may read at most; 0 means as fast as the server answers.
    double pace() const { return m_keysPerSecond; }
    // How long a scan waits out a failover, a lost connection or a node that does not answer (--recovery-timeout,
    // 60 s unless given).
    int recoveryTimeoutMs() const { return m_recoveryTimeoutMs; }
    // Whether the data-node password came from --password-file or VIGIL_PASSWORD (a terminal program may prompt
    // for it otherwise).
    bool hasDataPassword() const { return m_hasDataPassword; }
    // --insecure was given: certificates are not verified (vigil-scan says so on stderr, the window on the tab).
    bool isInsecure() const { return m_target.sentinelTls.insecure || m_target.dataTls.insecure; }

private:
    bool readTls(const QCommandLineParser &parser, SentinelTarget *target, QString *error) const;
    bool readSsh(const QCommandLineParser &parser, SentinelTarget *target, QString *error) const;
    QList<QCommandLineOption> targetOptions() const;
    QList<QCommandLineOption> tlsOptions() const;

    Extras m_extras;
    QCommandLineOption m_sentinel;
    QCommandLineOption m_master;
    QCommandLineOption m_db;
    QCommandLineOption m_map;
    QCommandLineOption m_user;
    QCommandLineOption m_passwordFile;
    QCommandLineOption m_sentinelUser;
    QCommandLineOption m_sentinelPasswordFile;
    QCommandLineOption m_readOnly;
    QCommandLineOption m_pace;
    QCommandLineOption m_scanPace;
    QCommandLineOption m_recoveryTimeout;
    QCommandLineOption m_tls;
    QCommandLineOption m_tlsSentinels;
    QCommandLineOption m_tlsData;
    QCommandLineOption m_cacert;
    QCommandLineOption m_cacertDir;
    QCommandLineOption m_cert;
    QCommandLineOption m_key;
    QCommandLineOption m_keyPassphraseFile;
    QCommandLineOption m_sni;
    QCommandLineOption m_insecure;
    QCommandLineOption m_ssh;
    QCommandLineOption m_sshKey;
    QCommandLineOption m_sshConfig;
    QCommandLineOption m_sshKnownHosts;
    QCommandLineOption m_sshAcceptNew;

    SentinelTarget m_target;
    double m_keysPerSecond = 0;
    int m_recoveryTimeoutMs = defaultRecoveryTimeoutMs;
    bool m_hasTarget = false;
    bool m_hasDataPassword = false;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(DeploymentOptions::Extras)
