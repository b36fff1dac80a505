#pragma once

#include <QChar>

namespace Utf8 {
// Decodes the UTF-8 sequence at p (n bytes available), strictly: no overlong forms, no surrogates, nothing above
// U+10FFFF. Returns its length in bytes with *c set, or 0 when the first byte does not start a valid sequence.
inline int decode(const unsigned char *p, qsizetype n, char32_t *c)
{
    if (n <= 0)
        return 0;
    const unsigned char b = p[0];
    if (b < 0x80) {
        *c = b;
        return 1;
    }
    int length = 0;
    char32_t value = 0;
    if (b >= 0xC2 && b <= 0xDF) {
        length = 2;
        value = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3;
        value = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4;
        value = b & 0x07;
    }
    if (length == 0 || length > n)
        return 0;
    for (int k = 1; k < length; ++k) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (p[k] & 0x3F);
    }
    if ((length == 3 && value < 0x800) || (length == 4 && (value < 0x10000 || value > 0x10FFFF))
        || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    *c = value;
    return length;
}

// Characters that hide or disguise text: every control, format or separator character (C0, C1, bidi controls and
// isolates, zero-width characters, the soft hyphen, tags, deprecated shaping controls such as U+206E, line and
// paragraph separators). By category, not by a list: a list of known offenders missed U+206E (fuzz_format found it).
inline bool isInvisibleOrReordering(char32_t c)
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
} // namespace Utf8
