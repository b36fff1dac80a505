#include "scancli.h"

#include "common/workerthread.h"
#include "deploymentoptions.h"
#include "scan/scaniterator.h"
#include "sentinel/sentinelwatcher.h"
#include "ssh/sshtunnel.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>

#include <atomic>
#include <csignal>
#include <termios.h>
#include <unistd.h>

namespace {
std::atomic_bool interrupted{false};

void handleInterrupt(int)
{
    interrupted = true;
}

void writeLine(FILE *f, const QByteArray &line)
{
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), f);
    std::fputc('\n', f);
}

int usage(FILE *err, const QString &message)
{
    writeLine(err, "vigil-scan: " + message.toUtf8() + " (see --help)");
    return 2;
}

QByteArray promptSecret(const char *prompt)
{
    FILE *tty = std::fopen("/dev/tty", "r+");
    if (!tty)
        return {};
    std::fputs(prompt, tty);
    std::fflush(tty);
    termios old{};
    tcgetattr(fileno(tty), &old);
    termios silent = old;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fileno(tty), TCSANOW, &silent);
    char buffer[1024];
    QByteArray secret;
    if (std::fgets(buffer, sizeof buffer, tty))
        secret = QByteArray(buffer).trimmed();
    tcsetattr(fileno(tty), TCSANOW, &old);
    std::fputs("\n", tty);
    std::fclose(tty);
    return secret;
}

QJsonObject identityJson(const NodeIdentity &node)
{
    return QJsonObject{{QStringLiteral("address"), node.address.toString()},
                       {QStringLiteral("run_id"), QString::fromLatin1(node.runId)},
                       {QStringLiteral("replid"), QString::fromLatin1(node.replId)}};
}

void emitEvent(FILE *err, QJsonObject object)
{
    writeLine(err, QJsonDocument(object).toJson(QJsonDocument::Compact));
    std::fflush(err);
}
} // namespace

void ScanCli::appendKey(std::string &line, QByteArrayView key, Format format)
{
    static const char digits[] = "0123456789abcdef";
    switch (format) {
    case Format::Plain:
        line.append(key.data(), static_cast<size_t>(key.size()));
        break;
    case Format::Hex: {
        const size_t at = line.size();
        line.resize(at + 2 * static_cast<size_t>(key.size()));
        char *p = line.data() + at;
        for (const char c : key) {
            const auto u = static_cast<unsigned char>(c);
            *p++ = digits[u >> 4];
            *p++ = digits[u & 0xf];
        }
        break;
    }
    case Format::Quoted:
        line += '"';
        for (const char c : key) {
            const auto u = static_cast<unsigned char>(c);
            switch (c) {
            case '\\':
                line += "\\\\";
                break;
            case '"':
                line += "\\\"";
                break;
            case '\n':
                line += "\\n";
                break;
            case '\r':
                line += "\\r";
                break;
            case '\t':
                line += "\\t";
                break;
            case '\a':
                line += "\\a";
                break;
            case '\b':
                line += "\\b";
                break;
            default:
                // Printable ASCII as is; everything else (control bytes, UTF-8 and its bidi controls) escaped, so a
                // terminal shows exactly which bytes a key holds.
                if (u >= 0x20 && u < 0x7f) {
                    line += c;
                } else {
                    line += "\\x";
                    line += digits[u >> 4];
                    line += digits[u & 0xf];
                }
            }
        }
        line += '"';
        break;
    }
    line += '\n';
}

QByteArray ScanCli::formatQuoted(QByteArrayView key)
{
    std::string line;
    appendKey(line, key, Format::Quoted);
    line.pop_back();
    return QByteArray(line.data(), static_cast<qsizetype>(line.size()));
}

int ScanCli::run(const QStringList &arguments, FILE *out, FILE *err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Lists the keys of a Redis deployment managed by Sentinel, and survives failover: it resumes with its cursor "
        "on the same node, restarts from cursor 0 on a new master, never prints a key twice, and reports keys that "
        "went "
        "missing after a failover.\n\n"
        "Passwords never go on the command line: the data-node password comes from VIGIL_PASSWORD, --password-file, "
        "or a prompt on a tty (with --user); the sentinel password from VIGIL_SENTINEL_PASSWORD or "
        "--sentinel-password-file.\n\n"
        "Exit status: 0 scan complete; 1 scan failed after it started; 2 usage error; 3 could not resolve, connect "
        "or authenticate."));
    parser.addHelpOption();
    parser.addVersionOption();
    DeploymentOptions deployment(DeploymentOptions::Extra::Tls);
    deployment.addTo(parser);
    const QCommandLineOption match(QStringLiteral("match"), QStringLiteral("SCAN MATCH pattern."),
                                   QStringLiteral("PATTERN"));
    const QCommandLineOption type(QStringLiteral("type"), QStringLiteral("SCAN TYPE."), QStringLiteral("TYPE"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("SCAN COUNT (default 1000)."),
                                   QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption replica(QStringLiteral("replica"),
                                     QStringLiteral("Scan a sticky replica instead of the master."));
    const QCommandLineOption noDedupe(QStringLiteral("no-dedupe"),
                                      QStringLiteral("Do not remember keys (less memory; a key may be printed twice "
                                                     "after a failover, and missing keys are not reported)."));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("plain, quoted or hex (default plain)."),
                                    QStringLiteral("FORMAT"), QStringLiteral("plain"));
    const QCommandLineOption events(QStringLiteral("events"),
                                    QStringLiteral("JSON lines on stderr: resolved, restart, "
                                                   "resume, missing-after-failover, summary."));
    parser.addOptions({match, type, count, replica, noDedupe, format, events});

    if (!parser.parse(arguments))
        return usage(err, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        writeLine(out, parser.helpText().toUtf8());
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        writeLine(out, "vigil-scan " VIGIL_VERSION);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(err, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    QString problem;
    if (!deployment.read(parser, DeploymentOptions::Target::Required, &problem))
        return usage(err, problem);
    SentinelTarget target = deployment.target();
    target.readOnly = true; // a scan only reads
    if (deployment.isInsecure())
        writeLine(err, "vigil-scan: warning: --insecure: TLS certificates are not verified; anyone on the path can "
                       "read and change what is sent, passwords included");

    ScanOptions options;
    options.match = parser.value(match).toUtf8();
    options.type = parser.value(type).toUtf8();
    bool ok = false;
    options.count = parser.value(count).toInt(&ok);
    if (!ok || options.count <= 0)
        return usage(err, QStringLiteral("--count needs a positive number"));
    options.keysPerSecond = deployment.pace();
    options.recoveryTimeoutMs = deployment.recoveryTimeoutMs();
    options.dedupe = !parser.isSet(noDedupe);
    options.source = parser.isSet(replica) ? ScanOptions::Source::Replica : ScanOptions::Source::Master;
    const QString fmt = parser.value(format);
    if (fmt != QLatin1String("plain") && fmt != QLatin1String("quoted") && fmt != QLatin1String("hex"))
        return usage(err, QStringLiteral("--format is plain, quoted or hex, not '%1'").arg(fmt));
    const bool wantEvents = parser.isSet(events);
    // Ask only once the command line is known to be good.
    if (!target.dataUser.isEmpty() && !deployment.hasDataPassword() && ::isatty(STDIN_FILENO))
        target.dataPassword = promptSecret("Password for the data nodes: ");
    // The SSH password or key passphrase, as ssh asks for them: on the terminal, when the login needs one that
    // VIGIL_SSH_PASSWORD / VIGIL_SSH_PASSPHRASE did not give. Never without a terminal: the refusal then names them.
    if (target.ssh.enabled() && ::isatty(STDIN_FILENO))
        SshTunnel::setSecretPrompt([](const QString &prompt) { return promptSecret(prompt.toLocal8Bit().constData()); });
    const auto noPrompt = qScopeGuard([] { SshTunnel::setSecretPrompt({}); });

    // The watcher runs on its own thread and tells the scan about switches through the shared epoch. Both make
    // their connections through one factory: with --ssh, one SSH session carries them all.
    const ConnectionFactoryPtr connections = SshTunnel::factoryFor(target.ssh);
    auto *watcher = new SentinelWatcher(target, connections);
    const SwitchEpoch epoch = watcher->switchEpoch();
    WorkerThread watchThread(QStringLiteral("vigil-watch"));
    watchThread.start(watcher);
    QMetaObject::invokeMethod(watcher, &SentinelWatcher::start, Qt::QueuedConnection);

    std::signal(SIGINT, handleInterrupt);
    std::signal(SIGTERM, handleInterrupt);
    static char buffer[1 << 20];
    std::setvbuf(out, buffer, _IOFBF, sizeof buffer);

    ScanIterator::Callbacks callbacks;
    callbacks.cancelled = [] { return interrupted.load(); };
    callbacks.resolved = [&](const NodeIdentity &node) {
        if (wantEvents)
            emitEvent(err, {{QStringLiteral("event"), QStringLiteral("resolved")},
                            {QStringLiteral("master"), node.address.toString()},
                            {QStringLiteral("role"), QString::fromLatin1(node.role)},
                            {QStringLiteral("role_verified"), node.roleVerified},
                            {QStringLiteral("run_id"), QString::fromLatin1(node.runId)}});
    };
    const Format keyFormat = fmt == QLatin1String("plain")    ? Format::Plain
                             : fmt == QLatin1String("quoted") ? Format::Quoted
                                                              : Format::Hex;
    // A batch is formatted into one buffer, kept between batches, and written with one call: no allocation and no
    // stdio lock a key.
    std::string batch;
    callbacks.keys = [out, keyFormat, &batch](const QList<QByteArray> &keys, int) {
        batch.clear();
        for (const QByteArray &k : keys)
            appendKey(batch, k, keyFormat);
        std::fwrite(batch.data(), 1, batch.size(), out);
    };
    callbacks.notice = [&](const ScanNotice &notice) {
        std::fflush(out);
        if (!wantEvents)
            return;
        if (notice.kind == ScanNotice::Kind::Restart)
            emitEvent(err, {{QStringLiteral("event"), QStringLiteral("restart")},
                            {QStringLiteral("reason"), notice.reason},
                            {QStringLiteral("from"), notice.from.address.toString()},
                            {QStringLiteral("to"), notice.to.address.toString()},
                            {QStringLiteral("keys_reported"), notice.keysReported},
                            {QStringLiteral("pass"), notice.pass},
                            {QStringLiteral("time"), notice.time.toString(Qt::ISODateWithMs)}});
        else
            emitEvent(err, {{QStringLiteral("event"), QStringLiteral("resume")},
                            {QStringLiteral("reason"), notice.reason},
                            {QStringLiteral("node"), notice.to.address.toString()},
                            {QStringLiteral("keys_reported"), notice.keysReported},
                            {QStringLiteral("time"), notice.time.toString(Qt::ISODateWithMs)}});
    };

    ScanIterator iterator(target, options, epoch, callbacks, connections);
    VigilError error;
    const ScanSummary summary = iterator.run(&error);
    std::fflush(out);
    QMetaObject::invokeMethod(watcher, &SentinelWatcher::stop, Qt::BlockingQueuedConnection);
    watchThread.stop();

    if (error.isError()) {
        writeLine(err, "vigil-scan: " + error.toString().toUtf8());
        return iterator.started() ? 1 : 3;
    }
    if (wantEvents) {
        if (summary.restarts > 0 && options.dedupe) {
            QJsonArray sample;
            for (const QByteArray &k : summary.missingKeys.mid(0, 20))
                sample.append(QString::fromLatin1(formatQuoted(k)));
            emitEvent(err, {{QStringLiteral("event"), QStringLiteral("missing-after-failover")},
                            {QStringLiteral("count"), summary.missingAfterFailover},
                            {QStringLiteral("sample"), sample}});
        }
        emitEvent(err, {{QStringLiteral("event"), QStringLiteral("summary")},
                        {QStringLiteral("keys"), summary.keys},
                        {QStringLiteral("passes"), summary.passes},
                        {QStringLiteral("restarts"), summary.restarts},
                        {QStringLiteral("resumes"), summary.resumes},
                        {QStringLiteral("duplicates_skipped"), summary.duplicatesSkipped},
                        {QStringLiteral("missing_after_failover"), summary.missingAfterFailover},
                        {QStringLiteral("seconds"), summary.seconds},
                        {QStringLiteral("node"), identityJson(summary.node)},
                        {QStringLiteral("dedupe_bytes"), summary.dedupeBytes}});
    }
    return 0;
}
