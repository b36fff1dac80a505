#pragma once

#include <QByteArrayView>

// The order people expect of names: a run of ASCII digits compares by its value ("user:2" before "user:10"), every
// other byte as a byte, and when all else is equal, fewer leading zeros first. Equal only when the bytes are. The key
// tree sorts every namespace with it; it runs in every merge of a huge namespace, so its common case costs about what
// a byte compare does.
namespace NaturalOrder {
// <0, 0 or >0.
int compare(QByteArrayView a, QByteArrayView b);
} // namespace NaturalOrder
