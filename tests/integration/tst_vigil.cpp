#include "folderprocesses.h"
#include "processrun.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

// vigil as a user starts it from a shell: --help and --version answer where there is no display at all (a server, a
// container, ssh), and a bad deployment option is refused before any window, naming the option and the value.
class TestVigil final : public QObject
{
    Q_OBJECT

private:
    using Run = ProcessRun;

    // No X server, no Wayland compositor, no platform chosen: QApplication cannot start here.
    static QProcessEnvironment headless()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        return env;
    }

    static Run vigil(const QStringList &arguments, const QProcessEnvironment &env = headless())
    {
        return ProcessRun::of(QStringLiteral(VIGIL_BIN), arguments, env, 30000);
    }

private Q_SLOTS:
    void helpWithoutADisplay_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("--help") << QStringList{QStringLiteral("--help")};
        QTest::newRow("-h") << QStringList{QStringLiteral("-h")};
        QTest::newRow("after other options")
            << QStringList{QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--help")};
    }

    void helpWithoutADisplay()
    {
        QFETCH(QStringList, arguments);
        const Run run = vigil(arguments);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), run.err.constData());
        const QString help = QString::fromUtf8(run.out);
        QVERIFY2(help.startsWith(QStringLiteral("Usage: ")), qPrintable(help));
        for (const char *option :
             {"--demo", "--sentinel <HOST:PORT[,HOST:PORT...]>", "--master <NAME>", "--db <N>", "--user <USER>",
              "--password-file <F>", "--sentinel-user <USER>", "--sentinel-password-file <F>", "--map <FROM=TO>",
              "--pace <KEYS_PER_S>", "--version"})
            QVERIFY2(help.contains(QLatin1String(option)), option);
        QVERIFY2(!help.contains(QStringLiteral("scan-pace")), qPrintable(help)); // the old name works, unadvertised
    }

    void versionWithoutADisplay_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("--version") << QStringList{QStringLiteral("--version")};
        QTest::newRow("-v") << QStringList{QStringLiteral("-v")};
        // Qt's own options are QApplication's: "-stylesheet" must not read as bundled short options holding -h.
        QTest::newRow("with a Qt option")
            << QStringList{QStringLiteral("-stylesheet"), QStringLiteral("dark.qss"), QStringLiteral("--version")};
    }

    void versionWithoutADisplay()
    {
        QFETCH(QStringList, arguments);
        const Run run = vigil(arguments);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("Vigil " VIGIL_VERSION "\n"));
        QVERIFY2(run.err.isEmpty(), run.err.constData());
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        const QStringList target = {QStringLiteral("--sentinel"), QStringLiteral("127.0.0.1:26379"),
                                    QStringLiteral("--master"), QStringLiteral("vigil")};
        QTest::newRow("bad map") << target + QStringList{QStringLiteral("--map"), QStringLiteral("10.0.0.7:6379")}
                                 << QStringLiteral("vigil: bad --map '10.0.0.7:6379' (FROM=TO, each HOST:PORT)");
        QTest::newRow("bad pace") << QStringList{QStringLiteral("--pace"), QStringLiteral("0")}
                                  << QStringLiteral("vigil: --pace needs a positive number of keys a second, not '0'");
        QTest::newRow("bad scan-pace")
            << QStringList{QStringLiteral("--scan-pace"), QStringLiteral("lots")}
            << QStringLiteral("vigil: --scan-pace needs a positive number of keys a second, not 'lots'");
        QTest::newRow("bad db") << target + QStringList{QStringLiteral("--db"), QStringLiteral("two")}
                                << QStringLiteral("vigil: --db needs a database number, not 'two'");
        QTest::newRow("bad sentinel") << QStringList{QStringLiteral("--sentinel"), QStringLiteral("nohost"),
                                                     QStringLiteral("--master"), QStringLiteral("vigil")}
                                      << QStringLiteral("vigil: bad --sentinel address 'nohost' (HOST:PORT)");
        QTest::newRow("master alone") << QStringList{QStringLiteral("--master"), QStringLiteral("vigil")}
                                      << QStringLiteral("vigil: --sentinel and --master are required");
        QTest::newRow("user alone") << QStringList{QStringLiteral("--user"), QStringLiteral("app")}
                                    << QStringLiteral("vigil: --user needs --sentinel and --master");
        QTest::newRow("tls alone") << QStringList{QStringLiteral("--tls")}
                                   << QStringLiteral("vigil: --tls needs --sentinel and --master, or --demo");
        QTest::newRow("bad theme") << QStringList{QStringLiteral("--theme"), QStringLiteral("purple")}
                                   << QStringLiteral("vigil: --theme is system, light or dark, not 'purple'");
        QTest::newRow("demo with a deployment")
            << QStringList{QStringLiteral("--demo")} + target
            << QStringLiteral("vigil: --demo opens a sandbox of its own: leave out --sentinel and --master");
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run run = vigil(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 1); // one clear line
        QVERIFY2(QString::fromUtf8(lines.first()).startsWith(expected), run.err.constData());
    }

    void qtOptionsStillReachQApplication()
    {
        // With a platform, the window's own parse runs after QApplication took its options (-platform) away: an
        // unknown option is reported by QCommandLineParser::process (status 1), and -platform is not.
        const Run run = vigil({QStringLiteral("-platform"), QStringLiteral("offscreen"), QStringLiteral("--bogus")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("Unknown option 'bogus'"), run.err.constData());
        QVERIFY2(!run.err.contains("platform"), run.err.constData());
    }

    void sigtermStopsTheDemo()
    {
        // `vigil --demo` stopped by SIGTERM (a logout, a service manager, kill): its sandbox's servers stop and its
        // folder goes, as when the window is closed.
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("TMPDIR"), tmp.path()); // the sandbox folder goes here
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), tmp.path() + QStringLiteral("/config"));
        QProcess vigil;
        vigil.setProcessEnvironment(env);
        vigil.start(QStringLiteral(VIGIL_BIN),
                    {QStringLiteral("--demo"), QStringLiteral("--demo-keys"), QStringLiteral("500")});
        QVERIFY(vigil.waitForStarted());
        // It says on its terminal where its sandbox is, once the sandbox is up.
        const QByteArray prefix = "vigil: demo sandbox in ";
        QByteArray out;
        QTRY_VERIFY2_WITH_TIMEOUT((out += vigil.readAllStandardOutput()).contains(prefix)
                                      || vigil.state() != QProcess::Running,
                                  vigil.readAllStandardError().constData(), 90000);
        QCOMPARE(vigil.state(), QProcess::Running);
        const QByteArray line = out.mid(out.indexOf(prefix) + prefix.size());
        const QString folder = QFile::decodeName(line.left(line.indexOf(':')));
        QVERIFY2(folder.startsWith(tmp.path() + QStringLiteral("/vigil-sandbox-")), qPrintable(folder));
        QVERIFY(QFileInfo(folder).isDir());
        QCOMPARE(processesWorkingIn(folder).size(), 6); // 3 data nodes and 3 sentinels

        ::kill(static_cast<pid_t>(vigil.processId()), SIGTERM);
        QVERIFY(vigil.waitForFinished(30000));
        QCOMPARE(vigil.exitStatus(), QProcess::NormalExit);
        QCOMPARE(vigil.exitCode(), 0);
        QVERIFY2(!QFileInfo::exists(folder), qPrintable(folder));
        QTRY_VERIFY_WITH_TIMEOUT(processesWorkingIn(folder).isEmpty(), 5000);
    }
};

QTEST_GUILESS_MAIN(TestVigil)
#include "tst_vigil.moc"
