#include "editabletext.h"

#include "common/utf8.h"

#include <QStringList>

namespace {
// Characters a text box changes on the way in or out, or that hold special meaning to Qt's text document.
bool changedByTextBoxes(char32_t c)
{
    return c == 0xA0 || c == 0x2028 || c == 0x2029                   // NBSP, line and paragraph separators
           || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE // noncharacters (Qt marks frames with some)
           || c == 0xFFFC;                                           // object replacement
}

void appendHexByte(QString &out, unsigned char b)
{
    static const char digits[] = "0123456789abcdef";
    out += QLatin1String("\\x");
    out += QLatin1Char(digits[b >> 4]);
    out += QLatin1Char(digits[b & 0xf]);
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    if (u >= 'A' && u <= 'F')
        return u - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray &out, char32_t c)
{
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}
} // namespace

QString EditableText::escape(QByteArrayView bytes, bool multiLine)
{
    QString out;
    out.reserve(bytes.size());
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const unsigned char b = p[i];
        if (b < 0x80) {
            switch (b) {
            case '\n':
                out += multiLine ? QStringLiteral("\n") : QStringLiteral("\\n");
                break;
            case '\r':
                out += QLatin1String("\\r");
                break;
            case '\t':
                out += multiLine ? QStringLiteral("\t") : QStringLiteral("\\t");
                break;
            case '\\':
                out += QLatin1String("\\\\");
                break;
            default:
                if (b < 0x20 || b == 0x7f)
                    appendHexByte(out, b);
                else
                    out += QLatin1Char(static_cast<char>(b));
            }
            ++i;
            continue;
        }
        char32_t c = 0;
        const int length = Utf8::decode(p + i, n - i, &c);
        if (length == 0) {
            appendHexByte(out, b);
            ++i;
            continue;
        }
        if (Utf8::isInvisibleOrReordering(c) || changedByTextBoxes(c))
            out += QLatin1String("\\u{")
                   + QString::number(static_cast<uint>(c), 16).toUpper().rightJustified(4, QLatin1Char('0'))
                   + QLatin1Char('}');
        else
            out += QChar::fromUcs4(c); // QString::fromUcs4 would drop a U+FEFF as a byte order mark
        i += length;
    }
    return out;
}

std::optional<QByteArray> EditableText::unescape(QStringView text, QString *why)
{
    const auto fail = [why](qsizetype at, const QString &what) -> std::optional<QByteArray> {
        if (why)
            *why = QStringLiteral("%1 at character %2").arg(what).arg(at + 1);
        return std::nullopt;
    };
    QByteArray out;
    out.reserve(text.size());
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n;) {
        const QChar ch = text.at(i);
        if (ch != QLatin1Char('\\')) {
            // Literal text: its UTF-8, one character (or surrogate pair) at a time.
            char32_t c = ch.unicode();
            qsizetype used = 1;
            if (ch.isHighSurrogate() && i + 1 < n && text.at(i + 1).isLowSurrogate()) {
                c = QChar::surrogateToUcs4(ch, text.at(i + 1));
                used = 2;
            } else if (ch.isSurrogate()) {
                return fail(i, QStringLiteral("a broken character"));
            }
            appendUtf8(out, c);
            i += used;
            continue;
        }
        if (i + 1 >= n)
            return fail(i, QStringLiteral("a lone \\ at the end: type \\\\ for a backslash"));
        const QChar kind = text.at(i + 1);
        switch (kind.unicode()) {
        case '\\':
            out += '\\';
            i += 2;
            break;
        case 'n':
            out += '\n';
            i += 2;
            break;
        case 'r':
            out += '\r';
            i += 2;
            break;
        case 't':
            out += '\t';
            i += 2;
            break;
        case 'x': {
            const int high = i + 2 < n ? hexValue(text.at(i + 2)) : -1;
            const int low = i + 3 < n ? hexValue(text.at(i + 3)) : -1;
            if (high < 0 || low < 0)
                return fail(i, QStringLiteral("\\x needs two hex digits (\\x00 to \\xff)"));
            out += static_cast<char>((high << 4) | low);
            i += 4;
            break;
        }
        case 'u': {
            if (i + 2 >= n || text.at(i + 2) != QLatin1Char('{'))
                return fail(i, QStringLiteral("\\u needs a code point in braces, like \\u{00A0}"));
            qsizetype j = i + 3;
            char32_t c = 0;
            int digits = 0;
            for (; j < n && text.at(j) != QLatin1Char('}'); ++j) {
                const int v = hexValue(text.at(j));
                if (v < 0 || ++digits > 6)
                    return fail(i, QStringLiteral("\\u{…} holds one to six hex digits"));
                c = (c << 4) | char32_t(v);
            }
            if (j >= n || digits == 0)
                return fail(i, QStringLiteral("\\u needs a code point in braces, like \\u{00A0}"));
            if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                return fail(i, QStringLiteral("\\u{%1} is not a character").arg(QString::number(uint(c), 16)));
            appendUtf8(out, c);
            i = j + 1;
            break;
        }
        default:
            return fail(i, QStringLiteral("\\%1 is not an escape (type \\\\ for a backslash)").arg(kind));
        }
    }
    return out;
}

QString EditableText::whatNeedsEscaping(QByteArrayView bytes)
{
    bool cr = false, nul = false, control = false, invalid = false, changed = false, invisible = false;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const unsigned char b = p[i];
        if (b < 0x80) {
            cr = cr || b == '\r';
            nul = nul || b == 0;
            control = control || ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0) || b == 0x7f);
            ++i;
            continue;
        }
        char32_t c = 0;
        const int length = Utf8::decode(p + i, n - i, &c);
        if (length == 0) {
            invalid = true;
            ++i;
            continue;
        }
        // One reason per character: a line separator is one a text box changes, not also an invisible one.
        const bool changes = changedByTextBoxes(c);
        changed = changed || changes;
        invisible = invisible || (!changes && Utf8::isInvisibleOrReordering(c));
        i += length;
    }
    QStringList parts;
    if (cr)
        parts << QStringLiteral("carriage returns");
    if (nul)
        parts << QStringLiteral("NUL bytes");
    if (control)
        parts << QStringLiteral("control bytes");
    if (invalid)
        parts << QStringLiteral("bytes that are not UTF-8");
    if (changed)
        parts << QStringLiteral("non-breaking spaces or line separators");
    if (invisible)
        parts << QStringLiteral("invisible characters");
    if (parts.isEmpty())
        return {};
    const QString last = parts.takeLast();
    return parts.isEmpty() ? last : parts.join(QStringLiteral(", ")) + QStringLiteral(" and ") + last;
}
