#include "cli/scancli.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-scan"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    return ScanCli::run(QCoreApplication::arguments(), stdout, stderr);
}
