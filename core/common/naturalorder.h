#pragma once

#include <QByteArrayView>

// The order people expect of names: a run of ASCII digits compares by its value ("user:2" before "user:10",
// "item9" before "item10"), every other byte as a byte, and when all else is equal, fewer leading zeros first. Equal
// only when the bytes are. The key tree sorts every namespace with it; it runs in every merge of a huge namespace, so
// its common case costs about what a byte compare does.
//
// Except in hex IDs: in a word (a run of ASCII letters and digits) of at least hexWordLength hex digits, with a letter
// and a digit among them ("3fa2b1c9", a UUID's first group, a SHA-1), digits are bytes like the letters around them,
// so such IDs keep plain byte order among themselves; by value, "a9f0…" would sort after "a12f…". A number sorts
// before the digits of a hex word, and otherwise where its first digit would (after ':' and '/', before letters):
// each string is cut into tokens on its own, so the order stays total.
namespace NaturalOrder {
inline constexpr qsizetype hexWordLength = 6;

// <0, 0 or >0.
int compare(QByteArrayView a, QByteArrayView b);

// The value of a name that is all ASCII digits (at most 18 of them), else -1. Two such names of different values
// compare as their values do, which a sort of many numeric IDs can use to compare without reading the names again;
// equal values (leading zeros) still need compare().
qint64 valueOf(QByteArrayView name);
} // namespace NaturalOrder
