#pragma once

#include <QByteArrayView>
#include <QString>

// How key bytes are shown. Valid, printable UTF-8 is shown as text; everything that could hide or disguise what a key
// holds is escaped: control bytes (\n, \t, \x00...), invalid UTF-8 (\xff), and every control, format or separator
// character, such as bidi controls (\u{202E}) and zero-width ones (\u{200B}). Actions always use the raw bytes,
// never this text.
namespace KeyDisplay {
QString escape(QByteArrayView bytes);
}
