#include "keydisplay.h"

namespace {
// Control and format characters (C0, C1, bidi controls and isolates, zero-width characters, soft hyphen, tags,
// deprecated shaping controls such as U+206E) and the line and paragraph separators: none shows as what it is, and
// some reorder or break what follows. A list of known offenders missed U+206E, which fuzz_format found.
bool isInvisibleOrReordering(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

void appendHexByte(QString &out, unsigned char b)
{
    static const char digits[] = "0123456789abcdef";
    out += QLatin1String("\\x");
    out += QLatin1Char(digits[b >> 4]);
    out += QLatin1Char(digits[b & 0xf]);
}
} // namespace

QString KeyDisplay::escape(QByteArrayView bytes)
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
                out += QLatin1String("\\n");
                break;
            case '\r':
                out += QLatin1String("\\r");
                break;
            case '\t':
                out += QLatin1String("\\t");
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
        // Decode one UTF-8 sequence, strictly: no overlongs, no surrogates, nothing above U+10FFFF.
        int length = 0;
        char32_t c = 0;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
            c = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            c = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            c = b & 0x07;
        }
        bool valid = length > 0 && i + length <= n;
        for (int k = 1; valid && k < length; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                valid = false;
            else
                c = (c << 6) | (p[i + k] & 0x3F);
        }
        if (valid) {
            if ((length == 3 && c < 0x800) || (length == 4 && (c < 0x10000 || c > 0x10FFFF))
                || (c >= 0xD800 && c <= 0xDFFF))
                valid = false;
        }
        if (!valid) {
            appendHexByte(out, b);
            ++i;
            continue;
        }
        if (isInvisibleOrReordering(c))
            out += QLatin1String("\\u{")
                   + QString::number(static_cast<uint>(c), 16).toUpper().rightJustified(4, QLatin1Char('0'))
                   + QLatin1Char('}');
        else
            out += QString::fromUcs4(&c, 1);
        i += length;
    }
    return out;
}
