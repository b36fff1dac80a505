#include "cli/deploymentoptions.h"

#include <QCommandLineParser>
#include <QTemporaryFile>
#include <QTest>

// The options that name a deployment, as vigil and vigil-scan read them: every option reaches the target, --scan-pace
// is a hidden alias of --pace, --recovery-timeout is read in seconds, and every usage error names the option and the
// value it refused, before any connection is tried.
class TestDeploymentOptions final : public QObject
{
    Q_OBJECT

private:
    using Extra = DeploymentOptions::Extra;
    using Target = DeploymentOptions::Target;

    // Parses like a program would; a parser error counts as a usage error too.
    static bool read(DeploymentOptions &options, const QStringList &arguments, Target need, QString *error)
    {
        QCommandLineParser parser;
        options.addTo(parser);
        if (!parser.parse(QStringList{QStringLiteral("vigil")} + arguments)) {
            *error = parser.errorText();
            return false;
        }
        return options.read(parser, need, error);
    }

    static QStringList deployment()
    {
        return {QStringLiteral("--sentinel"), QStringLiteral("10.0.0.5:26379,10.0.0.6:26379"),
                QStringLiteral("--master"), QStringLiteral("orders")};
    }

    static QString secretFile(QTemporaryFile &file, const QByteArray &contents)
    {
        if (!file.open())
            return {};
        file.write(contents);
        file.close();
        return file.fileName();
    }

private Q_SLOTS:
    void init()
    {
        qunsetenv("VIGIL_PASSWORD");
        qunsetenv("VIGIL_SENTINEL_PASSWORD");
    }

    void everyOptionReachesTheTarget()
    {
        DeploymentOptions options;
        QString error;
        const QStringList arguments = deployment()
                                      + QStringList{QStringLiteral("--db"),
                                                    QStringLiteral("3"),
                                                    QStringLiteral("--user"),
                                                    QStringLiteral("app"),
                                                    QStringLiteral("--sentinel-user"),
                                                    QStringLiteral("watcher"),
                                                    QStringLiteral("--map"),
                                                    QStringLiteral("172.17.0.2:6379=127.0.0.1:16379"),
                                                    QStringLiteral("--map"),
                                                    QStringLiteral("172.17.0.3:6379=127.0.0.1:16380"),
                                                    QStringLiteral("--pace"),
                                                    QStringLiteral("2500")};
        QVERIFY2(read(options, arguments, Target::Required, &error), qPrintable(error));
        QVERIFY(options.hasTarget());
        const SentinelTarget &target = options.target();
        QCOMPARE(target.seeds,
                 (QList<HostPort>{{QStringLiteral("10.0.0.5"), 26379}, {QStringLiteral("10.0.0.6"), 26379}}));
        QCOMPARE(target.masterName, QStringLiteral("orders"));
        QCOMPARE(target.db, 3);
        QCOMPARE(target.dataUser, QByteArray("app"));
        QCOMPARE(target.sentinelUser, QByteArray("watcher"));
        QCOMPARE(target.addressMap.map({QStringLiteral("172.17.0.2"), 6379}),
                 (HostPort{QStringLiteral("127.0.0.1"), 16379}));
        QCOMPARE(target.addressMap.map({QStringLiteral("172.17.0.3"), 6379}),
                 (HostPort{QStringLiteral("127.0.0.1"), 16380}));
        QCOMPARE(target.addressMap.map({QStringLiteral("172.17.0.4"), 6379}),
                 (HostPort{QStringLiteral("172.17.0.4"), 6379}));
        QCOMPARE(options.pace(), 2500.0);
        QVERIFY(target.dataPassword.isEmpty());
        QVERIFY(!options.hasDataPassword());
    }

    void scanPaceIsAHiddenAlias()
    {
        DeploymentOptions withAlias(Extra::ScanPaceAlias);
        QString error;
        QVERIFY2(read(withAlias, {QStringLiteral("--scan-pace"), QStringLiteral("250")}, Target::Optional, &error),
                 qPrintable(error));
        QCOMPARE(withAlias.pace(), 250.0);
        QVERIFY(!withAlias.hasTarget());

        QCommandLineParser parser;
        withAlias.addTo(parser);
        const QString help = parser.helpText();
        QVERIFY2(help.contains(QStringLiteral("--pace <KEYS_PER_S>")), qPrintable(help));
        QVERIFY2(!help.contains(QStringLiteral("scan-pace")), qPrintable(help));

        // Only vigil had the old spelling.
        DeploymentOptions withoutAlias;
        QVERIFY(!read(withoutAlias, {QStringLiteral("--scan-pace"), QStringLiteral("250")}, Target::Optional, &error));
        QCOMPARE(error, QStringLiteral("Unknown option 'scan-pace'."));
    }

    void noDeploymentIsFineWhenOptional()
    {
        DeploymentOptions options;
        QString error;
        QVERIFY2(read(options, {}, Target::Optional, &error), qPrintable(error));
        QVERIFY(!options.hasTarget());
        QCOMPARE(options.pace(), 0.0);
    }

    void usageErrorsNameTheOptionAndValue_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("required");
        QTest::addColumn<QString>("expected");
        const QStringList target = deployment();
        QTest::newRow("nothing, required")
            << QStringList{} << true << QStringLiteral("--sentinel and --master are required");
        QTest::newRow("no master") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:26379")}
                                   << false << QStringLiteral("--sentinel and --master are required");
        QTest::newRow("user alone") << QStringList{QStringLiteral("--user"), QStringLiteral("app")} << false
                                    << QStringLiteral("--user needs --sentinel and --master");
        QTest::newRow("map alone") << QStringList{QStringLiteral("--map"), QStringLiteral("a:1=b:2")} << false
                                   << QStringLiteral("--map needs --sentinel and --master");
        QTest::newRow("bad sentinel") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1,nohost"),
                                                     QStringLiteral("--master"), QStringLiteral("m")}
                                      << true << QStringLiteral("bad --sentinel address 'nohost' (HOST:PORT)");
        QTest::newRow("empty master") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"),
                                                     QStringLiteral("--master"), QString()}
                                      << true << QStringLiteral("--master needs a name");
        QTest::newRow("bad db") << target + QStringList{QStringLiteral("--db"), QStringLiteral("-1")} << true
                                << QStringLiteral("--db needs a database number, not '-1'");
        QTest::newRow("map without =") << target + QStringList{QStringLiteral("--map"), QStringLiteral("10.0.0.7:6379")}
                                       << true << QStringLiteral("bad --map '10.0.0.7:6379' (FROM=TO, each HOST:PORT)");
        QTest::newRow("map without port")
            << target + QStringList{QStringLiteral("--map"), QStringLiteral("10.0.0.7:6379=localhost")} << false
            << QStringLiteral("bad --map '10.0.0.7:6379=localhost' (FROM=TO, each HOST:PORT)");
        QTest::newRow("pace not a number")
            << QStringList{QStringLiteral("--pace"), QStringLiteral("fast")} << false
            << QStringLiteral("--pace needs a positive number of keys a second, not 'fast'");
        QTest::newRow("pace zero") << target + QStringList{QStringLiteral("--pace"), QStringLiteral("0")} << true
                                   << QStringLiteral("--pace needs a positive number of keys a second, not '0'");
        QTest::newRow("blank master") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"),
                                                     QStringLiteral("--master"), QStringLiteral(" \t")}
                                      << true << QStringLiteral("--master needs a name");
        QTest::newRow("pace infinite") << QStringList{QStringLiteral("--pace"), QStringLiteral("inf")} << false
                                       << QStringLiteral("--pace needs a positive number of keys a second, not 'inf'");
        QTest::newRow("recovery timeout not a number")
            << QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("long")} << false
            << QStringLiteral("--recovery-timeout needs a number of seconds from 0.001 to 86400, not 'long'");
        QTest::newRow("recovery timeout zero")
            << target + QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("0")} << true
            << QStringLiteral("--recovery-timeout needs a number of seconds from 0.001 to 86400, not '0'");
        QTest::newRow("recovery timeout negative")
            << target + QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("-5")} << true
            << QStringLiteral("--recovery-timeout needs a number of seconds from 0.001 to 86400, not '-5'");
        QTest::newRow("recovery timeout past a day")
            << target + QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("1e9")} << true
            << QStringLiteral("--recovery-timeout needs a number of seconds from 0.001 to 86400, not '1e9'");
        QTest::newRow("recovery timeout nan")
            << target + QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("nan")} << true
            << QStringLiteral("--recovery-timeout needs a number of seconds from 0.001 to 86400, not 'nan'");
        QTest::newRow("password file missing")
            << target + QStringList{QStringLiteral("--password-file"), QStringLiteral("/nonexistent/vigil-secret")}
            << true << QStringLiteral("--password-file: cannot read /nonexistent/vigil-secret");
        QTest::newRow("password on the command line")
            << target + QStringList{QStringLiteral("--password"), QStringLiteral("x")} << true
            << QStringLiteral("Unknown option 'password'");
    }

    void usageErrorsNameTheOptionAndValue()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, required);
        QFETCH(QString, expected);
        DeploymentOptions options;
        QString error;
        QVERIFY(!read(options, arguments, required ? Target::Required : Target::Optional, &error));
        QVERIFY2(error.startsWith(expected), qPrintable(error));
        QVERIFY(!options.hasTarget());
    }

    void recoveryTimeoutIsInSeconds_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("milliseconds");
        QTest::newRow("default, longer than any failover") << QStringList{} << 60000;
        QTest::newRow("whole seconds") << QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("120")}
                                       << 120000;
        QTest::newRow("fractions") << QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("2.5")} << 2500;
        QTest::newRow("without a deployment (vigil opens one later)")
            << QStringList{QStringLiteral("--recovery-timeout"), QStringLiteral("5")} << 5000;
    }

    void recoveryTimeoutIsInSeconds()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, milliseconds);
        const bool withTarget = !QByteArray(QTest::currentDataTag()).startsWith("without");
        DeploymentOptions options;
        QString error;
        QVERIFY2(read(options, (withTarget ? deployment() : QStringList{}) + arguments,
                      withTarget ? Target::Required : Target::Optional, &error),
                 qPrintable(error));
        QCOMPARE(options.recoveryTimeoutMs(), milliseconds);
    }

    void scanPaceErrorsUseTheSpellingGiven()
    {
        DeploymentOptions options(Extra::ScanPaceAlias);
        QString error;
        QVERIFY(!read(options, {QStringLiteral("--scan-pace"), QStringLiteral("lots")}, Target::Optional, &error));
        QCOMPARE(error, QStringLiteral("--scan-pace needs a positive number of keys a second, not 'lots'"));
    }

    void tlsIsRefusedByName()
    {
        DeploymentOptions options(Extra::Tls);
        QString error;
        QVERIFY(!read(options, deployment() + QStringList{QStringLiteral("--cacert"), QStringLiteral("ca.pem")},
                      Target::Required, &error));
        QCOMPARE(error, QStringLiteral("--cacert: TLS is not supported by this version yet"));

        DeploymentOptions withoutTls;
        QVERIFY(!read(withoutTls, deployment() + QStringList{QStringLiteral("--tls")}, Target::Required, &error));
        QCOMPARE(error, QStringLiteral("Unknown option 'tls'."));
    }

    void passwordsFromTheEnvironmentOrFiles()
    {
        qputenv("VIGIL_PASSWORD", "data-from-env");
        qputenv("VIGIL_SENTINEL_PASSWORD", "sentinel-from-env");
        DeploymentOptions options;
        QString error;
        QVERIFY2(read(options, deployment(), Target::Required, &error), qPrintable(error));
        QCOMPARE(options.target().dataPassword, QByteArray("data-from-env"));
        QCOMPARE(options.target().sentinelPassword, QByteArray("sentinel-from-env"));
        QVERIFY(options.hasDataPassword());

        // A file wins over the environment, and only its first line counts (`echo secret > file`).
        QTemporaryFile dataFile;
        QTemporaryFile sentinelFile;
        const QString dataPath = secretFile(dataFile, "data-from-file\r\nsecond line\n");
        const QString sentinelPath = secretFile(sentinelFile, "sentinel-from-file\n");
        QVERIFY(!dataPath.isEmpty() && !sentinelPath.isEmpty());
        QVERIFY2(read(options,
                      deployment()
                          + QStringList{QStringLiteral("--password-file"), dataPath,
                                        QStringLiteral("--sentinel-password-file"), sentinelPath},
                      Target::Required, &error),
                 qPrintable(error));
        QCOMPARE(options.target().dataPassword, QByteArray("data-from-file"));
        QCOMPARE(options.target().sentinelPassword, QByteArray("sentinel-from-file"));
        QVERIFY(options.hasDataPassword());

        qunsetenv("VIGIL_PASSWORD");
        QVERIFY2(read(options, deployment(), Target::Required, &error), qPrintable(error));
        QVERIFY(options.target().dataPassword.isEmpty());
        QVERIFY(!options.hasDataPassword()); // vigil-scan may prompt on a tty
    }
};

QTEST_GUILESS_MAIN(TestDeploymentOptions)
#include "tst_deploymentoptions.moc"
