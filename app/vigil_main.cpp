#include "common/workerthread.h"
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
                       "Passwords come from VIGIL_PASSWORD and VIGIL_SENTINEL_PASSWORD, "
                       "never from the command line."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Start a local sandbox topology and open it."));
    const QCommandLineOption demoKeys(QStringLiteral("demo-keys"), QStringLiteral("Sample keys in the sandbox."),
                                      QStringLiteral("N"), QStringLiteral("20000"));
    const QCommandLineOption sentinel(QStringLiteral("sentinel"), QStringLiteral("Sentinel seeds."),
                                      QStringLiteral("HOST:PORT[,HOST:PORT...]"));
    const QCommandLineOption master(QStringLiteral("master"), QStringLiteral("The master name."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("Data-node ACL user."), QStringLiteral("USER"));
    const QCommandLineOption sentinelUser(QStringLiteral("sentinel-user"), QStringLiteral("Sentinel ACL user."),
                                          QStringLiteral("USER"));
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("Database number."), QStringLiteral("N"),
                                QStringLiteral("0"));
    const QCommandLineOption pace(QStringLiteral("scan-pace"),
                                  QStringLiteral("At most this many keys a second per scan, to spare a busy server."),
                                  QStringLiteral("KEYS_PER_S"), QStringLiteral("0"));
    parser.addOptions({demo, demoKeys, sentinel, master, user, sentinelUser, db, pace});
    parser.process(app);

    MainWindow window;
    window.setPace(parser.value(pace).toDouble());
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
    } else if (parser.isSet(sentinel) || parser.isSet(master)) {
        QString bad;
        SentinelTarget target;
        target.seeds = HostPort::parseList(parser.value(sentinel), &bad);
        target.masterName = parser.value(master);
        if (target.seeds.isEmpty() || target.masterName.isEmpty()) {
            QTextStream(stderr) << "vigil: --sentinel HOST:PORT[,...] and --master NAME go together"
                                << (bad.isEmpty() ? QString() : QStringLiteral(" (bad address '%1')").arg(bad)) << '\n';
            return 2;
        }
        target.dataUser = parser.value(user).toUtf8();
        target.sentinelUser = parser.value(sentinelUser).toUtf8();
        target.dataPassword = qgetenv("VIGIL_PASSWORD");
        target.sentinelPassword = qgetenv("VIGIL_SENTINEL_PASSWORD");
        target.db = parser.value(db).toInt();
        window.openDeployment(target);
    }

    window.show();
    if (!parser.isSet(demo) && !parser.isSet(sentinel) && !parser.isSet(master) && !window.restoreSession())
        QTimer::singleShot(0, &window, &MainWindow::openNewConnectionDialog);
    const int status = QApplication::exec();
    // Scan threads of closed tabs that were still blocked on a server finish now, or are left behind (never destroyed
    // while running) once this bound has passed.
    WorkerThread::waitForDetached(1000);
    return status;
}
