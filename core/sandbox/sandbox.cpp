#include "sandbox.h"

#include "resp/infoparser.h"
#include "resp/redisconnection.h"
#include "sampledata.h"
#include "tlsmaterial.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
const QString sandboxNode = QStringLiteral("sandbox");

VigilError sandboxError(VigilError::Kind kind, const QString &step, const QString &message)
{
    return {kind, sandboxNode, step, message};
}

QByteArray listenConfig(const QString &host, quint16 port, bool tls)
{
    const QByteArray number = QByteArray::number(port);
    const QByteArray listen = tls ? QByteArray("port 0\ntls-port " + number) : QByteArray("port " + number);
    QByteArray conf = listen + "\nbind " + host.toLatin1() + "\nprotected-mode no\ndaemonize no\n";
    // Off 127.0.0.1, outgoing links (a replica's to its master, a sentinel's to everyone) must leave from the bind
    // address too: the master reports a replica, and a sentinel announces itself, at the address it connected from.
    if (host != QLatin1String("127.0.0.1"))
        conf += "bind-source-addr " + host.toLatin1() + '\n';
    return conf;
}

QByteArray randomSecret()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 4);
    return bytes.toHex();
}

quint16 freeLoopbackPort(const QString &host, QSet<quint16> *taken)
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        QTcpServer server;
        if (!server.listen(QHostAddress(host), 0))
            continue;
        const quint16 port = server.serverPort();
        // On the second loopback (the SSH sandbox) the port must be free on 127.0.0.1 as well: there a client that
        // bypasses the tunnel must find nothing, and a test checks that it does. A port taken there by another
        // sandbox's node (tests run side by side) made that check fail.
        if (host != QLatin1String("127.0.0.1")) {
            QTcpServer first;
            if (!first.listen(QHostAddress::LocalHost, port))
                continue;
        }
        // Sentinels and replicas also need nothing at port+10000 (no cluster bus), so any free port will do.
        if (!taken->contains(port)) {
            taken->insert(port);
            return port;
        }
    }
    return 0;
}

QString nodeLabel(const Sandbox::Node &node, const QString &host)
{
    return (node.kind == Sandbox::NodeKind::Sentinel ? QStringLiteral("sentinel ") : QStringLiteral("redis ")) + host
           + QLatin1Char(':') + QString::number(node.port);
}

QByteArray quoted(const QString &path)
{
    return '"' + path.toUtf8() + '"';
}

QString missingProgramsMessage(const QStringList &programs)
{
    return QStringLiteral("%1 %2 not installed (not on PATH); install with: %3")
        .arg(programs.join(QStringLiteral(" and ")),
             programs.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"), Sandbox::installCommand(programs));
}
} // namespace

Sandbox::Sandbox(SandboxOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
}

Sandbox::~Sandbox()
{
    if (!m_options.detach)
        stop();
}

QList<quint16> Sandbox::sentinelPorts() const
{
    QList<quint16> ports;
    for (const Node &n : m_nodes)
        if (n.kind == NodeKind::Sentinel)
            ports.append(n.port);
    return ports;
}

QList<quint16> Sandbox::dataPorts() const
{
    QList<quint16> ports;
    for (const Node &n : m_nodes)
        if (n.kind == NodeKind::Data)
            ports.append(n.port);
    return ports;
}

QList<qint64> Sandbox::pids() const
{
    QList<qint64> list;
    for (const Node &n : m_nodes)
        list.append(n.pid);
    return list;
}

qint64 Sandbox::pidOfPort(quint16 port) const
{
    for (const Node &n : m_nodes)
        if (n.port == port)
            return n.pid;
    return 0;
}

Sandbox::Node *Sandbox::nodeByPort(quint16 port)
{
    for (Node &n : m_nodes)
        if (n.port == port)
            return &n;
    return nullptr;
}

ConnectionOptions Sandbox::dataOptions(quint16 port) const
{
    ConnectionOptions o;
    o.host = nodeHost();
    o.port = port;
    o.role = QStringLiteral("redis");
    o.user = m_dataUser;
    o.password = m_dataPassword;
    o.connectTimeoutMs = 1000;
    o.commandTimeoutMs = 10000;
    o.clientName = QByteArrayLiteral("vigil-sandbox");
    o.tls = clientTls();
    return o;
}

QString Sandbox::tlsDir() const
{
    return m_options.tls ? m_dir + QStringLiteral("/tls") : QString();
}

TlsOptions Sandbox::clientTls() const
{
    TlsOptions tls;
    if (!m_options.tls)
        return tls;
    tls.enabled = true;
    tls.caFile = tlsDir() + QStringLiteral("/ca.crt");
    if (m_options.tlsClientAuth) {
        tls.certFile = tlsDir() + QStringLiteral("/client.crt");
        tls.keyFile = tlsDir() + QStringLiteral("/client.key");
    }
    return tls;
}

// The lines that make a node or a sentinel speak TLS only: the port goes to tls-port, and replication (and, for a
// sentinel, its links to the nodes and to the other sentinels) uses TLS too, presenting the node's certificate.
QByteArray Sandbox::tlsConfig() const
{
    if (!m_options.tls)
        return {};
    const QString dir = tlsDir();
    return "tls-cert-file " + quoted(dir + QStringLiteral("/server.crt")) + "\ntls-key-file "
           + quoted(dir + QStringLiteral("/server.key")) + "\ntls-ca-cert-file "
           + quoted(dir + QStringLiteral("/ca.crt")) + "\ntls-replication yes\ntls-auth-clients "
           + (m_options.tlsClientAuth ? "yes" : "no") + '\n';
}

ConnectionOptions Sandbox::sentinelOptions(quint16 port) const
{
    ConnectionOptions o = dataOptions(port);
    o.role = QStringLiteral("sentinel");
    o.user = m_sentinelUser;
    o.password = m_sentinelPassword;
    o.db = -1;
    return o;
}

bool Sandbox::isAlive(qint64 pid)
{
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype paren = line.lastIndexOf(')');
    return paren < 0 || line.mid(paren + 2, 1) != "Z";
}

VigilError Sandbox::prepareDir()
{
    if (m_options.dir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/vigil-sandbox-XXXXXX"));
        if (!m_tempDir->isValid())
            return sandboxError(VigilError::Kind::Usage, QStringLiteral("create folder"), m_tempDir->errorString());
        m_dir = m_tempDir->path();
    } else {
        m_dir = QDir(m_options.dir).absolutePath();
        if (!QDir().mkpath(m_dir))
            return sandboxError(VigilError::Kind::Usage, QStringLiteral("create folder"),
                                QStringLiteral("cannot create %1").arg(m_dir));
        if (QFile::exists(stateFilePath()))
            return sandboxError(
                VigilError::Kind::Usage, QStringLiteral("create folder"),
                QStringLiteral("%1 already holds a running sandbox; run 'vigil-sandbox down --dir %1'").arg(m_dir));
    }
    // Config files hold the sandbox's passwords: keep the folder to ourselves.
    QFile::setPermissions(m_dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return {};
}

QString Sandbox::writeDataConfig(quint16 port, quint16 masterPort) const
{
    const QString nodeDir = m_dir + QStringLiteral("/redis-%1").arg(port);
    QDir().mkpath(nodeDir);
    QByteArray conf;
    conf += listenConfig(nodeHost(), port, m_options.tls) + tlsConfig();
    conf += "dir " + quoted(nodeDir) + "\nlogfile " + quoted(nodeDir + QStringLiteral("/redis.log")) + '\n';
    conf += "save \"\"\nappendonly no\nrepl-diskless-sync yes\nrepl-diskless-sync-delay 0\n";
    if (port != masterPort)
        conf += "replicaof " + announcedHost().toLatin1() + ' ' + QByteArray::number(masterPort) + '\n';
    if (!m_options.hostname.isEmpty())
        conf += "replica-announce-ip " + m_options.hostname.toLatin1() + '\n';
    switch (m_options.auth) {
    case SandboxOptions::Auth::None:
        break;
    case SandboxOptions::Auth::Password:
        conf += "requirepass " + m_dataPassword + "\nmasterauth " + m_dataPassword + '\n';
        break;
    case SandboxOptions::Auth::AclUser:
        conf += "user default off\nuser " + m_dataUser + " on >" + m_dataPassword + " ~* &* +@all\n";
        conf += "masteruser " + m_dataUser + "\nmasterauth " + m_dataPassword + '\n';
        break;
    }
    const QString path = nodeDir + QStringLiteral("/redis.conf");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(conf) != conf.size())
        return {};
    return path;
}

QString Sandbox::writeSentinelConfig(quint16 port, quint16 masterPort) const
{
    const QString nodeDir = m_dir + QStringLiteral("/sentinel-%1").arg(port);
    QDir().mkpath(nodeDir);
    const QByteArray name = m_options.masterName.toUtf8();
    const int quorum = m_options.sentinels / 2 + 1;
    QByteArray conf;
    conf += listenConfig(nodeHost(), port, m_options.tls) + tlsConfig();
    conf += "dir " + quoted(nodeDir) + "\nlogfile " + quoted(nodeDir + QStringLiteral("/sentinel.log")) + '\n';
    if (!m_options.hostname.isEmpty())
        conf += "sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\nsentinel announce-ip "
                + m_options.hostname.toLatin1() + '\n';
    conf += "sentinel monitor " + name + ' ' + announcedHost().toLatin1() + ' ' + QByteArray::number(masterPort) + ' '
            + QByteArray::number(quorum) + '\n';
    conf += "sentinel down-after-milliseconds " + name + ' ' + QByteArray::number(m_options.downAfterMs) + '\n';
    conf += "sentinel failover-timeout " + name + ' ' + QByteArray::number(m_options.failoverTimeoutMs) + '\n';
    conf += "sentinel parallel-syncs " + name + " 1\n";
    switch (m_options.auth) {
    case SandboxOptions::Auth::None:
        break;
    case SandboxOptions::Auth::Password:
        conf += "sentinel auth-pass " + name + ' ' + m_dataPassword + '\n';
        conf += "requirepass " + m_sentinelPassword + "\nsentinel sentinel-pass " + m_sentinelPassword + '\n';
        break;
    case SandboxOptions::Auth::AclUser:
        conf += "sentinel auth-user " + name + ' ' + m_dataUser + '\n';
        conf += "sentinel auth-pass " + name + ' ' + m_dataPassword + '\n';
        conf += "user default off\nuser " + m_sentinelUser + " on >" + m_sentinelPassword + " ~* &* +@all\n";
        conf += "sentinel sentinel-user " + m_sentinelUser + "\nsentinel sentinel-pass " + m_sentinelPassword + '\n';
        break;
    }
    const QString path = nodeDir + QStringLiteral("/sentinel.conf");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(conf) != conf.size())
        return {};
    return path;
}

VigilError Sandbox::startNode(Node &node)
{
    const bool sentinel = node.kind == NodeKind::Sentinel;
    const QString name = sentinel ? QStringLiteral("redis-sentinel") : QStringLiteral("redis-server");
    // start() checked both, but a restart may come after the package was removed.
    const QString program = QStandardPaths::findExecutable(name);
    if (program.isEmpty())
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("start ") + nodeLabel(node, nodeHost()),
                            missingProgramsMessage({name}));
    node.logPath = QFileInfo(node.configPath).absolutePath()
                   + (sentinel ? QStringLiteral("/sentinel.log") : QStringLiteral("/redis.log"));
    const QStringList arguments = {node.configPath};

    if (m_options.detach) {
        QProcess process;
        process.setProgram(program);
        process.setArguments(arguments);
        process.setWorkingDirectory(m_dir);
        process.setStandardOutputFile(QProcess::nullDevice());
        process.setStandardErrorFile(QProcess::nullDevice());
        if (!process.startDetached(&node.pid))
            return sandboxError(VigilError::Kind::Usage, QStringLiteral("start ") + nodeLabel(node, nodeHost()),
                                process.errorString());
    } else {
        auto *process = new QProcess(this);
        process->setProgram(program);
        process->setArguments(arguments);
        process->setWorkingDirectory(m_dir);
        process->setStandardOutputFile(QProcess::nullDevice());
        process->setStandardErrorFile(QProcess::nullDevice());
        const pid_t parent = ::getpid();
        process->setChildProcessModifier([parent] {
            // The kernel kills the node when the thread that started it dies, however it dies. Then make sure the
            // parent did not die before we asked.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent)
                ::_exit(1);
        });
        process->start();
        if (!process->waitForStarted(5000)) {
            const QString message = process->errorString();
            delete process;
            return sandboxError(VigilError::Kind::Usage, QStringLiteral("start ") + nodeLabel(node, nodeHost()),
                                message);
        }
        node.pid = process->processId();
        m_processes.append(process);
    }
    return waitForPing(node, 10000);
}

VigilError Sandbox::waitForPing(const Node &node, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    VigilError last;
    while (!deadline.hasExpired()) {
        if (!isAlive(node.pid)) {
            QFile log(node.logPath);
            QByteArray tail;
            if (log.open(QIODevice::ReadOnly))
                tail = log.readAll().trimmed().split('\n').last();
            return sandboxError(VigilError::Kind::Unreachable, QStringLiteral("start ") + nodeLabel(node, nodeHost()),
                                QStringLiteral("the process exited: %1").arg(QString::fromUtf8(tail)));
        }
        RedisConnection connection(node.kind == NodeKind::Sentinel ? sentinelOptions(node.port)
                                                                   : dataOptions(node.port));
        last = connection.openBlocking();
        if (!last.isError()) {
            const RespResult pong = connection.execute({"PING"});
            if (pong.ok())
                return {};
            last = pong.error.isError() ? pong.error : connection.errorFor({"PING"}, pong.value);
        }
        QThread::msleep(20);
    }
    return sandboxError(VigilError::Kind::Timeout, QStringLiteral("start ") + nodeLabel(node, nodeHost()),
                        last.toString());
}

VigilError Sandbox::waitForReplicas(quint16 masterPort, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    RedisConnection master(dataOptions(masterPort));
    if (VigilError error = master.openBlocking(); error.isError())
        return error;
    while (!deadline.hasExpired()) {
        const RespResult info = master.execute({"INFO", "replication"});
        if (!info.ok())
            return info.error.isError() ? info.error : master.errorFor({"INFO"}, info.value);
        int online = 0;
        for (const QHash<QByteArray, QByteArray> &replica : InfoParser::replicas(info.value.toByteArray()))
            if (replica.value("state") == "online")
                ++online;
        if (online >= m_options.replicas)
            return {};
        QThread::msleep(50);
    }
    return sandboxError(
        VigilError::Kind::Timeout, QStringLiteral("wait for replicas"),
        QStringLiteral("fewer than %1 replicas online after %2 ms").arg(m_options.replicas).arg(timeoutMs));
}

VigilError Sandbox::waitForAgreement(quint16 masterPort, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    const QByteArray name = m_options.masterName.toUtf8();
    const int expectedReplicas = static_cast<int>(dataPorts().size()) - 1;
    int liveSentinels = 0;
    for (const Node &n : std::as_const(m_nodes))
        if (n.kind == NodeKind::Sentinel && isAlive(n.pid))
            ++liveSentinels;
    QString lastState;
    // The master this started with may be stale (it was read in the middle of a failover): when a sentinel names
    // another one as a healthy master, every sentinel is asked again about that one.
    for (bool again = true; again;) {
        again = false;
        for (const Node &n : std::as_const(m_nodes)) {
            if (n.kind != NodeKind::Sentinel || !isAlive(n.pid))
                continue;
            RedisConnection sentinel(sentinelOptions(n.port));
            for (;;) {
                if (deadline.hasExpired())
                    return sandboxError(VigilError::Kind::Timeout, QStringLiteral("wait for sentinels"),
                                        QStringLiteral("sentinel %4:%1 did not agree within %2 ms (%3)")
                                            .arg(n.port)
                                            .arg(timeoutMs)
                                            .arg(lastState, nodeHost()));
                if (!sentinel.isReady() && sentinel.openBlocking().isError()) {
                    lastState = sentinel.lastError().toString();
                    QThread::msleep(50);
                    continue;
                }
                const RespResult reply = sentinel.execute({"SENTINEL", "MASTER", name});
                if (reply.ok()) {
                    const auto m = reply.value.toFieldMap();
                    lastState = QStringLiteral("master port %1 (waiting for %5), flags %2, %3 replicas, %4 other "
                                               "sentinels")
                                    .arg(QString::fromLatin1(m.value("port")), QString::fromLatin1(m.value("flags")),
                                         QString::fromLatin1(m.value("num-slaves")),
                                         QString::fromLatin1(m.value("num-other-sentinels")))
                                    .arg(masterPort);
                    const int port = m.value("port").toInt();
                    if (port == masterPort && m.value("flags") == "master"
                        && m.value("num-slaves").toInt() >= expectedReplicas
                        && m.value("num-other-sentinels").toInt() >= liveSentinels - 1)
                        break;
                    if (port != masterPort && m.value("flags") == "master" && currentMasterPort() == port) {
                        masterPort = static_cast<quint16>(port);
                        again = true;
                        break;
                    }
                } else {
                    lastState
                        = reply.error.isError() ? reply.error.toString() : QString::fromUtf8(reply.value.toByteArray());
                }
                QThread::msleep(100);
            }
            if (again)
                break;
        }
    }
    return {};
}

VigilError Sandbox::loadSampleData(quint16 masterPort)
{
    ConnectionOptions o = dataOptions(masterPort);
    o.commandTimeoutMs = 60000;
    RedisConnection master(o);
    if (VigilError error = master.openBlocking(); error.isError())
        return error;
    const SampleData data(m_options.keys);
    QList<RespCommand> batch;
    batch.reserve(4096);
    for (qint64 i = 0; i < data.count(); ++i) {
        data.appendCommands(i, &batch);
        if (batch.size() >= 2000 || i == data.count() - 1) {
            const QList<RespResult> results = master.executePipeline(batch);
            for (qsizetype j = 0; j < results.size(); ++j) {
                if (!results.at(j).ok()) {
                    return results.at(j).error.isError() ? results.at(j).error
                                                         : master.errorFor(batch.at(j), results.at(j).value);
                }
            }
            batch.clear();
        }
    }
    m_loadedKeys = data.count();
    // Wait until every replica has all of it, so that a failover right away loses nothing.
    const RespResult wait = master.execute(
        {"WAIT", QByteArray::number(m_options.replicas), QByteArray::number(m_options.readyTimeoutMs)});
    if (!wait.ok())
        return wait.error.isError() ? wait.error : master.errorFor({"WAIT"}, wait.value);
    if (wait.value.toInteger() < m_options.replicas)
        return sandboxError(VigilError::Kind::Timeout, QStringLiteral("wait for replicas"),
                            QStringLiteral("only %1 of %2 replicas acknowledged the sample data")
                                .arg(wait.value.toInteger())
                                .arg(m_options.replicas));
    return {};
}

VigilError Sandbox::start()
{
    if (!m_nodes.isEmpty())
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("start"), QStringLiteral("already started"));
    // Both, before any folder or node: finding redis-sentinel missing only after the data nodes run would name one
    // package of the two and leave them to be stopped.
    if (const QStringList missing = missingPrograms(); !missing.isEmpty())
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("find ") + missing.join(QStringLiteral(", ")),
                            missingProgramsMessage(missing));
    if (VigilError error = prepareDir(); error.isError())
        return error;
    // The steps, for a window to show while it waits: each one takes from a few milliseconds to a few seconds.
    const int steps = 6 + (m_options.tls ? 1 : 0) + (m_options.ssh ? 1 : 0);
    int step = 0;
    const auto say = [&](const QString &what) { Q_EMIT progress(++step, steps, what); };
    if (m_options.tls) {
        say(tr("making throwaway TLS certificates"));
        TlsMaterial material(tlsDir());
        TlsMaterial::Pair server, client;
        VigilError error = material.createCa();
        if (!error.isError())
            error = material.issue(
                QStringLiteral("server"),
                {QStringLiteral("IP:127.0.0.1"), QStringLiteral("IP:127.0.0.2"), QStringLiteral("DNS:localhost")},
                TlsMaterial::Validity::Current, &server);
        if (!error.isError())
            error = material.issue(QStringLiteral("client"), {}, TlsMaterial::Validity::Current, &client);
        if (error.isError())
            return error;
    }
    switch (m_options.auth) {
    case SandboxOptions::Auth::None:
        break;
    case SandboxOptions::Auth::AclUser:
        m_dataUser = QByteArrayLiteral("vigil");
        m_sentinelUser = QByteArrayLiteral("watcher");
        Q_FALLTHROUGH();
    case SandboxOptions::Auth::Password:
        m_dataPassword = randomSecret();
        m_sentinelPassword = randomSecret();
        break;
    }

    QSet<quint16> taken;
    if (m_options.ssh) {
        say(tr("starting the SSH server"));
        if (VigilError error = startSsh(&taken); error.isError())
            return stop(), error;
    }
    // Start one node; a port taken by someone else between our probe and redis's bind gets a second chance.
    auto launch = [&](NodeKind kind, quint16 masterPort) -> VigilError {
        VigilError error;
        for (int attempt = 0; attempt < 3; ++attempt) {
            Node node;
            node.kind = kind;
            node.port = freeLoopbackPort(nodeHost(), &taken);
            if (!node.port)
                return sandboxError(VigilError::Kind::Unreachable, QStringLiteral("find a free port"),
                                    QStringLiteral("no free loopback port"));
            const quint16 master = masterPort ? masterPort : node.port;
            node.configPath = kind == NodeKind::Sentinel ? writeSentinelConfig(node.port, master)
                                                         : writeDataConfig(node.port, master);
            if (node.configPath.isEmpty())
                return sandboxError(VigilError::Kind::Usage, QStringLiteral("write config"),
                                    QStringLiteral("cannot write into %1").arg(m_dir));
            error = startNode(node);
            m_nodes.append(node);
            if (!error.isError())
                return {};
            if (isAlive(node.pid))
                return error;
        }
        return error;
    };

    say(tr("starting the master"));
    if (VigilError error = launch(NodeKind::Data, 0); error.isError())
        return stop(), error;
    const quint16 masterPort = m_nodes.first().port;
    say(m_options.replicas == 1 ? tr("starting 1 replica") : tr("starting %1 replicas").arg(m_options.replicas));
    for (int i = 0; i < m_options.replicas; ++i)
        if (VigilError error = launch(NodeKind::Data, masterPort); error.isError())
            return stop(), error;
    // Replicas first, sentinels second: a sentinel learns the replicas from the master's first INFO.
    say(tr("waiting for the replicas to sync"));
    if (VigilError error = waitForReplicas(masterPort, m_options.readyTimeoutMs); error.isError())
        return stop(), error;
    say(m_options.sentinels == 1 ? tr("starting 1 sentinel") : tr("starting %1 sentinels").arg(m_options.sentinels));
    for (int i = 0; i < m_options.sentinels; ++i)
        if (VigilError error = launch(NodeKind::Sentinel, masterPort); error.isError())
            return stop(), error;
    // Drop the failed attempts (dead nodes) from the list.
    m_nodes.removeIf([](const Node &n) { return !isAlive(n.pid); });

    say(tr("loading %1 sample keys").arg(QLocale().toString(m_options.keys)));
    if (VigilError error = loadSampleData(masterPort); error.isError())
        return stop(), error;
    say(tr("waiting for the sentinels to agree"));
    if (VigilError error = waitForAgreement(masterPort, m_options.readyTimeoutMs); error.isError())
        return stop(), error;
    if (m_options.detach)
        return saveState();
    return {};
}

void Sandbox::stop()
{
    if (m_sshPid > 0) {
        const QList<qint64> sessions = sshSessionPids();
        // Only our sshd: a pid from a state file may have been reused.
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(m_sshPid));
        if (isAlive(m_sshPid) && cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains("sshd_config"))
            ::kill(static_cast<pid_t>(m_sshPid), SIGKILL);
        for (qint64 pid : sessions)
            ::kill(static_cast<pid_t>(pid), SIGKILL);
        if (m_sshProcess) {
            m_sshProcess->waitForFinished(5000);
            delete m_sshProcess;
            m_sshProcess = nullptr;
        }
        m_sshPid = 0;
    }
    for (const Node &n : std::as_const(m_nodes)) {
        if (!isAlive(n.pid))
            continue;
        if (m_adopted) {
            // A pid from a state file may have been reused: only kill what is still our redis on our port.
            QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(n.pid));
            if (!cmdline.open(QIODevice::ReadOnly)
                || !cmdline.readAll().contains(QByteArray(':' + QByteArray::number(n.port))))
                continue;
        }
        ::kill(static_cast<pid_t>(n.pid), SIGKILL);
    }
    for (QProcess *process : std::as_const(m_processes)) {
        process->waitForFinished(5000);
        delete process;
    }
    m_processes.clear();
    const QDeadlineTimer deadline(5000);
    for (const Node &n : std::as_const(m_nodes))
        while (isAlive(n.pid) && !deadline.hasExpired())
            QThread::msleep(10);
    m_nodes.clear();
    if (!m_dir.isEmpty())
        QFile::remove(stateFilePath());
}

QString Sandbox::nodeHost() const
{
    return m_options.ssh && m_options.hostname.isEmpty() ? QStringLiteral("127.0.0.2") : QStringLiteral("127.0.0.1");
}

QString Sandbox::announcedHost() const
{
    return m_options.hostname.isEmpty() ? nodeHost() : m_options.hostname;
}

QString Sandbox::sshDir() const
{
    return m_options.ssh ? m_dir + QStringLiteral("/ssh") : QString();
}

QString Sandbox::sshLogPath() const
{
    return m_options.ssh ? sshDir() + QStringLiteral("/sshd.log") : QString();
}

QByteArray Sandbox::sshKnownHostsLine() const
{
    QFile pub(sshDir() + QStringLiteral("/host_ed25519.pub"));
    if (!m_options.ssh || !pub.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> fields = pub.readAll().simplified().split(' ');
    if (fields.size() < 2)
        return {};
    return "[127.0.0.1]:" + QByteArray::number(m_sshPort) + ' ' + fields.at(0) + ' ' + fields.at(1);
}

SshOptions Sandbox::clientSsh() const
{
    SshOptions ssh;
    if (!m_options.ssh)
        return ssh;
    ssh.host = QStringLiteral("127.0.0.1");
    ssh.port = m_sshPort;
    ssh.user = QString::fromLocal8Bit(qgetenv("USER"));
    if (ssh.user.isEmpty())
        ssh.user = QStringLiteral("root");
    ssh.keyFile = sshDir() + QStringLiteral("/client_ed25519");
    ssh.knownHosts = sshDir() + QStringLiteral("/known_hosts");
    return ssh;
}

// The children of the listening sshd: one per session (the privilege-separated pre-auth child, then the session's).
QList<qint64> Sandbox::sshSessionPids() const
{
    QList<qint64> children;
    if (m_sshPid <= 0)
        return children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype paren = line.lastIndexOf(')');
        const QList<QByteArray> fields = line.mid(paren + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toLongLong() == m_sshPid)
            children.append(pid);
    }
    return children;
}

VigilError Sandbox::startSsh(QSet<quint16> *taken)
{
    const QString sshd = QStringLiteral("/usr/sbin/sshd");
    const QString keygen = QStandardPaths::findExecutable(QStringLiteral("ssh-keygen"));
    if (!QFileInfo(sshd).isExecutable() || keygen.isEmpty())
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("start sshd"),
                            QStringLiteral("%1 is not installed; install with: sudo apt install openssh-server")
                                .arg(keygen.isEmpty() ? QStringLiteral("ssh-keygen") : sshd));
    // sshd insists on its privilege-separation folder, which a fresh machine (or container) does not have.
    if (!QFileInfo::exists(QStringLiteral("/run/sshd")) && ::mkdir("/run/sshd", 0755) != 0)
        return sandboxError(
            VigilError::Kind::Usage, QStringLiteral("start sshd"),
            QStringLiteral("cannot create /run/sshd (%1): sshd needs it").arg(QString::fromLocal8Bit(strerror(errno))));
    const QString dir = sshDir();
    QDir().mkpath(dir);
    for (const QString &key : {QStringLiteral("host_ed25519"), QStringLiteral("client_ed25519")}) {
        // Fresh keys for every start (ssh-keygen would ask before overwriting a key left in a reused folder).
        QFile::remove(dir + QLatin1Char('/') + key);
        QFile::remove(dir + QLatin1Char('/') + key + QStringLiteral(".pub"));
        QProcess process;
        process.start(keygen, {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                               QStringLiteral("-N"), QString(), QStringLiteral("-C"), QStringLiteral("vigil-sandbox"),
                               QStringLiteral("-f"), dir + QLatin1Char('/') + key});
        process.closeWriteChannel();
        if (!process.waitForFinished(10000) || process.exitCode() != 0)
            return sandboxError(VigilError::Kind::Usage, QStringLiteral("ssh-keygen"),
                                QString::fromLocal8Bit(process.readAllStandardError()).trimmed());
    }
    QFile::remove(dir + QStringLiteral("/authorized_keys"));
    QFile::copy(dir + QStringLiteral("/client_ed25519.pub"), dir + QStringLiteral("/authorized_keys"));
    m_sshPort = freeLoopbackPort(QStringLiteral("127.0.0.1"), taken);
    const SshOptions client = clientSsh();
    // Its own config, never the system's: a key login for this user only, forwarding allowed, each channel logged.
    QByteArray conf;
    conf += "Port " + QByteArray::number(m_sshPort) + "\nListenAddress 127.0.0.1\n";
    conf += "HostKey " + QFile::encodeName(dir + QStringLiteral("/host_ed25519")) + '\n';
    conf += "PidFile " + QFile::encodeName(dir + QStringLiteral("/sshd.pid")) + '\n';
    conf += "AuthorizedKeysFile " + QFile::encodeName(dir + QStringLiteral("/authorized_keys")) + '\n';
    const QString &passwordUser = m_options.sshPasswordUser;
    const QString &kbdUser = m_options.sshKbdInteractiveUser;
    const bool passwords = !passwordUser.isEmpty() || !kbdUser.isEmpty();
    conf += "AllowUsers " + QStringList{client.user, passwordUser, kbdUser}.join(QLatin1Char(' ')).simplified().toUtf8()
            + '\n';
    conf += "PermitRootLogin prohibit-password\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n";
    // Passwords go through PAM (keyboard-interactive needs it on Linux), and only for the users made for them: the
    // client's own user still logs in with its key alone.
    conf += passwords ? "UsePAM yes\n" : "UsePAM no\n";
    conf += "StrictModes no\nAllowTcpForwarding yes\nPermitOpen any\n"
            "AllowAgentForwarding no\nX11Forwarding no\nPermitTTY no\nPrintMotd no\nMaxStartups 100\n"
            "MaxSessions 100\nLogLevel DEBUG1\n";
    if (!passwordUser.isEmpty())
        conf += "Match User " + passwordUser.toUtf8() + "\n  PasswordAuthentication yes\n";
    if (!kbdUser.isEmpty())
        conf += "Match User " + kbdUser.toUtf8()
                + "\n  KbdInteractiveAuthentication yes\n  AuthenticationMethods keyboard-interactive\n";
    const QString configPath = dir + QStringLiteral("/sshd_config");
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate) || config.write(conf) != conf.size())
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("write sshd_config"), config.errorString());
    config.close();
    QFile knownHosts(client.knownHosts);
    if (!knownHosts.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("write known_hosts"), knownHosts.errorString());
    knownHosts.write(sshKnownHostsLine() + '\n');
    knownHosts.close();

    const QStringList arguments = {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"), configPath};
    if (m_options.detach) {
        QProcess process;
        process.setProgram(sshd);
        process.setArguments(arguments);
        process.setStandardOutputFile(QProcess::nullDevice());
        process.setStandardErrorFile(sshLogPath(), QIODevice::Append);
        if (!process.startDetached(&m_sshPid))
            return sandboxError(VigilError::Kind::Usage, QStringLiteral("start sshd"), process.errorString());
    } else {
        m_sshProcess = new QProcess(this);
        m_sshProcess->setProgram(sshd);
        m_sshProcess->setArguments(arguments);
        m_sshProcess->setStandardOutputFile(QProcess::nullDevice());
        m_sshProcess->setStandardErrorFile(sshLogPath(), QIODevice::Append);
        const pid_t parent = ::getpid();
        m_sshProcess->setChildProcessModifier([parent] {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent)
                ::_exit(1);
        });
        m_sshProcess->start();
        if (!m_sshProcess->waitForStarted(5000))
            return sandboxError(VigilError::Kind::Usage, QStringLiteral("start sshd"), m_sshProcess->errorString());
        m_sshPid = m_sshProcess->processId();
    }
    return waitForSsh(10000);
}

// Until the sshd greets ("SSH-2.0-…") on its port; a sshd that exited says why in its log.
VigilError Sandbox::waitForSsh(int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!isAlive(m_sshPid)) {
            QFile log(sshLogPath());
            log.open(QIODevice::ReadOnly);
            return sandboxError(VigilError::Kind::Unreachable, QStringLiteral("start sshd"),
                                QStringLiteral("sshd exited: %1").arg(QString::fromLocal8Bit(log.readAll().right(500))));
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_sshPort);
        if (socket.waitForConnected(500) && socket.waitForReadyRead(1000) && socket.readAll().startsWith("SSH-"))
            return {};
        QThread::msleep(50);
    }
    return sandboxError(VigilError::Kind::Timeout, QStringLiteral("start sshd"),
                        QStringLiteral("no SSH greeting on 127.0.0.1:%1 within %2 ms").arg(m_sshPort).arg(timeoutMs));
}

SentinelTarget Sandbox::target() const
{
    SentinelTarget t;
    for (quint16 port : sentinelPorts())
        t.seeds.append({announcedHost(), port});
    t.masterName = m_options.masterName;
    t.sentinelUser = m_sentinelUser;
    t.sentinelPassword = m_sentinelPassword;
    t.dataUser = m_dataUser;
    t.dataPassword = m_dataPassword;
    t.sentinelTls = clientTls();
    t.dataTls = clientTls();
    t.ssh = clientSsh();
    return t;
}

VigilError Sandbox::restoreAndSettle(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    const QList<Node> nodes = m_nodes;
    for (const Node &n : nodes) {
        if (!isAlive(n.pid))
            if (VigilError error = restartNode(n.port); error.isError())
                return error;
    }
    quint16 master = 0;
    while ((master = currentMasterPort()) == 0) {
        if (deadline.hasExpired())
            return sandboxError(VigilError::Kind::Timeout, QStringLiteral("settle"),
                                QStringLiteral("no sentinel names a master"));
        QThread::msleep(100);
    }
    if (VigilError error = waitForAgreement(master, static_cast<int>(qMax<qint64>(1000, deadline.remainingTime())));
        error.isError())
        return error;
    // The sentinels agreeing is not enough for the next fault: a node restarted after kill -9 comes back empty and
    // is a replica in the middle of its full sync for a while, and a failover that promotes it loses the keys it has
    // not received yet (a scan across it then misses keys Redis itself no longer has). Wait, for a bounded time, until
    // every replica says its link is up and no sync is in progress; a node that cannot say (paused) is not waited for.
    const QDeadlineTimer synced(qMin<qint64>(15000, deadline.remainingTime()));
    master = currentMasterPort();
    for (const quint16 port : dataPorts()) {
        if (port == master)
            continue;
        ConnectionOptions o = dataOptions(port);
        o.commandTimeoutMs = 1000;
        RedisConnection replica(o);
        if (replica.openBlocking().isError())
            continue;
        while (!synced.hasExpired()) {
            const RespResult reply = replica.execute({"INFO", "replication"});
            if (!reply.ok())
                break;
            const QByteArray info = reply.value.toByteArray();
            if (InfoParser::field(info, "master_link_status") == "up"
                && InfoParser::field(info, "master_sync_in_progress") == "0")
                break;
            QThread::msleep(100);
        }
    }
    // Nor is a replica's own word enough: a sentinel refreshes a replica's INFO every 10 s, and one that last saw a
    // restarted node as a master (before it was made a replica) has a stale role with an old time. When the next
    // failover promotes that node, such a sentinel takes the promotion for the stale role and turns it back at once
    // (+convert-to-slave), and the failover aborts (-failover-abort-slave-timeout): a TSan CI run met it. Wait, for a
    // bounded time, until every sentinel reports every replica it lists up and in the replica role. A restarted master
    // is turned into a replica 8 s after it is back, and a sentinel's next INFO of it can be 10 s after that.
    const QDeadlineTimer roles(qMin<qint64>(30000, deadline.remainingTime()));
    const QByteArray name = m_options.masterName.toUtf8();
    for (const Node &n : std::as_const(m_nodes)) {
        if (n.kind != NodeKind::Sentinel || !isAlive(n.pid))
            continue;
        RedisConnection sentinel(sentinelOptions(n.port));
        if (sentinel.openBlocking().isError())
            continue;
        while (!roles.hasExpired()) {
            const RespResult reply = sentinel.execute({"SENTINEL", "REPLICAS", name});
            if (!reply.ok())
                break;
            bool current = true;
            for (qsizetype i = 0; i < reply.value.size() && current; ++i) {
                const auto replica = reply.value.at(i).toFieldMap();
                const QByteArray flags = replica.value("flags");
                current = replica.value("role-reported") == "slave" && !flags.contains("s_down")
                          && !flags.contains("disconnected");
            }
            if (current)
                break;
            QThread::msleep(200);
        }
    }
    return {};
}

quint16 Sandbox::currentMasterPort() const
{
    for (const Node &n : m_nodes) {
        if (n.kind != NodeKind::Sentinel || !isAlive(n.pid))
            continue;
        RedisConnection sentinel(sentinelOptions(n.port));
        if (sentinel.openBlocking().isError())
            continue;
        const RespResult reply
            = sentinel.execute({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", m_options.masterName.toUtf8()});
        if (reply.ok() && reply.value.size() == 2)
            return static_cast<quint16>(reply.value.at(1).toByteArray().toUInt());
    }
    return 0;
}

VigilError Sandbox::failover()
{
    VigilError last = sandboxError(VigilError::Kind::Unreachable, QStringLiteral("SENTINEL FAILOVER"),
                                   QStringLiteral("no sentinel is running"));
    for (const Node &n : std::as_const(m_nodes)) {
        if (n.kind != NodeKind::Sentinel || !isAlive(n.pid))
            continue;
        RedisConnection sentinel(sentinelOptions(n.port));
        if (VigilError error = sentinel.openBlocking(); error.isError()) {
            last = error;
            continue;
        }
        const RespCommand command = {"SENTINEL", "FAILOVER", m_options.masterName.toUtf8()};
        const RespResult reply = sentinel.execute(command);
        if (reply.ok())
            return {};
        return reply.error.isError() ? reply.error : sentinel.errorFor(command, reply.value);
    }
    return last;
}

VigilError Sandbox::killNode(quint16 port)
{
    Node *node = nodeByPort(port);
    if (!node || !isAlive(node->pid))
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("kill %1:%2").arg(nodeHost()).arg(port),
                            QStringLiteral("no running node on that port"));
    ::kill(static_cast<pid_t>(node->pid), SIGKILL);
    for (QProcess *process : std::as_const(m_processes))
        if (process->processId() == node->pid)
            process->waitForFinished(5000);
    const QDeadlineTimer deadline(5000);
    while (isAlive(node->pid) && !deadline.hasExpired())
        QThread::msleep(5);
    return {};
}

VigilError Sandbox::killMaster()
{
    const quint16 port = currentMasterPort();
    if (!port)
        return sandboxError(VigilError::Kind::Unreachable, QStringLiteral("find the master"),
                            QStringLiteral("no sentinel answered"));
    return killNode(port);
}

VigilError Sandbox::pauseNode(quint16 port)
{
    const qint64 pid = pidOfPort(port);
    if (!isAlive(pid))
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("pause %1:%2").arg(nodeHost()).arg(port),
                            QStringLiteral("no running node on that port"));
    ::kill(static_cast<pid_t>(pid), SIGSTOP);
    return {};
}

VigilError Sandbox::resumeNode(quint16 port)
{
    const qint64 pid = pidOfPort(port);
    if (!isAlive(pid))
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("resume %1:%2").arg(nodeHost()).arg(port),
                            QStringLiteral("no running node on that port"));
    ::kill(static_cast<pid_t>(pid), SIGCONT);
    return {};
}

VigilError Sandbox::restartNode(quint16 port)
{
    Node *node = nodeByPort(port);
    if (!node)
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("restart %1:%2").arg(nodeHost()).arg(port),
                            QStringLiteral("no such node"));
    if (isAlive(node->pid))
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("restart %1:%2").arg(nodeHost()).arg(port),
                            QStringLiteral("the node is still running"));
    // Sentinel may have rewritten the config (a demoted master gets its replicaof line): start from it as it is.
    return startNode(*node);
}

VigilError Sandbox::killSentinel(int index)
{
    const QList<quint16> ports = sentinelPorts();
    if (index < 0 || index >= ports.size())
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("kill sentinel"),
                            QStringLiteral("no sentinel number %1").arg(index));
    return killNode(ports.at(index));
}

QString Sandbox::stateFilePath() const
{
    return m_dir + QStringLiteral("/sandbox.json");
}

VigilError Sandbox::saveState() const
{
    QJsonArray nodes;
    for (const Node &n : m_nodes) {
        nodes.append(QJsonObject{
            {QStringLiteral("kind"),
             n.kind == NodeKind::Sentinel ? QStringLiteral("sentinel") : QStringLiteral("redis")},
            {QStringLiteral("port"), n.port},
            {QStringLiteral("pid"), n.pid},
            {QStringLiteral("config"), n.configPath},
        });
    }
    const QJsonObject root{
        {QStringLiteral("version"), 1},
        {QStringLiteral("master_name"), m_options.masterName},
        {QStringLiteral("keys"), m_loadedKeys},
        {QStringLiteral("data_user"), QString::fromUtf8(m_dataUser)},
        {QStringLiteral("data_password"), QString::fromUtf8(m_dataPassword)},
        {QStringLiteral("sentinel_user"), QString::fromUtf8(m_sentinelUser)},
        {QStringLiteral("sentinel_password"), QString::fromUtf8(m_sentinelPassword)},
        {QStringLiteral("tls"), m_options.tls},
        {QStringLiteral("tls_client_auth"), m_options.tlsClientAuth},
        {QStringLiteral("ssh"), m_options.ssh},
        {QStringLiteral("ssh_port"), m_sshPort},
        {QStringLiteral("ssh_pid"), m_sshPid},
        {QStringLiteral("nodes"), nodes},
    };
    QFile file(stateFilePath());
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return sandboxError(VigilError::Kind::Usage, QStringLiteral("write state"), file.errorString());
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(root).toJson());
    return {};
}

std::unique_ptr<Sandbox> Sandbox::load(const QString &dir, VigilError *error)
{
    const QString path = QDir(dir).absoluteFilePath(QStringLiteral("sandbox.json"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = sandboxError(VigilError::Kind::Usage, QStringLiteral("read state"),
                              QStringLiteral("no sandbox in %1 (%2)").arg(dir, file.errorString()));
        return nullptr;
    }
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    if (root.value(QStringLiteral("version")).toInt() != 1) {
        *error = sandboxError(VigilError::Kind::Usage, QStringLiteral("read state"),
                              QStringLiteral("%1 is not a vigil sandbox state file").arg(path));
        return nullptr;
    }
    SandboxOptions options;
    options.dir = QDir(dir).absolutePath();
    options.detach = true;
    options.masterName = root.value(QStringLiteral("master_name")).toString();
    options.tls = root.value(QStringLiteral("tls")).toBool();
    options.tlsClientAuth = root.value(QStringLiteral("tls_client_auth")).toBool();
    options.ssh = root.value(QStringLiteral("ssh")).toBool();
    auto sandbox = std::make_unique<Sandbox>(options);
    sandbox->m_adopted = true;
    sandbox->m_dir = options.dir;
    sandbox->m_loadedKeys = root.value(QStringLiteral("keys")).toInteger();
    sandbox->m_sshPort = static_cast<quint16>(root.value(QStringLiteral("ssh_port")).toInt());
    sandbox->m_sshPid = root.value(QStringLiteral("ssh_pid")).toInteger();
    sandbox->m_dataUser = root.value(QStringLiteral("data_user")).toString().toUtf8();
    sandbox->m_dataPassword = root.value(QStringLiteral("data_password")).toString().toUtf8();
    sandbox->m_sentinelUser = root.value(QStringLiteral("sentinel_user")).toString().toUtf8();
    sandbox->m_sentinelPassword = root.value(QStringLiteral("sentinel_password")).toString().toUtf8();
    const QJsonArray nodes = root.value(QStringLiteral("nodes")).toArray();
    for (const QJsonValue &value : nodes) {
        const QJsonObject o = value.toObject();
        Node n;
        n.kind = o.value(QStringLiteral("kind")).toString() == QLatin1String("sentinel") ? NodeKind::Sentinel
                                                                                         : NodeKind::Data;
        n.port = static_cast<quint16>(o.value(QStringLiteral("port")).toInt());
        n.pid = o.value(QStringLiteral("pid")).toInteger();
        n.configPath = o.value(QStringLiteral("config")).toString();
        n.logPath = QFileInfo(n.configPath).absolutePath()
                    + (n.kind == NodeKind::Sentinel ? QStringLiteral("/sentinel.log") : QStringLiteral("/redis.log"));
        sandbox->m_nodes.append(n);
    }
    sandbox->m_options.replicas = static_cast<int>(sandbox->dataPorts().size()) - 1;
    sandbox->m_options.sentinels = static_cast<int>(sandbox->sentinelPorts().size());
    return sandbox;
}

QStringList Sandbox::missingPrograms()
{
    QStringList missing;
    for (const QString &program : {QStringLiteral("redis-server"), QStringLiteral("redis-sentinel")})
        if (QStandardPaths::findExecutable(program).isEmpty())
            missing.append(program);
    return missing;
}

QString Sandbox::installCommand(const QStringList &programs)
{
    return QStringLiteral("sudo apt install ") + programs.join(QLatin1Char(' '));
}
