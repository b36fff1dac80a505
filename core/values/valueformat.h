#pragma once

#include <QByteArrayView>
#include <QString>

// How a value's bytes are turned into text for the viewers. Nothing here shortens or changes what is sent back to the
// server: edits always start from the raw bytes.
namespace ValueFormat {
// True when the bytes are not text a person can read: invalid UTF-8, or control bytes other than tab, newline and
// carriage return. A UTF-8 sequence cut off at the very end (a page boundary) does not count.
bool isBinary(QByteArrayView bytes);

// A classic hex dump, 16 bytes a line: "00000010  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a 00 01 02 03  |Hello
// world.....|". `offset` is the position of the first byte in the whole value, for pages after the first.
QString hexDump(QByteArrayView bytes, qint64 offset = 0);

// The value re-indented, when it is a JSON object or array; a null QString otherwise. Strings, numbers and the order
// of members are kept exactly as stored (a parse-and-serialise round trip would sort keys and round big integers).
QString prettyJson(QByteArrayView bytes);

// A sorted-set score as people write it: the shortest decimal that reads back as the same double ("91.7", where
// Redis 7.0 sends "91.700000000000003"), in plain notation from 1e-6 to 1e16 ("1000000000", not "1e+09"), and
// "inf"/"-inf" as Redis spells them.
QByteArray score(double value);
} // namespace ValueFormat
