#pragma once

#include <QStringList>

#include <cstdio>

// The vigil-scan command line (DESIGN.md, "CLI contract"). Keys go to `out` (raw bytes, so a FILE*); messages and
// --events JSON lines go to `err`. Returns the exit status: 0 scan complete, 1 failed after it started, 2 usage error,
// 3 could not resolve, connect or authenticate.
namespace ScanCli {
int run(const QStringList &arguments, FILE *out, FILE *err);

// The three key formats, exposed for tests.
QByteArray formatQuoted(const QByteArray &key); // redis-cli style: "a\x00b\n"
QByteArray formatHex(const QByteArray &key);
} // namespace ScanCli
