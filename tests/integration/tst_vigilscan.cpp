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

// vigil-scan as a user runs it: formats, --events, exit statuses and one-line errors, passwords from the environment
// or a file.
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
