#pragma once

#include "respcommand.h"

namespace Resp {
// True when the command cannot change data or topology. Read-only connections send nothing else: this is an allowlist,
// so a command we do not know is treated as a write.
bool isReadOnlyCommand(const RespCommand &command);

// SUBSCRIBE and friends: after them the connection receives pushed messages.
bool isSubscribeCommand(const RespCommand &command);
} // namespace Resp
