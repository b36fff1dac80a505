#include "cli/deploymentoptions.h"
#include "cli/quitsignals.h"
#include "common/workerthread.h"
#include "mainwindow.h"
#include "sandbox/sandboxcontroller.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication::setApplicationName(QStringLiteral("Vigil"));
    QApplication::setOrganizationName(QStringLiteral("Vigil"));
    QApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("A desktop browser for Redis deployments managed by Redis Sentinel.\n"
                       "Passwords come from --password-file and --sentinel-password-file, or VIGIL_PASSWORD and "
                       "VIGIL_SENTINEL_PASSWORD, never from the command line."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Start a local sandbox topology and open it (with --tls: a TLS-only "
                                                 "one, with throwaway certificates)."));
    const QCommandLineOption demoKeys(QStringLiteral("demo-keys"), QStringLiteral("Sample keys in the sandbox."),
                                      QStringLiteral("N"), QStringLiteral("20000"));
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QStringLiteral("The colours for this run: system (the platform's), light or dark. "
                                                  "View > Theme sets the one kept for the next starts."),
                                   QStringLiteral("theme"));
    parser.addOptions({demo, demoKeys, theme});
    DeploymentOptions deployment(DeploymentOptions::Extra::ScanPaceAlias | DeploymentOptions::Extra::ReadOnly
                                 | DeploymentOptions::Extra::Tls);
    deployment.addTo(parser);
    {
        // --help, --version and usage errors are answered before QApplication exists: it aborts where there is no
        // display. Qt's own options (-platform, -style, ...) are only known to QApplication, so here they must not
        // read as bundled short options ("-stylesheet" holding -h), and unknown options wait for process() below.
        QCoreApplication early(argc, argv);
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
        parser.parse(QCoreApplication::arguments());
        if (parser.isSet(QStringLiteral("help"))) {
            QTextStream(stdout) << parser.helpText();
            return 0;
        }
        if (parser.isSet(QStringLiteral("version"))) {
            QTextStream(stdout) << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion()
                                << '\n';
            return 0;
        }
        QString error;
        if (!deployment.read(parser, DeploymentOptions::Target::Optional, &error)) {
            QTextStream(stderr) << "vigil: " << error << " (see --help)\n";
            return 2;
        }
        // --tls goes with a deployment named here, or with the demo's own sandbox; alone it would be ignored.
        const bool tls = parser.isSet(QStringLiteral("tls"));
        if (parser.isSet(demo) && deployment.hasTarget())
            error = QStringLiteral("--demo opens a sandbox of its own: leave out --sentinel and --master");
        else if (tls && !parser.isSet(demo) && !deployment.hasTarget())
            error = QStringLiteral("--tls needs --sentinel and --master, or --demo");
        if (parser.isSet(theme) && !Theme::parse(parser.value(theme)))
            error = QStringLiteral("--theme is system, light or dark, not '%1'").arg(parser.value(theme));
        if (!error.isEmpty()) {
            QTextStream(stderr) << "vigil: " << error << " (see --help)\n";
            return 2;
        }
    }

    QApplication app(argc, argv);
    QApplication::setDesktopFileName(QStringLiteral("org.vigil.Vigil"));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.process(app);

    MainWindow window;
    // As File > Quit does: the session is saved, and at the end of exec() the demo's sandbox is stopped and its folder
    // removed. quit() as well, since a modal dialog may keep the window from closing.
    QuitSignals::install([&window] {
        window.close();
        QCoreApplication::quit();
    });
    if (parser.isSet(theme))
        window.setTheme(*Theme::parse(parser.value(theme)), false);
    window.setPace(deployment.pace());
    window.setRecoveryTimeout(deployment.recoveryTimeoutMs());
    // The remembered tabs are the ones of a window started plainly; the demo's and a one-off --sentinel window's
    // tabs do not replace them.
    window.setRememberSession(!parser.isSet(demo) && !deployment.hasTarget());
    WorkerThread sandboxThread(QStringLiteral("vigil-sandbox"));

    if (parser.isSet(demo)) {
        SandboxOptions options;
        options.keys = parser.value(demoKeys).toLongLong();
        options.tls = parser.isSet(QStringLiteral("tls"));
        auto *controller = new SandboxController(options);
        window.setSandbox(controller);
        // Also on the terminal the demo was started from, where the window may not be seen (ssh, xvfb-run): where the
        // sandbox is, for redis-cli and vigil-scan, or why it did not start.
        QObject::connect(controller, &SandboxController::started, &app, [](const SandboxInfo &info) {
            QStringList sentinels;
            for (const quint16 port : info.sentinelPorts)
                sentinels.append(QStringLiteral("127.0.0.1:%1").arg(port));
            QTextStream(stdout) << "vigil: demo sandbox in " << info.dir << ": master name " << info.masterName
                                << ", sentinels " << sentinels.join(QLatin1Char(',')) << Qt::endl;
        });
        QObject::connect(controller, &SandboxController::programsMissing, &app, [](const QStringList &programs) {
            QTextStream(stderr) << "vigil: the demo cannot start: " << programs.join(QStringLiteral(" and "))
                                << (programs.size() == 1 ? " is" : " are")
                                << " not installed; install with: " << Sandbox::installCommand(programs) << Qt::endl;
        });
        QObject::connect(controller, &SandboxController::failed, &app, [](const VigilError &error) {
            QTextStream(stderr) << "vigil: the demo's sandbox did not start: " << error.toString() << Qt::endl;
        });
        sandboxThread.start(controller);
        QMetaObject::invokeMethod(controller, &SandboxController::start, Qt::QueuedConnection);
        QObject::connect(&app, &QApplication::aboutToQuit, controller, &SandboxController::stop,
                         Qt::BlockingQueuedConnection);
    } else if (deployment.hasTarget()) {
        window.openDeployment(deployment.target());
    }

    window.show();
    if (!parser.isSet(demo) && !deployment.hasTarget() && !window.restoreSession())
        QTimer::singleShot(0, &window, &MainWindow::openNewConnectionDialog);
    const int status = QApplication::exec();
    // Scan threads of closed tabs that were still blocked on a server finish now, or are left behind (never destroyed
    // while running) once this bound has passed.
    WorkerThread::waitForDetached(1000);
    return status;
}
