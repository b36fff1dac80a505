#include "cli/sandboxcli.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return SandboxCli::run(QCoreApplication::arguments(), out, err);
}
