#pragma once

#include <functional>

// SIGINT, SIGTERM and SIGHUP end the program the way its own Quit does, instead of killing it where it stands: a
// sandbox it started is stopped and its folder removed. The handler only writes a byte to a socket pair; the event
// loop reads it and calls `quit` (QCoreApplication::quit when none is given), so nothing unsafe runs in the handler.
// A signal that comes while the main thread is busy (a sandbox starting) is acted on when the loop runs again.
// Call once, after the QCoreApplication exists. Returns false when the socket pair cannot be made; the signals then
// keep their default action.
namespace QuitSignals {
bool install(std::function<void()> quit = {});
}
