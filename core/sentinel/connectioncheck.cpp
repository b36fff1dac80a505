#include "connectioncheck.h"

#include "resp/connectionfactory.h"
#include "resp/redisconnection.h"
#include "resp/tlsdiagnosis.h"
#include "ssh/sshtunnel.h"

#include <QScopeGuard>

namespace {
// How far an attempt to open a connection got: the TCP connection, then the TLS handshake, then the commands that
// log in (AUTH, CLIENT SETNAME, SELECT).
int reach(const VigilError &error)
{
    if (!error.isError())
        return 3;
    switch (error.kind()) {
    case VigilError::Kind::Unreachable:
    case VigilError::Kind::Timeout:
        return 0;
    case VigilError::Kind::Tls:
        return 1;
    default:
        return error.step() == QLatin1String("connect") ? 0 : 2;
    }
}
// The connection layer words its advice for the command line; the dialog has fields instead of options.
QString forTheDialog(QString message)
{
    static const QList<std::pair<QLatin1String, QString>> options = {
        {QLatin1String("with --cacert"), ConnectionCheck::tr("in the TLS tab's CA file")},
        {QLatin1String("with --cert and --key"), ConnectionCheck::tr("in the TLS tab's client certificate and key")},
        {QLatin1String("with --sni"), ConnectionCheck::tr("in the TLS tab's Verify as")},
        {QLatin1String("leave --tls off for it"), ConnectionCheck::tr("turn TLS off for it")},
        {QLatin1String("(--tls)"), ConnectionCheck::tr("(turn on Use TLS)")},
        {QLatin1String("use --tls"), ConnectionCheck::tr("turn on Use TLS")},
        {QLatin1String("connect again with --ssh-accept-new to add it"),
         ConnectionCheck::tr("add it with Trust this host key")},
        {QLatin1String("give it in VIGIL_SSH_PASSWORD"), ConnectionCheck::tr("give it in the SSH tab")},
        {QLatin1String("(give it in VIGIL_SSH_PASSPHRASE)"), ConnectionCheck::tr("(give it in the SSH tab)")},
    };
    for (const auto &[option, field] : options)
        message.replace(option, field);
    return message;
}
} // namespace

ConnectionCheck::ConnectionCheck(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<SentinelTarget>();
}

QString ConnectionCheck::stepName(Step step)
{
    switch (step) {
    case SshConnect:
        return tr("SSH connect");
    case SshHostKey:
        return tr("SSH host key");
    case SshAuth:
        return tr("SSH login");
    case SentinelReached:
        return tr("Sentinel reached");
    case SentinelTls:
        return tr("Sentinel TLS");
    case SentinelAuth:
        return tr("Sentinel credentials");
    case MasterKnown:
        return tr("Master name known");
    case MasterReached:
        return tr("Master reached");
    case MasterTls:
        return tr("Master TLS");
    case MasterAuth:
        return tr("Master credentials");
    case MasterRole:
        return tr("Master's ROLE");
    case StepCount:
        break;
    }
    return {};
}

QList<ConnectionCheck::Step> ConnectionCheck::plan(const SentinelTarget &target)
{
    QList<Step> steps;
    for (int i = 0; i < StepCount; ++i) {
        const auto step = Step(i);
        if ((step == SentinelTls && !target.sentinelTls.enabled) || (step == MasterTls && !target.dataTls.enabled))
            continue;
        if ((step == SshConnect || step == SshHostKey || step == SshAuth) && !target.ssh.enabled())
            continue;
        steps.append(step);
    }
    return steps;
}

QString ConnectionCheck::inWords(const VigilError &error, bool sentinel)
{
    const QString &message = error.message();
    const QString where = sentinel ? tr("Sentinel auth") : tr("Data-node auth");
    if (message.contains(QLatin1String("NOAUTH")) || message.contains(QLatin1String("none was given")))
        return sentinel ? tr("the sentinel requires a password: set it under %1").arg(where)
                        : tr("the master requires a password: set it under %1").arg(where);
    if (message.contains(QLatin1String("WRONGPASS")) || message.contains(QLatin1String("invalid password"))
        || message.contains(QLatin1String("invalid username-password")))
        return tr("%1 refused the user name or password: check them under %2").arg(error.node(), where);
    if (error.kind() == VigilError::Kind::Unreachable || error.kind() == VigilError::Kind::Timeout)
        return tr("%1: %2 (check the address and that the server runs)").arg(error.node(), forTheDialog(message));
    return tr("%1: %2: %3").arg(error.node(), error.step(), forTheDialog(message));
}

void ConnectionCheck::report(Step step, Outcome outcome, const QString &detail)
{
    if (m_plan.contains(step))
        Q_EMIT stepFinished(step, int(outcome), detail);
}

void ConnectionCheck::fail(Step step, const QString &detail)
{
    report(step, Outcome::Failed, detail);
    for (Step later : std::as_const(m_plan))
        if (later > step)
            Q_EMIT stepFinished(later, int(Outcome::NotTried), tr("not tried"));
    Q_EMIT checkFinished(false);
}

bool ConnectionCheck::reportOpen(bool sentinel, const HostPort &address, const RedisConnection &connection,
                                 const VigilError &error)
{
    const Step reached = sentinel ? SentinelReached : MasterReached;
    const Step tls = sentinel ? SentinelTls : MasterTls;
    const Step auth = sentinel ? SentinelAuth : MasterAuth;
    const int got = reach(error);
    if (got == 0) {
        fail(reached, inWords(error, sentinel));
        return false;
    }
    report(reached, Outcome::Passed, tr("%1 accepted the connection").arg(address.toString()));
    if (got == 1) {
        const QSslCertificate &peer = connection.peerCertificate();
        const bool pinnedMismatch = error.message().contains(QLatin1String("not the one pinned"));
        if (!peer.isNull() && !pinnedMismatch)
            Q_EMIT certificateOffered(sentinel, address.toString(), TlsDiagnosis::sha256(peer),
                                      tr("subject %1, issued by %2, valid until %3")
                                          .arg(TlsDiagnosis::distinguishedName(peer, false),
                                               TlsDiagnosis::distinguishedName(peer, true),
                                               peer.expiryDate().toUTC().date().toString(Qt::ISODate)));
        fail(tls, forTheDialog(error.message()));
        return false;
    }
    report(tls, Outcome::Passed, connection.tlsDescription());
    if (got == 2) {
        fail(auth, inWords(error, sentinel));
        return false;
    }
    report(auth, Outcome::Passed,
           connection.options().password.isEmpty() ? tr("no password needed") : tr("credentials accepted"));
    return true;
}

bool ConnectionCheck::checkSsh(const SentinelTarget &target, const QString &trustHostKey)
{
    const auto tunnel = std::dynamic_pointer_cast<SshTunnel>(m_factory->tunnel());
    if (!tunnel)
        return true;
    tunnel->trustHostKey(trustHostKey);
    // The session is set up by the first channel asked of it. Whether it came up tells a session error (connect, host
    // key, login, by the error's kind) from the channel's own, which is the sentinel's "reached" step.
    const HostPort &first = target.seeds.constFirst();
    auto request = std::make_shared<TunnelRequest>(first.host, first.port);
    tunnel->open(request);
    const int timeoutMs = tunnel->openTimeoutMs(target.sentinelOptions(first).connectTimeoutMs);
    if (!request->wait(timeoutMs)) {
        fail(SshConnect, tr("SSH %1: no answer within %2 s").arg(tunnel->hop()).arg(timeoutMs / 1000));
        return false;
    }
    const QString hop = tunnel->hop();
    const SshOptions &ssh = tunnel->options();
    const QString knownIn
        = tr("known in %1").arg(ssh.knownHosts.isEmpty() ? QStringLiteral("~/.ssh/known_hosts") : ssh.knownHosts);
    if (tunnel->sessionsStarted() == 0) {
        const VigilError error = request->error();
        const QString why = error.message().isEmpty() ? error.toString() : error.message();
        if (error.kind() == VigilError::Kind::Unreachable || error.kind() == VigilError::Kind::Timeout) {
            fail(SshConnect, tr("SSH %1: %2").arg(hop, why));
            return false;
        }
        report(SshConnect, Outcome::Passed, tr("%1 answered").arg(hop));
        if (error.kind() == VigilError::Kind::Refused) {
            if (const QString key = tunnel->unknownHostKey(); !key.isEmpty())
                Q_EMIT hostKeyOffered(hop, key,
                                      ssh.knownHosts.isEmpty() ? QStringLiteral("~/.ssh/known_hosts") : ssh.knownHosts);
            fail(SshHostKey, tr("SSH %1: %2").arg(hop, forTheDialog(why)));
            return false;
        }
        report(SshHostKey, Outcome::Passed, knownIn);
        fail(SshAuth, tr("SSH %1: %2").arg(hop, forTheDialog(why)));
        return false;
    }
    report(SshConnect, Outcome::Passed, tr("%1 answered").arg(hop));
    report(SshHostKey, Outcome::Passed, knownIn);
    report(SshAuth, Outcome::Passed,
           tr("logged in as %1").arg(ssh.user.isEmpty() ? tr("the configured user") : ssh.user));
    return true;
}

void ConnectionCheck::run(const SentinelTarget &target, const QString &trustHostKey)
{
    m_plan = plan(target);
    if (target.seeds.isEmpty())
        return fail(m_plan.constFirst(), tr("no sentinel address given"));
    if (target.masterName.isEmpty())
        return fail(m_plan.constFirst(), tr("no master name given"));
    // One factory for the whole check: through a bastion, every connection below is a channel of one session.
    m_factory = SshTunnel::factoryFor(target.ssh);
    const auto done = qScopeGuard([this] { m_factory.reset(); });
    if (!checkSsh(target, trustHostKey))
        return;

    // 1. The first seed that opens and answers PING, with the sentinel credentials. When none does, the attempt that
    // got furthest says where it breaks (the others are in its detail only when it did not get past the connection).
    std::unique_ptr<RedisConnection> sentinel;
    std::unique_ptr<RedisConnection> furthest;
    VigilError furthestError;
    QStringList unreachable;
    for (const HostPort &seed : target.seeds) {
        std::unique_ptr<RedisConnection> attempt = m_factory->make(target.sentinelOptions(seed));
        VigilError e = attempt->openBlocking();
        if (!e.isError()) {
            const RespResult ping = attempt->execute({"PING"});
            if (ping.ok()) {
                sentinel = std::move(attempt);
                reportOpen(true, seed, *sentinel, {});
                break;
            }
            e = ping.error.isError() ? ping.error : attempt->errorFor({"PING"}, ping.value);
        }
        if (reach(e) == 0)
            unreachable.append(inWords(e, true));
        if (!furthest || reach(e) > reach(furthestError)) {
            furthest = std::move(attempt);
            furthestError = e;
        }
    }
    if (!sentinel) {
        if (reach(furthestError) == 0)
            return fail(SentinelReached, unreachable.join(QStringLiteral("; ")));
        reportOpen(true, {furthest->options().host, furthest->options().port}, *furthest, furthestError);
        return;
    }

    // 2. It knows the master.
    const RespCommand ask = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", target.masterName.toUtf8()};
    const RespResult reply = sentinel->execute(ask);
    if (reply.error.isError())
        return fail(MasterKnown, reply.error.toString());
    if (reply.value.isError()) {
        const QString text = QString::fromUtf8(reply.value.toByteArray());
        return fail(MasterKnown, text.contains(QLatin1String("unknown command"))
                                     ? tr("%1 is not a sentinel (%2)").arg(sentinel->options().address(), text)
                                     : sentinel->errorFor(ask, reply.value).toString());
    }
    if (!reply.value.isArray() || reply.value.size() != 2)
        return fail(
            MasterKnown,
            tr("sentinel %1 does not know a master called '%2'").arg(sentinel->options().address(), target.masterName));
    const HostPort reported{QString::fromUtf8(reply.value.at(0).toByteArray()),
                            static_cast<quint16>(reply.value.at(1).toByteArray().toUInt())};
    const HostPort address = target.addressMap.map(reported);
    report(MasterKnown, Outcome::Passed,
           address == reported ? tr("at %1").arg(address.toString())
                               : tr("at %1, reached as %2").arg(reported.toString(), address.toString()));

    // 3. The master's connection, TLS and credentials.
    const std::unique_ptr<RedisConnection> masterConnection
        = m_factory->make(target.dataOptions(address, QStringLiteral("master")));
    RedisConnection &master = *masterConnection;
    if (!reportOpen(false, address, master, master.openBlocking()))
        return;

    // 4. It is the master: ROLE, else INFO replication. A least-privilege user may run neither; then the sentinels'
    // word is all there is, and the step says so.
    QByteArray said;
    VigilError roleError;
    MasterResolver::checkRole(master, &said, &roleError);
    if (roleError.isError())
        return fail(MasterRole, inWords(roleError, false));
    if (said.isEmpty()) {
        report(MasterRole, Outcome::Passed,
               tr("%1 (the sentinels name it the master)").arg(ResolvedMaster::roleNotVerifiedText()));
        Q_EMIT checkFinished(true);
        return;
    }
    if (said != "master")
        return fail(MasterRole,
                    tr("%1 says it is a %2 (failover in progress?)").arg(address.toString(), QString::fromUtf8(said)));
    report(MasterRole, Outcome::Passed, tr("master"));
    Q_EMIT checkFinished(true);
}

void ConnectionCheck::checkHostKey(const SshOptions &ssh, const QString &trustFingerprint)
{
    const SshHostKeyCheck check = SshTunnel::checkHostKey(ssh, trustFingerprint);
    Q_EMIT hostKeyChecked(int(check.status), check.hop, check.key, check.message, check.knownHosts);
}

void ConnectionCheck::listMasters(const SentinelTarget &target)
{
    QStringList failures;
    const ConnectionFactoryPtr factory = SshTunnel::factoryFor(target.ssh);
    for (const HostPort &seed : target.seeds) {
        const std::unique_ptr<RedisConnection> connection = factory->make(target.sentinelOptions(seed));
        RedisConnection &sentinel = *connection;
        if (const VigilError e = sentinel.openBlocking(); e.isError()) {
            failures.append(inWords(e, true));
            continue;
        }
        const RespResult reply = sentinel.execute({"SENTINEL", "MASTERS"});
        if (!reply.ok()) {
            failures.append(reply.error.isError() ? reply.error.toString()
                                                  : sentinel.errorFor({"SENTINEL", "MASTERS"}, reply.value).toString());
            continue;
        }
        QStringList names;
        for (const RespValue &entry : reply.value.elements())
            names.append(QString::fromUtf8(entry.toFieldMap().value("name")));
        names.sort();
        Q_EMIT mastersListed(names, {});
        return;
    }
    Q_EMIT mastersListed({}, failures.isEmpty() ? tr("no sentinel address given") : failures.join(QStringLiteral("; ")));
}
