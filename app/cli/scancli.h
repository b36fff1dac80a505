#pragma once

#include <QByteArrayView>
#include <QStringList>

#include <cstdio>
#include <string>

// The vigil-scan command line (DESIGN.md, "CLI contract"). Keys go to `out` (raw bytes, so a FILE*); messages and
// --events JSON lines go to `err`. Returns the exit status: 0 scan complete, 1 failed after it started, 2 usage error,
// 3 could not resolve, connect or authenticate.
namespace ScanCli {
int run(const QStringList &arguments, FILE *out, FILE *err);

// The three key formats. appendKey writes the key and a newline at the end of `line`.
enum class Format { Plain, Quoted, Hex };
void appendKey(std::string &line, QByteArrayView key, Format format);
QByteArray formatQuoted(QByteArrayView key); // redis-cli style: "a\x00b\n"
} // namespace ScanCli
