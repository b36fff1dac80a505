#pragma once

#include <QByteArrayView>

// Redis's glob syntax (SCAN MATCH, KEYS): `*`, `?`, `[abc]`, `[^a-z]` and `\` to escape, matched byte by byte, with
// Redis's answers in the odd corners too (`[]`, `[a-]`, ranges over bytes above 0x7f: see glob.cpp). Vigil uses it
// where the server cannot filter for us (list elements, stream fields), so that one pattern means the same thing in
// every viewer.
namespace Glob {
bool match(QByteArrayView pattern, QByteArrayView text);
}
