#pragma once

#include "common/vigilerror.h"
#include "masterresolver.h"

#include <QObject>
#include <QStringList>

#include <memory>

class ConnectionFactory;
class RedisConnection;

// "Test connection", step by step, on a worker thread, in the order a connection goes: a sentinel accepts the TCP
// connection, its TLS handshake, its credentials; it knows the master; the master's connection, TLS and credentials;
// its ROLE. Each step ends passed or failed, with the reason in words a user can act on, or not tried when an earlier
// one failed: a step never tried is not a failure. The TLS steps are in the plan only where TLS is on; through a
// bastion, the SSH steps (connect, host key, login) come first, and every connection after them is a channel of that
// one SSH session. Also lists the masters a sentinel monitors.
class ConnectionCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionCheck)

public:
    enum Step {
        SshConnect,
        SshHostKey,
        SshAuth,
        SentinelReached,
        SentinelTls,
        SentinelAuth,
        MasterKnown,
        MasterReached,
        MasterTls,
        MasterAuth,
        MasterRole,
        StepCount
    };
    enum class Outcome { Passed, Failed, NotTried };
    static QString stepName(Step step);
    // The steps a check of `target` goes through, in order.
    static QList<Step> plan(const SentinelTarget &target);
    // A connection error as the dialog says it: "the master requires a password: set it under Data-node auth", not
    // "CLIENT SETNAME failed: NOAUTH Authentication required."
    static QString inWords(const VigilError &error, bool sentinel);

    explicit ConnectionCheck(QObject *parent = nullptr);

public Q_SLOTS:
    // `trustHostKey`: the SHA256 fingerprint of an unknown SSH host key the user chose to trust (SshTunnel::trustHostKey).
    void run(const SentinelTarget &target, const QString &trustHostKey = {});
    void listMasters(const SentinelTarget &target);
    // Before Connect: the bastion's host key only (no login), then hostKeyChecked. `trustFingerprint` as for run().
    void checkHostKey(const SshOptions &ssh, const QString &trustFingerprint = {});

Q_SIGNALS:
    // `outcome` is an Outcome.
    void stepFinished(int step, int outcome, const QString &detail);
    void checkFinished(bool ok);
    // A node presented a certificate that does not verify: what it is, for the user to pin it or not.
    void certificateOffered(bool sentinel, const QString &node, const QByteArray &sha256, const QString &description);
    // The bastion offered a host key that known_hosts does not hold: "ssh-ed25519 SHA256:…", for the user to trust.
    void hostKeyOffered(const QString &hop, const QString &key, const QString &knownHosts);
    // `status` is an SshHostKeyCheck::Status; `key` "ssh-ed25519 SHA256:…"; `message` the refusal or failure.
    void hostKeyChecked(int status, const QString &hop, const QString &key, const QString &message,
                        const QString &knownHosts);
    void mastersListed(const QStringList &names, const QString &error);

private:
    // Reports the reached, TLS and auth steps of one node from one attempt to open it; false when one failed.
    bool reportOpen(bool sentinel, const HostPort &address, const RedisConnection &connection, const VigilError &error);
    void report(Step step, Outcome outcome, const QString &detail);
    // Fails `step`, marks the plan's later steps not tried, and ends the check.
    void fail(Step step, const QString &detail);

    // The SSH steps, by opening one channel to the first sentinel; false when one failed.
    bool checkSsh(const SentinelTarget &target, const QString &trustHostKey);

    QList<Step> m_plan;
    std::shared_ptr<ConnectionFactory> m_factory; // the check's connections: through the SSH session, or direct
};

Q_DECLARE_METATYPE(SentinelTarget)
