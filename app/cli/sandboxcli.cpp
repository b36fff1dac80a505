#include "sandboxcli.h"

#include "quitsignals.h"
#include "sandbox/sandbox.h"
#include "sentinel/failovertracker.h"
#include "sentinel/sentinelwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QThread>

namespace {
QString joinPorts(const QString &host, const QList<quint16> &ports)
{
    QStringList list;
    for (quint16 p : ports)
        list.append(QStringLiteral("%1:%2").arg(host).arg(p));
    return list.join(QLatin1Char(','));
}

void printTopology(const Sandbox &sandbox, QTextStream &out)
{
    const quint16 master = sandbox.currentMasterPort();
    QList<quint16> replicas = sandbox.dataPorts();
    replicas.removeAll(master);
    out << "master name: " << sandbox.masterName() << '\n'
        << "sentinels:   " << joinPorts(sandbox.nodeHost(), sandbox.sentinelPorts()) << '\n'
        << "master:      " << sandbox.nodeHost() << ':' << master << '\n'
        << "replicas:    " << joinPorts(sandbox.nodeHost(), replicas) << '\n'
        << "keys:        " << sandbox.loadedKeyCount() << '\n'
        << "folder:      " << sandbox.dir() << '\n';
    if (!sandbox.dataPassword().isEmpty())
        out << "auth:        passwords are in " << sandbox.stateFilePath() << " (mode 0600)\n";
    if (const TlsOptions tls = sandbox.clientTls(); tls.enabled) {
        out << "tls:         TLS only; connect with --tls --cacert " << tls.caFile;
        if (!tls.certFile.isEmpty())
            out << " --cert " << tls.certFile << " --key " << tls.keyFile;
        out << '\n';
    }
    if (const SshOptions ssh = sandbox.clientSsh(); ssh.enabled()) {
        out << "ssh:         the nodes listen on " << sandbox.nodeHost() << " only; sshd on " << ssh.hop()
            << " (log: " << sandbox.sshLogPath() << ")\n"
            << "             connect with --ssh " << ssh.user << '@' << ssh.hop() << " --ssh-key " << ssh.keyFile
            << " --ssh-known-hosts " << ssh.knownHosts << '\n'
            << "             host key: " << sandbox.sshKnownHostsLine() << '\n';
    }
    out.flush();
}

int fail(QTextStream &err, const VigilError &error)
{
    err << "vigil-sandbox: " << error.toString() << '\n';
    err.flush();
    return 1;
}
} // namespace

int SandboxCli::run(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Starts and drives a local Redis Sentinel topology: 1 master, 2 replicas and 3 sentinels on free loopback "
        "ports.\n\nCommands:\n"
        "  up                    start it, load sample data, print the addresses; Ctrl-C stops it\n"
        "  failover              SENTINEL FAILOVER\n"
        "  kill-master           kill -9 the current master\n"
        "  pause-master SECONDS  SIGSTOP the master, SIGCONT it SECONDS later\n"
        "  restart PORT          start a killed node again\n"
        "  watch                 print Sentinel events and failover records as JSON lines, until Ctrl-C\n"
        "  down                  stop every node"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption keysOption(QStringLiteral("keys"),
                                        QStringLiteral("Generated sample keys (default 20000)."), QStringLiteral("N"),
                                        QStringLiteral("20000"));
    const QCommandLineOption dirOption(QStringLiteral("dir"), QStringLiteral("The sandbox folder."),
                                       QStringLiteral("D"));
    const QCommandLineOption authOption(QStringLiteral("auth"),
                                        QStringLiteral("requirepass on data nodes and sentinels."));
    const QCommandLineOption aclOption(QStringLiteral("acl"), QStringLiteral("ACL users on data nodes and sentinels."));
    const QCommandLineOption detachOption(QStringLiteral("detach"),
                                          QStringLiteral("Leave the nodes running and exit; needs --dir."));
    const QCommandLineOption downAfterOption(QStringLiteral("down-after"),
                                             QStringLiteral("Sentinel down-after-milliseconds (default 1000)."),
                                             QStringLiteral("MS"), QStringLiteral("1000"));
    const QCommandLineOption failoverTimeoutOption(QStringLiteral("failover-timeout"),
                                                   QStringLiteral("Sentinel failover-timeout (default 5000)."),
                                                   QStringLiteral("MS"), QStringLiteral("5000"));
    const QCommandLineOption tlsOption(
        QStringLiteral("tls"), QStringLiteral("TLS only: every node and sentinel on tls-port, replicating over "
                                              "TLS, with throwaway certificates made by openssl in <dir>/tls."));
    const QCommandLineOption clientAuthOption(QStringLiteral("tls-client-auth"),
                                              QStringLiteral("With --tls: clients must present a certificate too."));
    const QCommandLineOption sshOption(
        QStringLiteral("ssh"), QStringLiteral("Behind a bastion: the nodes listen on 127.0.0.2 only, and a throwaway "
                                              "sshd (own config, host and client keys in <dir>/ssh) on 127.0.0.1 is "
                                              "the way in."));
    parser.addOptions({keysOption, dirOption, authOption, aclOption, detachOption, downAfterOption,
                       failoverTimeoutOption, tlsOption, clientAuthOption, sshOption});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("up, failover, kill-master, pause-master, watch, "
                                                "restart or down"));

    if (!parser.parse(arguments)) {
        err << "vigil-sandbox: " << parser.errorText() << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        out << "vigil-sandbox " << QStringLiteral(VIGIL_VERSION) << '\n';
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) {
        err << "vigil-sandbox: a command is needed (see --help)\n";
        return 2;
    }
    const QString command = positional.first();

    if (command == QLatin1String("up")) {
        bool ok = false;
        SandboxOptions options;
        options.keys = parser.value(keysOption).toLongLong(&ok);
        if (!ok || options.keys < 0) {
            err << "vigil-sandbox: --keys needs a number\n";
            return 2;
        }
        options.downAfterMs = parser.value(downAfterOption).toInt();
        options.failoverTimeoutMs = parser.value(failoverTimeoutOption).toInt();
        options.dir = parser.value(dirOption);
        options.detach = parser.isSet(detachOption);
        options.tls = parser.isSet(tlsOption) || parser.isSet(clientAuthOption);
        options.tlsClientAuth = parser.isSet(clientAuthOption);
        options.ssh = parser.isSet(sshOption);
        if (parser.isSet(aclOption))
            options.auth = SandboxOptions::Auth::AclUser;
        else if (parser.isSet(authOption))
            options.auth = SandboxOptions::Auth::Password;
        if (options.detach && options.dir.isEmpty()) {
            err << "vigil-sandbox: --detach needs --dir, to keep the state file in\n";
            return 2;
        }
        // Before start(): a SIGTERM or Ctrl-C while it runs then stops the nodes and removes the folder once it
        // returns, instead of killing us with the folder left behind. A detached sandbox is meant to outlive us.
        const bool quitOnSignal = !options.detach && QuitSignals::install();
        Sandbox sandbox(options);
        out << "starting the sandbox...\n";
        out.flush();
        if (const VigilError error = sandbox.start(); error.isError())
            return fail(err, error);
        printTopology(sandbox, out);
        if (options.detach) {
            out << "detached; stop it with: vigil-sandbox down --dir " << sandbox.dir() << '\n';
            return 0;
        }
        // Save the state here too, so the other commands can act on a foreground sandbox.
        sandbox.saveState();
        out << "running; Ctrl-C stops it\n";
        out.flush();
        if (quitOnSignal)
            QCoreApplication::exec();
        out << "stopping\n";
        out.flush();
        sandbox.stop();
        return 0;
    }

    if (!parser.isSet(dirOption)) {
        err << "vigil-sandbox: " << command << " needs --dir D, the folder given to 'up'\n";
        return 2;
    }
    VigilError error;
    std::unique_ptr<Sandbox> sandbox = Sandbox::load(parser.value(dirOption), &error);
    if (!sandbox)
        return fail(err, error);

    if (command == QLatin1String("down")) {
        sandbox->stop();
        out << "stopped\n";
        return 0;
    }
    if (command == QLatin1String("failover")) {
        const quint16 before = sandbox->currentMasterPort();
        if (error = sandbox->failover(); error.isError())
            return fail(err, error);
        out << "failover started (master was " << sandbox->nodeHost() << ":" << before << ")\n";
        return 0;
    }
    if (command == QLatin1String("kill-master")) {
        const quint16 master = sandbox->currentMasterPort();
        if (error = sandbox->killMaster(); error.isError())
            return fail(err, error);
        out << "killed the master " << sandbox->nodeHost() << ":" << master << " (pid " << sandbox->pidOfPort(master)
            << ")\n";
        return 0;
    }
    if (command == QLatin1String("pause-master")) {
        bool ok = false;
        const double seconds = positional.value(1).toDouble(&ok);
        if (!ok || seconds <= 0) {
            err << "vigil-sandbox: pause-master needs SECONDS\n";
            return 2;
        }
        const quint16 master = sandbox->currentMasterPort();
        if (error = sandbox->pauseNode(master); error.isError())
            return fail(err, error);
        out << "paused the master " << sandbox->nodeHost() << ":" << master << " for " << seconds << " s\n";
        out.flush();
        QThread::msleep(static_cast<unsigned long>(seconds * 1000));
        if (error = sandbox->resumeNode(master); error.isError())
            return fail(err, error);
        out << "resumed " << sandbox->nodeHost() << ":" << master << '\n';
        return 0;
    }
    if (command == QLatin1String("watch")) {
        const SentinelTarget target = sandbox->target();
        SentinelWatcher watcher(target);
        FailoverTracker tracker(target.masterName.toUtf8());
        const auto line = [&out](const QByteArray &json) {
            out << json << '\n';
            out.flush();
        };
        QObject::connect(&watcher, &SentinelWatcher::eventReceived, &tracker, &FailoverTracker::handleEvent);
        QObject::connect(&watcher, &SentinelWatcher::sentinelLost, &tracker, &FailoverTracker::forgetSentinel);
        QObject::connect(&watcher, &SentinelWatcher::eventReceived, qApp,
                         [line](const SentinelEvent &event) { line(event.toJson()); });
        QObject::connect(
            &watcher, &SentinelWatcher::masterSwitched, qApp, [line](const HostPort &from, const HostPort &to) {
                line(QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("master-switched")},
                                               {QStringLiteral("old_master"), from.toString()},
                                               {QStringLiteral("new_master"), to.toString()},
                                               {QStringLiteral("time"),
                                                QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}})
                         .toJson(QJsonDocument::Compact));
            });
        QObject::connect(&watcher, &SentinelWatcher::sentinelSubscribed, qApp, [line](const HostPort &sentinel) {
            line(QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("subscribed")},
                                           {QStringLiteral("sentinel"), sentinel.toString()}})
                     .toJson(QJsonDocument::Compact));
        });
        QObject::connect(&watcher, &SentinelWatcher::sentinelLost, qApp,
                         [line](const HostPort &sentinel, const VigilError &e) {
                             line(QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("sentinel-lost")},
                                                            {QStringLiteral("sentinel"), sentinel.toString()},
                                                            {QStringLiteral("error"), e.toString()}})
                                      .toJson(QJsonDocument::Compact));
                         });
        QObject::connect(&tracker, &FailoverTracker::failoverFinished, qApp,
                         [line](const FailoverRecord &record) { line(record.toJson()); });
        if (!QuitSignals::install())
            return fail(
                err, {VigilError::Kind::Usage, QString(), QStringLiteral("watch"), QStringLiteral("no signal pipe")});
        watcher.start();
        QCoreApplication::exec();
        return 0;
    }
    if (command == QLatin1String("restart")) {
        const quint16 port = static_cast<quint16>(positional.value(1).toUInt());
        if (error = sandbox->restartNode(port); error.isError())
            return fail(err, error);
        sandbox->saveState();
        out << "restarted " << sandbox->nodeHost() << ":" << port << " (pid " << sandbox->pidOfPort(port) << ")\n";
        return 0;
    }
    err << "vigil-sandbox: unknown command '" << command << "' (see --help)\n";
    return 2;
}
