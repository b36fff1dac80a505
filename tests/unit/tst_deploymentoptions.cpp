#include "cli/deploymentoptions.h"

#include <QCommandLineParser>
#include <QTemporaryDir>
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

    void readOnlyIsVigilsSwitch()
    {
        // vigil takes --read-only and the target carries it (every connection made for it then refuses writes);
        // without it, the target is writable; without a deployment, it is a usage error like any target option.
        DeploymentOptions vigil(Extra::ReadOnly);
        QString error;
        QVERIFY2(read(vigil, deployment() << QStringLiteral("--read-only"), Target::Optional, &error),
                 qPrintable(error));
        QVERIFY(vigil.target().readOnly);
        QVERIFY(vigil.target().sentinelOptions(vigil.target().seeds.first()).readOnly);
        QVERIFY(read(vigil, deployment(), Target::Optional, &error));
        QVERIFY(!vigil.target().readOnly);
        QVERIFY(!read(vigil, {QStringLiteral("--read-only")}, Target::Optional, &error));
        QCOMPARE(error, QStringLiteral("--read-only needs --sentinel and --master"));
        // vigil-scan only reads: it has no such switch.
        DeploymentOptions scan;
        QVERIFY(!read(scan, deployment() << QStringLiteral("--read-only"), Target::Required, &error));
        QVERIFY2(error.contains(QStringLiteral("read-only")), qPrintable(error));
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
        QTest::newRow("ssh key without ssh")
            << target + QStringList{QStringLiteral("--ssh-key"), QStringLiteral("/etc/hostname")} << true
            << QStringLiteral("--ssh-key needs --ssh");
        QTest::newRow("ssh alone") << QStringList{QStringLiteral("--ssh"), QStringLiteral("bastion")} << false
                                   << QStringLiteral("--ssh needs --sentinel and --master");
        QTest::newRow("ssh without host")
            << target + QStringList{QStringLiteral("--ssh"), QStringLiteral("deploy@")} << true
            << QStringLiteral("bad --ssh 'deploy@' ([USER@]HOST[:PORT]): no host");
        QTest::newRow("ssh port zero")
            << target + QStringList{QStringLiteral("--ssh"), QStringLiteral("bastion:0")} << true
            << QStringLiteral("bad --ssh 'bastion:0' ([USER@]HOST[:PORT]): the port must be a number from 1 to 65535");
        QTest::newRow("ssh key missing") << target
                                                + QStringList{QStringLiteral("--ssh"), QStringLiteral("bastion"),
                                                              QStringLiteral("--ssh-key"),
                                                              QStringLiteral("/nonexistent/id_ed25519")}
                                         << true << QStringLiteral("--ssh-key /nonexistent/id_ed25519: no such file");
        QTest::newRow("ssh password on the command line")
            << target
                   + QStringList{QStringLiteral("--ssh"), QStringLiteral("bastion"), QStringLiteral("--ssh-password"),
                                 QStringLiteral("x")}
            << true << QStringLiteral("Unknown option 'ssh-password'");
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

    void tlsOptionsReachTheTargetOrSayWhatIsWrong()
    {
        QTemporaryDir dir;
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        const QString cert = dir.filePath(QStringLiteral("client.pem"));
        for (const QString &path : {ca, cert}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        QTemporaryFile passphrase;
        const QString passphraseFile = secretFile(passphrase, "open sesame\n");
        DeploymentOptions options(Extra::Tls);
        QString error;
        QVERIFY2(
            read(options,
                 deployment()
                     + QStringList{QStringLiteral("--tls"), QStringLiteral("--cacert"), ca, QStringLiteral("--cert"),
                                   cert, QStringLiteral("--key"), cert, QStringLiteral("--key-passphrase-file"),
                                   passphraseFile, QStringLiteral("--sni"), QStringLiteral("redis.internal")},
                 Target::Required, &error),
            qPrintable(error));
        const SentinelTarget &target = options.target();
        for (const TlsOptions &tls : {target.sentinelTls, target.dataTls}) {
            QVERIFY(tls.enabled);
            QCOMPARE(tls.caFile, ca);
            QCOMPARE(tls.certFile, cert);
            QCOMPARE(tls.keyFile, cert);
            QCOMPARE(tls.keyPassphrase, QByteArray("open sesame"));
            QVERIFY(!tls.insecure);
        }
        // --sni names the data nodes' certificates; the sentinels are checked by their own addresses.
        QCOMPARE(target.dataTls.verifyName, QStringLiteral("redis.internal"));
        QVERIFY(target.sentinelTls.verifyName.isEmpty());
        QCOMPARE(target.dataOptions(HostPort{QStringLiteral("10.0.0.7"), 6379}, QStringLiteral("master")).tls,
                 target.dataTls);
        QCOMPARE(target.sentinelOptions(target.seeds.first()).tls, target.sentinelTls);
        QVERIFY(!options.isInsecure());

        // One side only.
        QVERIFY(read(options, deployment() << QStringLiteral("--tls-sentinels") << QStringLiteral("--insecure"),
                     Target::Required, &error));
        QVERIFY(options.target().sentinelTls.enabled && !options.target().dataTls.enabled);
        QVERIFY(options.isInsecure());
        QVERIFY(read(options, deployment() << QStringLiteral("--tls-data"), Target::Required, &error));
        QVERIFY(!options.target().sentinelTls.enabled && options.target().dataTls.enabled);
        QVERIFY(read(options, deployment(), Target::Required, &error));
        QVERIFY(!options.target().sentinelTls.enabled && !options.target().dataTls.enabled);

        // What is wrong is said before any connection.
        const QString missing = dir.filePath(QStringLiteral("missing.pem"));
        const QList<QPair<QStringList, QString>> wrong = {
            {{QStringLiteral("--cacert"), ca}, QStringLiteral("--cacert needs --tls (or --tls-sentinels, --tls-data)")},
            {{QStringLiteral("--tls"), QStringLiteral("--cacert"), missing},
             QStringLiteral("--cacert %1: no such file").arg(missing)},
            {{QStringLiteral("--tls"), QStringLiteral("--cacert-dir"), ca},
             QStringLiteral("--cacert-dir %1: no such folder").arg(ca)},
            {{QStringLiteral("--tls"), QStringLiteral("--cert"), cert}, QStringLiteral("--cert and --key go together")},
            {{QStringLiteral("--tls-sentinels"), QStringLiteral("--sni"), QStringLiteral("x")},
             QStringLiteral("--sni is for the data nodes: it needs --tls or --tls-data")},
        };
        for (const auto &[arguments, message] : wrong) {
            QVERIFY(!read(options, deployment() + arguments, Target::Required, &error));
            QCOMPARE(error, message);
        }

        DeploymentOptions withoutTls;
        QVERIFY(!read(withoutTls, deployment() + QStringList{QStringLiteral("--tls")}, Target::Required, &error));
        QCOMPARE(error, QStringLiteral("Unknown option 'tls'."));
    }

    void sshOptionsReachTheTarget_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("hop");
        QTest::newRow("host") << QStringLiteral("bastion.example") << QString() << QStringLiteral("bastion.example")
                              << 0 << QStringLiteral("bastion.example:22");
        QTest::newRow("user, host, port") << QStringLiteral("deploy@10.0.0.1:2222") << QStringLiteral("deploy")
                                          << QStringLiteral("10.0.0.1") << 2222 << QStringLiteral("10.0.0.1:2222");
        QTest::newRow("ipv6") << QStringLiteral("ops@[2001:db8::1]:22") << QStringLiteral("ops")
                              << QStringLiteral("2001:db8::1") << 22 << QStringLiteral("[2001:db8::1]:22");
        QTest::newRow("an @ in the user") << QStringLiteral("a@corp@jump") << QStringLiteral("a@corp")
                                          << QStringLiteral("jump") << 0 << QStringLiteral("jump:22");
    }

    // --ssh and its companions reach SentinelTarget::ssh; the secrets come from the environment only.
    void sshOptionsReachTheTarget()
    {
        QFETCH(QString, spec);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, hop);
        QTemporaryFile key;
        const QString keyPath = secretFile(key, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
        QVERIFY(!keyPath.isEmpty());
        qputenv("VIGIL_SSH_PASSWORD", "ssh-password");
        qputenv("VIGIL_SSH_PASSPHRASE", "key-passphrase");
        DeploymentOptions options;
        QString error;
        QVERIFY2(read(options,
                      deployment()
                          + QStringList{QStringLiteral("--ssh"), spec, QStringLiteral("--ssh-key"), keyPath,
                                        QStringLiteral("--ssh-known-hosts"), QStringLiteral("/tmp/kh"),
                                        QStringLiteral("--ssh-accept-new")},
                      Target::Required, &error),
                 qPrintable(error));
        qunsetenv("VIGIL_SSH_PASSWORD");
        qunsetenv("VIGIL_SSH_PASSPHRASE");
        const SshOptions &ssh = options.target().ssh;
        QVERIFY(ssh.enabled());
        QCOMPARE(ssh.user, user);
        QCOMPARE(ssh.host, host);
        QCOMPARE(int(ssh.port), port);
        QCOMPARE(ssh.hop(), hop);
        QCOMPARE(ssh.keyFile, keyPath);
        QCOMPARE(ssh.knownHosts, QStringLiteral("/tmp/kh"));
        QVERIFY(ssh.acceptNew);
        QCOMPARE(ssh.password, QByteArray("ssh-password"));
        QCOMPARE(ssh.passphrase, QByteArray("key-passphrase"));

        QVERIFY2(read(options, deployment(), Target::Required, &error), qPrintable(error));
        QVERIFY(!options.target().ssh.enabled());
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
