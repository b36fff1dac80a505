#pragma once

#include <QStringList>

class QTextStream;

// The vigil-sandbox command line: up, failover, kill-master, pause-master, down.
// Returns the process exit status: 0 success, 1 the action failed, 2 usage error.
namespace SandboxCli {
int run(const QStringList &arguments, QTextStream &out, QTextStream &err);
}
