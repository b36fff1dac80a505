#pragma once

#include "respcommand.h"

namespace Resp {
// True when the command cannot change data or topology. Read-only connections send nothing else: this is an allowlist,
// so a command we do not know is treated as a write.
bool isReadOnlyCommand(const RespCommand &command);

// SUBSCRIBE and friends: after them the connection receives pushed messages.
bool isSubscribeCommand(const RespCommand &command);
} // namespace Resp

class RespValue;

namespace Resp {
// ACL refusals. Redis says which of the two it is: "NOPERM this user has no permissions to run the 'info' command" (the
// command is not granted) or "... to access one of the keys used as arguments" (a key outside the user's patterns).
bool isPermissionError(const RespValue &reply);
bool isCommandDenied(const RespValue &reply);
bool isKeyDenied(const RespValue &reply);
} // namespace Resp
