#pragma once

#include <QByteArrayView>
#include <QString>

// How key bytes are shown. Valid, printable UTF-8 is shown as text; everything that could hide or disguise what a key
// holds is escaped: control bytes (\n, \t, \x00...), invalid UTF-8 (\xff), and invisible or reordering characters
// such as bidi controls (\u{202E}) and characters that pass for others (a non-breaking space). It is the single-line
// form of EditableText, so what is shown can be typed back (the rename form does) and read as the same bytes. Actions
// always use the raw bytes, never this text.
namespace KeyDisplay {
QString escape(QByteArrayView bytes);
}
