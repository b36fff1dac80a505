#include "cli/deploymentoptions.h"
#include "common/workerthread.h"
#include "keybrowser.h"
#include "mainwindow.h"
#include "sandbox/sandboxcontroller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Vigil"));
    QApplication::setOrganizationName(QStringLiteral("Vigil"));
    QApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.vigil.Vigil"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("A desktop browser for Redis deployments managed by Redis Sentinel.\n"
                       "Passwords come from --password-file and --sentinel-password-file, or VIGIL_PASSWORD and "
                       "VIGIL_SENTINEL_PASSWORD, never from the command line."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Start a local sandbox topology and open it."));
    const QCommandLineOption demoKeys(QStringLiteral("demo-keys"), QStringLiteral("Sample keys in the sandbox."),
                                      QStringLiteral("N"), QStringLiteral("20000"));
    parser.addOptions({demo, demoKeys});
    DeploymentOptions deployment(DeploymentOptions::Extra::ScanPaceAlias);
    deployment.addTo(parser);
    parser.process(app);
    QString error;
    if (!deployment.read(parser, DeploymentOptions::Target::Optional, &error)) {
        QTextStream(stderr) << "vigil: " << error << " (see --help)\n";
        return 2;
    }

    MainWindow window;
    window.browser()->setPace(deployment.pace());
    WorkerThread sandboxThread(QStringLiteral("vigil-sandbox"));

    if (parser.isSet(demo)) {
        SandboxOptions options;
        options.keys = parser.value(demoKeys).toLongLong();
        auto *controller = new SandboxController(options);
        window.setSandbox(controller);
        sandboxThread.start(controller);
        QMetaObject::invokeMethod(controller, &SandboxController::start, Qt::QueuedConnection);
        QObject::connect(&app, &QApplication::aboutToQuit, controller, &SandboxController::stop,
                         Qt::BlockingQueuedConnection);
    } else if (deployment.hasTarget()) {
        window.setTarget(deployment.target());
    }

    window.show();
    if (!parser.isSet(demo) && !deployment.hasTarget())
        QTimer::singleShot(0, &window, &MainWindow::openConnectionDialog);
    return QApplication::exec();
}
