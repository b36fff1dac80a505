#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <optional>

// Text a user can edit that stands for a value's exact bytes. Qt's text boxes change some bytes on the way in or out:
// QPlainTextEdit turns CR and CRLF, U+2028 and U+2029 into line feeds and non-breaking spaces into spaces, QLineEdit
// cuts long text, and neither holds invalid UTF-8 or NUL. A value with such bytes is edited in this escaped form,
// which every text box keeps as it is:
//   \\ a backslash, \r \n \t (single-line form) the control characters, \xNN any byte, \u{XXXX} a character that a
//   text box would change or that cannot be seen (non-breaking space, line and paragraph separators, C1 controls,
//   zero-width and bidi characters);
// everything else is the UTF-8 text it is. unescape(escape(b)) == b for every byte string b.
namespace EditableText {
// `multiLine`: line feeds and tabs stay as they are (for a multi-line box); otherwise they are escaped too.
QString escape(QByteArrayView bytes, bool multiLine);
// The bytes the escaped text stands for; nothing, with *why set, for an escape that means nothing ("\q at character
// 12 is not an escape: type \\ for a backslash").
std::optional<QByteArray> unescape(QStringView text, QString *why = nullptr);
// What in `bytes` a plain text box would not keep, in words ("carriage returns and bytes that are not UTF-8"); empty
// when there is nothing. Only a description: whether a box keeps a value is decided by trying it.
QString whatNeedsEscaping(QByteArrayView bytes);
} // namespace EditableText
