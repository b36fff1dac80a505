#include <QCoreApplication>
#include <QTextStream>

// vigil-scan: for now only --version and --help; the Sentinel-aware scan itself is still to be built
// (see docs/architecture.md, "What is not built yet").
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = QCoreApplication::arguments();
    if (args.contains(QStringLiteral("--version"))) {
        out << "vigil-scan " << QStringLiteral(VIGIL_VERSION) << '\n';
        return 0;
    }
    if (args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"))) {
        out << "Usage: vigil-scan --sentinel HOST:PORT[,HOST:PORT...] --master NAME [options]\n"
               "This build only answers --version and --help: the scan is not built yet.\n";
        return 0;
    }
    err << "vigil-scan: the scan is not built yet in this version; only --version and --help work\n";
    return 2;
}
