#include "fakeserver.h"
#include "processrun.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryFile>
#include <QTest>

#include <sys/resource.h>

namespace FakeDeploymentKeys {
inline QList<QByteArray> sample()
{
    QList<QByteArray> keys;
    for (int i = 0; i < 100; ++i)
        keys.append("fake:" + QByteArray::number(i));
    return keys;
}
} // namespace FakeDeploymentKeys

// vigil-scan as a user runs it: formats, --events, exit statuses and one-line errors, passwords from the environment
// or a file; against fake deployments, replies it cannot accept (exit 1 after a few tries, naming the node and the
// step) and --recovery-timeout.
class TestVigilScan final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;
    std::unique_ptr<Sandbox> m_authSandbox;
    QSet<QByteArray> m_keys;

    using Run = ProcessRun;

    static Run vigilScan(const QStringList &arguments,
                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        return ProcessRun::of(QStringLiteral(VIGIL_SCAN_BIN), arguments, env, 60000);
    }

    static QString seeds(const Sandbox &sandbox)
    {
        QStringList list;
        for (quint16 port : sandbox.sentinelPorts())
            list.append(QStringLiteral("127.0.0.1:%1").arg(port));
        return list.join(QLatin1Char(','));
    }

    // Undoes the quoted format: "a\x00b\n" -> bytes.
    static QByteArray unquote(const QByteArray &text)
    {
        QByteArray out;
        if (text.size() < 2 || !text.startsWith('"') || !text.endsWith('"'))
            return "<not quoted>";
        for (qsizetype i = 1; i < text.size() - 1; ++i) {
            char c = text.at(i);
            if (c != '\\') {
                out += c;
                continue;
            }
            c = text.at(++i);
            switch (c) {
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'x':
                out += static_cast<char>(text.mid(i + 1, 2).toInt(nullptr, 16));
                i += 2;
                break;
            default:
                out += c;
                break;
            }
        }
        return out;
    }

    static quint16 closedPort()
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        return server.serverPort();
    }

    void expectResolveFailure(const QStringList &arguments, const QString &expected,
                              const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        const Run run = vigilScan(arguments, env);
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.out.isEmpty());
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 1); // one clear line
        QVERIFY2(lines.first().startsWith("vigil-scan: "), run.err.constData());
        QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = 2000;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
        const SampleData data(2000);
        for (qint64 i = 0; i < data.count(); ++i)
            m_keys.insert(data.key(i).name);
    }

    void cleanupTestCase()
    {
        m_sandbox.reset();
        m_authSandbox.reset();
    }

    void version()
    {
        const Run run = vigilScan({QStringLiteral("--version")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(), QByteArray("vigil-scan " VIGIL_VERSION));
    }

    void hexRoundTripsBinaryKeys()
    {
        const Run run = vigilScan({QStringLiteral("--sentinel"), seeds(*m_sandbox), QStringLiteral("--master"),
                                   QStringLiteral("vigil"), QStringLiteral("--format"), QStringLiteral("hex")});
        QCOMPARE(run.exitCode, 0);
        QSet<QByteArray> keys;
        for (const QByteArray &line : run.out.split('\n'))
            if (!line.isEmpty())
                keys.insert(QByteArray::fromHex(line));
        QCOMPARE(keys, m_keys);
        for (const QByteArray &awkward : SampleData::awkwardKeyNames())
            QVERIFY(keys.contains(awkward));
    }

    void quotedRoundTripsBinaryKeys()
    {
        const Run run = vigilScan({QStringLiteral("--sentinel"), seeds(*m_sandbox), QStringLiteral("--master"),
                                   QStringLiteral("vigil"), QStringLiteral("--format"), QStringLiteral("quoted")});
        QCOMPARE(run.exitCode, 0);
        QSet<QByteArray> keys;
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        for (const QByteArray &line : lines) {
            // Every byte a terminal could misread is escaped: no raw control or non-ASCII byte is printed.
            for (const char c : line)
                QVERIFY2(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f,
                         line.constData());
            keys.insert(unquote(line));
        }
        QCOMPARE(qsizetype(lines.size()), m_keys.size());
        QCOMPARE(keys, m_keys);
        QVERIFY(run.out.contains(R"("bidi:\xe2\x80\xaeevil\xe2\x80\xac.txt")"));
        QVERIFY(run.out.contains(R"("nul\x00byte")"));
        QVERIFY(run.out.contains(R"("line\nbreak:key")"));
    }

    void eventsAndMatch()
    {
        const Run run = vigilScan({QStringLiteral("--sentinel"), seeds(*m_sandbox), QStringLiteral("--master"),
                                   QStringLiteral("vigil"), QStringLiteral("--match"), QStringLiteral("user:*"),
                                   QStringLiteral("--type"), QStringLiteral("hash"), QStringLiteral("--count"),
                                   QStringLiteral("50"), QStringLiteral("--events")});
        QCOMPARE(run.exitCode, 0);
        qint64 expected = 0;
        for (const QByteArray &k : std::as_const(m_keys))
            expected += k.startsWith("user:");
        QCOMPARE(qint64(run.out.trimmed().split('\n').size()), expected);
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject resolved = QJsonDocument::fromJson(lines.at(0)).object();
        QCOMPARE(resolved.value(QStringLiteral("event")).toString(), QStringLiteral("resolved"));
        QCOMPARE(resolved.value(QStringLiteral("master")).toString(),
                 QStringLiteral("127.0.0.1:%1").arg(m_sandbox->currentMasterPort()));
        const QJsonObject summary = QJsonDocument::fromJson(lines.at(1)).object();
        QCOMPARE(summary.value(QStringLiteral("event")).toString(), QStringLiteral("summary"));
        QCOMPARE(summary.value(QStringLiteral("keys")).toInteger(), expected);
        QCOMPARE(summary.value(QStringLiteral("passes")).toInt(), 1);
        QCOMPARE(summary.value(QStringLiteral("restarts")).toInt(), 0);
        QCOMPARE(summary.value(QStringLiteral("resumes")).toInt(), 0);
        QCOMPARE(summary.value(QStringLiteral("duplicates_skipped")).toInt(), 0);
        QCOMPARE(summary.value(QStringLiteral("missing_after_failover")).toInt(), 0);
        QVERIFY(summary.contains(QStringLiteral("seconds")));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no master") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1")}
                                   << QStringLiteral("--sentinel and --master are required");
        QTest::newRow("bad count") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"),
                                                  QStringLiteral("--master"),   QStringLiteral("m"),
                                                  QStringLiteral("--count"),    QStringLiteral("zero")}
                                   << QStringLiteral("--count needs a positive number");
        QTest::newRow("bad format") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"),
                                                   QStringLiteral("--master"),   QStringLiteral("m"),
                                                   QStringLiteral("--format"),   QStringLiteral("xml")}
                                    << QStringLiteral("--format is plain, quoted or hex");
        QTest::newRow("bad address") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("nohost"),
                                                    QStringLiteral("--master"), QStringLiteral("m")}
                                     << QStringLiteral("bad --sentinel address 'nohost'");
        QTest::newRow("bad map") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"),
                                                QStringLiteral("--master"),   QStringLiteral("m"),
                                                QStringLiteral("--map"),      QStringLiteral("10.0.0.7:6379")}
                                 << QStringLiteral("bad --map '10.0.0.7:6379' (FROM=TO, each HOST:PORT)");
        QTest::newRow("bad pace") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"),
                                                 QStringLiteral("--master"),   QStringLiteral("m"),
                                                 QStringLiteral("--pace"),     QStringLiteral("fast")}
                                  << QStringLiteral("--pace needs a positive number of keys a second, not 'fast'");
        QTest::newRow("tls") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"),
                                            QStringLiteral("--master"),   QStringLiteral("m"),
                                            QStringLiteral("--cacert"),   QStringLiteral("ca.pem")}
                             << QStringLiteral("--cacert needs --tls (or --tls-sentinels, --tls-data)");
        QTest::newRow("tls file") << QStringList{QStringLiteral("--sentinel"),
                                                 QStringLiteral("127.0.0.1:1"),
                                                 QStringLiteral("--master"),
                                                 QStringLiteral("m"),
                                                 QStringLiteral("--tls"),
                                                 QStringLiteral("--cacert"),
                                                 QStringLiteral("/nonexistent/ca.pem")}
                                  << QStringLiteral("--cacert /nonexistent/ca.pem: no such file");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--password"), QStringLiteral("x")}
                                        << QStringLiteral("Unknown option 'password'");
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run run = vigilScan(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    }

    // Usage errors that need no network are found before anything connects: the sentinel here is a live fake that
    // counts every command it gets.
    void usageErrorsNeedNoConnection_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty master") << QStringList{QStringLiteral("--master"), QString()}
                                      << QStringLiteral("--master needs a name");
        QTest::newRow("blank master") << QStringList{QStringLiteral("--master"), QStringLiteral("  ")}
                                      << QStringLiteral("--master needs a name");
        const QStringList master = {QStringLiteral("--master"), QStringLiteral("fake")};
        QTest::newRow("bad count") << master + QStringList{QStringLiteral("--count"), QStringLiteral("-3")}
                                   << QStringLiteral("--count needs a positive number");
        QTest::newRow("bad format") << master + QStringList{QStringLiteral("--format"), QStringLiteral("csv")}
                                    << QStringLiteral("--format is plain, quoted or hex, not 'csv'");
        QTest::newRow("bad recovery timeout")
            << master + QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("soon")}
            << QStringLiteral("--recovery-timeout needs a number of seconds from 0.001 to 86400, not 'soon'");
        QTest::newRow("pace infinite") << master + QStringList{QStringLiteral("--pace"), QStringLiteral("inf")}
                                       << QStringLiteral("--pace needs a positive number of keys a second, not 'inf'");
        QTest::newRow("missing CA file") << master
                                                + QStringList{QStringLiteral("--tls"), QStringLiteral("--cacert"),
                                                              QStringLiteral("/nonexistent/ca.pem")}
                                         << QStringLiteral("--cacert /nonexistent/ca.pem: no such file");
    }

    void usageErrorsNeedNoConnection()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, expected);
        const FakeDeployment fake({"k"});
        const Run run = vigilScan(
            QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:%1").arg(fake.sentinelPort())}
            + options);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.startsWith(QByteArray("vigil-scan: " + expected.toUtf8())), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
        QCOMPARE(fake.sentinelCount("CLIENT"), 0);
        QCOMPARE(fake.sentinelCount("SENTINEL"), 0);
    }

    void replyItCannotAcceptExitsOne_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<bool>("close");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("accepted"); // SCAN replies taken before the faults begin
        QTest::newRow("integer instead of a SCAN reply")
            << FakeResp::integer(42) << false << QStringLiteral("not a cursor and a list of keys") << 1;
        QTest::newRow("cursor that is not a number") << FakeResp::array({FakeResp::bulk("1e3"), FakeResp::array({})})
                                                     << false << QStringLiteral("the cursor is not a number") << 1;
        QTest::newRow("header announcing 4 GB")
            << QByteArray("$4000000000\r\n") << false << QStringLiteral("bulk reply of 4000000000 bytes exceeds") << 1;
        QTest::newRow("cursors going round in a circle")
            << FakeResp::array({FakeResp::bulk("7"), FakeResp::array({})}) << false
            << QStringLiteral("cursor 7 came back a second time in one pass: the scan would never end") << 2;
        QTest::newRow("stops halfway, then closes")
            << QByteArray("*2\r\n$1\r\n0\r\n*3\r\n$1\r\na") << true << QStringLiteral("the reply stopped halfway") << 1;
    }

    // The first page is good, then every SCAN gets the hostile reply: exit 1 after three tries, the first page
    // printed once, one line on stderr naming the node and the step, and no summary (the scan did not complete).
    void replyItCannotAcceptExitsOne()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, close);
        QFETCH(QString, expected);
        QFETCH(int, accepted);
        using Node = FakeDeployment::Node;
        const FakeDeployment fake(FakeDeploymentKeys::sample(),
                                  [&](Node node, const QList<QByteArray> &command, int seen) {
                                      if (node == Node::Master && command.first().toUpper() == "SCAN" && seen >= 2)
                                          return std::optional<FakeReply>(FakeReply{reply, close});
                                      return std::optional<FakeReply>();
                                  });
        const Run run = vigilScan({QStringLiteral("--sentinel"),
                                   QStringLiteral("127.0.0.1:%1").arg(fake.sentinelPort()), QStringLiteral("--master"),
                                   QStringLiteral("fake"), QStringLiteral("--count"), QStringLiteral("10")});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.out, fake.keys().mid(0, FakeDeployment::pageSize).join('\n') + '\n');
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(
                     QStringLiteral("vigil-scan: master 127.0.0.1:%1: SCAN failed: ").arg(fake.masterPort()).toUtf8()),
                 run.err.constData());
        QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
        QCOMPARE(fake.masterCount("SCAN"), accepted + 3);
    }

    void hostileSentinelExitsThree()
    {
        using Node = FakeDeployment::Node;
        const FakeDeployment fake(FakeDeploymentKeys::sample(), [](Node node, const QList<QByteArray> &command, int) {
            if (node == Node::Sentinel && command.value(1).toUpper() == "GET-MASTER-ADDR-BY-NAME")
                return std::optional<FakeReply>(FakeReply{FakeResp::bulks({"127.0.0.1", "6379", "x"}), false});
            return std::optional<FakeReply>();
        });
        expectResolveFailure({QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:%1").arg(fake.sentinelPort()),
                              QStringLiteral("--master"), QStringLiteral("fake")},
                             QStringLiteral("vigil-scan: sentinel 127.0.0.1:%1: SENTINEL GET-MASTER-ADDR-BY-NAME "
                                            "failed: unexpected reply, not a host and a port")
                                 .arg(fake.sentinelPort()));
        QCOMPARE(fake.masterCount("SCAN"), 0);
    }

    // A master that drops the connection at every SCAN is waited out for --recovery-timeout, then vigil-scan exits 1.
    // With the default of 60 s this run would outlast the 60 s the test gives the process.
    void recoveryTimeoutBoundsTheWait()
    {
        using Node = FakeDeployment::Node;
        const FakeDeployment fake(FakeDeploymentKeys::sample(),
                                  [](Node node, const QList<QByteArray> &command, int seen) {
                                      if (node == Node::Master && command.first().toUpper() == "SCAN" && seen >= 2)
                                          return std::optional<FakeReply>(FakeReply{{}, true});
                                      return std::optional<FakeReply>();
                                  });
        const Run run = vigilScan(
            {QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:%1").arg(fake.sentinelPort()),
             QStringLiteral("--master"), QStringLiteral("fake"), QStringLiteral("--count"), QStringLiteral("10"),
             QStringLiteral("--recovery-timeout"), QStringLiteral("2"), QStringLiteral("--events")});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.out, fake.keys().mid(0, FakeDeployment::pageSize).join('\n') + '\n');
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QVERIFY2(lines.constLast().startsWith(
                     QStringLiteral("vigil-scan: master 127.0.0.1:%1: SCAN failed: connection lost (gave up after ")
                         .arg(fake.masterPort())
                         .toUtf8()),
                 run.err.constData());
        // It did try again in the meantime, each time on the same node (a resume), and never summed up a complete scan.
        QVERIFY2(run.err.count("\"event\":\"resume\"") >= 2, run.err.constData());
        QVERIFY2(!run.err.contains("\"event\":\"summary\""), run.err.constData());
    }

    // A master that never stops sending new keys of a mebibyte each fills the memory vigil-scan may have (an address
    // space limit of 1 GiB, set in the child): it must stop with exit 1 and one line that says it ran out of memory
    // where, never abort.
    void runningOutOfMemoryExitsOne()
    {
#if defined(__SANITIZE_ADDRESS__)
        QSKIP("AddressSanitizer maps terabytes of shadow memory: no address space limit can be set under it");
#endif
        using Node = FakeDeployment::Node;
        const FakeDeployment fake(FakeDeploymentKeys::sample(), [](Node node, const QList<QByteArray> &command, int) {
            if (node != Node::Master || command.first().toUpper() != "SCAN")
                return std::optional<FakeReply>();
            const qint64 cursor = command.value(1).toLongLong();
            QList<QByteArray> keys;
            for (int i = 0; i < 4; ++i)
                keys.append(QByteArray::number(cursor * 4 + i).rightJustified(1024 * 1024, 'k'));
            return std::optional<FakeReply>(FakeReply{
                FakeResp::array({FakeResp::bulk(QByteArray::number(cursor + 1)), FakeResp::bulks(keys)}), false});
        });
        QProcess process;
        process.setChildProcessModifier([] {
            const rlimit limit{1UL << 30, 1UL << 30};
            ::setrlimit(RLIMIT_AS, &limit);
        });
        process.setStandardOutputFile(QProcess::nullDevice());
        process.start(QStringLiteral(VIGIL_SCAN_BIN),
                      {QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:%1").arg(fake.sentinelPort()),
                       QStringLiteral("--master"), QStringLiteral("fake")});
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(120000));
        const QByteArray err = process.readAllStandardError();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        QCOMPARE(err.count('\n'), 1);
        QVERIFY2(err.startsWith(QStringLiteral("vigil-scan: master 127.0.0.1:%1: SCAN failed: out of memory after ")
                                    .arg(fake.masterPort())
                                    .toUtf8()),
                 err.constData());
        QVERIFY(fake.masterCount("SCAN") > 100);
    }

    void paceCapsKeysASecond()
    {
        // 2,000 keys at 2,000 a second take a second (less the last batch, which is not waited for); unpaced, this
        // scan takes a few milliseconds.
        const Run run = vigilScan({QStringLiteral("--sentinel"), seeds(*m_sandbox), QStringLiteral("--master"),
                                   QStringLiteral("vigil"), QStringLiteral("--count"), QStringLiteral("100"),
                                   QStringLiteral("--pace"), QStringLiteral("2000"), QStringLiteral("--events")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject summary = QJsonDocument::fromJson(run.err.trimmed().split('\n').constLast()).object();
        QCOMPARE(summary.value(QStringLiteral("event")).toString(), QStringLiteral("summary"));
        QCOMPARE(summary.value(QStringLiteral("keys")).toInteger(), qint64(m_keys.size()));
        QVERIFY2(summary.value(QStringLiteral("seconds")).toDouble() >= 0.8, run.err.constData());
    }

    void mapSendsReportedAddressesElsewhere()
    {
        // Send the master the sentinels report to a closed port: the scan must fail there, and say so.
        const quint16 closed = closedPort();
        const QString rule
            = QStringLiteral("127.0.0.1:%1=127.0.0.1:%2").arg(m_sandbox->currentMasterPort()).arg(closed);
        expectResolveFailure({QStringLiteral("--sentinel"), seeds(*m_sandbox), QStringLiteral("--master"),
                              QStringLiteral("vigil"), QStringLiteral("--map"), rule},
                             QStringLiteral("the address map sent us to 127.0.0.1:%1").arg(closed));
    }

    void resolverErrorsExitThree()
    {
        const QString dead = QStringLiteral("127.0.0.1:%1,127.0.0.1:%2").arg(closedPort()).arg(closedPort());
        expectResolveFailure({QStringLiteral("--sentinel"), dead, QStringLiteral("--master"), QStringLiteral("vigil")},
                             QStringLiteral("no sentinel answered"));
        expectResolveFailure(
            {QStringLiteral("--sentinel"), seeds(*m_sandbox), QStringLiteral("--master"), QStringLiteral("nope")},
            QStringLiteral("no sentinel knows a master called 'nope'"));
        const QString dataPort = QStringLiteral("127.0.0.1:%1").arg(m_sandbox->currentMasterPort());
        expectResolveFailure(
            {QStringLiteral("--sentinel"), dataPort, QStringLiteral("--master"), QStringLiteral("vigil")},
            QStringLiteral("not a sentinel"));

        SandboxOptions options;
        options.keys = 10;
        options.auth = SandboxOptions::Auth::Password;
        m_authSandbox = SandboxFixture::start(options);
        QVERIFY(m_authSandbox);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VIGIL_SENTINEL_PASSWORD"), QStringLiteral("wrong-sentinel-secret"));
        env.insert(QStringLiteral("VIGIL_PASSWORD"), QString::fromUtf8(m_authSandbox->dataPassword()));
        const QStringList authArgs = {QStringLiteral("--sentinel"), seeds(*m_authSandbox), QStringLiteral("--master"),
                                      QStringLiteral("vigil")};
        expectResolveFailure(authArgs, QStringLiteral("AUTH failed"), env);

        env.insert(QStringLiteral("VIGIL_SENTINEL_PASSWORD"), QString::fromUtf8(m_authSandbox->sentinelPassword()));
        env.insert(QStringLiteral("VIGIL_PASSWORD"), QStringLiteral("wrong-data-secret"));
        expectResolveFailure(
            authArgs, QStringLiteral("master 127.0.0.1:%1: AUTH failed").arg(m_authSandbox->currentMasterPort()), env);
        const Run run = vigilScan(authArgs, env);
        QVERIFY(!run.err.contains("wrong-data-secret"));
    }

    void passwordsFromEnvironmentOrFile()
    {
        QVERIFY(m_authSandbox);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VIGIL_SENTINEL_PASSWORD"), QString::fromUtf8(m_authSandbox->sentinelPassword()));
        env.insert(QStringLiteral("VIGIL_PASSWORD"), QString::fromUtf8(m_authSandbox->dataPassword()));
        const QStringList args = {QStringLiteral("--sentinel"), seeds(*m_authSandbox), QStringLiteral("--master"),
                                  QStringLiteral("vigil")};
        Run run = vigilScan(args, env);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(qint64(run.out.count('\n')), m_authSandbox->loadedKeyCount() + 1); // one key holds a newline

        QTemporaryFile dataFile;
        QTemporaryFile sentinelFile;
        QVERIFY(dataFile.open() && sentinelFile.open());
        dataFile.write(m_authSandbox->dataPassword() + '\n');
        sentinelFile.write(m_authSandbox->sentinelPassword() + '\n');
        dataFile.close();
        sentinelFile.close();
        QProcessEnvironment clean = QProcessEnvironment::systemEnvironment();
        clean.remove(QStringLiteral("VIGIL_PASSWORD"));
        clean.remove(QStringLiteral("VIGIL_SENTINEL_PASSWORD"));
        run = vigilScan(args
                            + QStringList{QStringLiteral("--password-file"), dataFile.fileName(),
                                          QStringLiteral("--sentinel-password-file"), sentinelFile.fileName()},
                        clean);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(qint64(run.out.count('\n')), m_authSandbox->loadedKeyCount() + 1);
    }
};

QTEST_GUILESS_MAIN(TestVigilScan)
#include "tst_vigilscan.moc"
