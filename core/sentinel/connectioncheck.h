#pragma once

#include "common/vigilerror.h"
#include "masterresolver.h"

#include <QObject>
#include <QStringList>

class RedisConnection;

// "Test connection", step by step, on a worker thread, in the order a connection goes: a sentinel accepts the TCP
// connection, its TLS handshake, its credentials; it knows the master; the master's connection, TLS and credentials;
// its ROLE. Each step ends passed or failed, with the reason in words a user can act on, or not tried when an earlier
// one failed: a step never tried is not a failure. The TLS steps are in the plan only where TLS is on; an SSH
// transport will put its own steps in front. Also lists the masters a sentinel monitors.
class ConnectionCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionCheck)

public:
    enum Step {
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
    void run(const SentinelTarget &target);
    void listMasters(const SentinelTarget &target);

Q_SIGNALS:
    // `outcome` is an Outcome.
    void stepFinished(int step, int outcome, const QString &detail);
    void checkFinished(bool ok);
    // A node presented a certificate that does not verify: what it is, for the user to pin it or not.
    void certificateOffered(bool sentinel, const QString &node, const QByteArray &sha256, const QString &description);
    void mastersListed(const QStringList &names, const QString &error);

private:
    // Reports the reached, TLS and auth steps of one node from one attempt to open it; false when one failed.
    bool reportOpen(bool sentinel, const HostPort &address, const RedisConnection &connection, const VigilError &error);
    void report(Step step, Outcome outcome, const QString &detail);
    // Fails `step`, marks the plan's later steps not tried, and ends the check.
    void fail(Step step, const QString &detail);

    QList<Step> m_plan;
};

Q_DECLARE_METATYPE(SentinelTarget)
