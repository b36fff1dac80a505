#pragma once

#include <QByteArray>
#include <QList>

// A command as its binary-safe arguments, e.g. {"SCAN", "0", "COUNT", "1000"}.
using RespCommand = QList<QByteArray>;

namespace Resp {
// Encodes one command as a RESP multi-bulk with hiredis's redisFormatCommandArgv.
QByteArray encode(const RespCommand &command);

// The command name as it should appear in an error message: "AUTH", "SELECT 3", "CLIENT SETNAME". Never includes
// values that could be secrets (AUTH arguments) or keys.
QString describe(const RespCommand &command);
} // namespace Resp
