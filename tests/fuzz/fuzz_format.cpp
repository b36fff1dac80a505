// How bytes become text: the hex dump must give back exactly the bytes it shows, binary detection must agree with
// what the bytes are, and an escaped key must give back its bytes and show nothing invisible or reordering.
//
// Input: the bytes (the first one also picks the hex dump's starting offset).
#include "fuzzcheck.h"
#include "keydisplay.h"
#include "values/valueformat.h"

namespace {
int hexDigit(QChar c)
{
    const char l = c.toLatin1();
    if (l >= '0' && l <= '9')
        return l - '0';
    if (l >= 'a' && l <= 'f')
        return l - 'a' + 10;
    return -1;
}

// Reads a hex dump back: per line the offset, then up to 16 "xx " cells (a gap after the eighth), then "|ascii|".
QByteArray readHexDump(const QString &dump, qint64 offset)
{
    QByteArray bytes;
    if (dump.isEmpty())
        return bytes;
    const QStringList lines = dump.split(QLatin1Char('\n'));
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString &line = lines.at(n);
        const qsizetype gap = line.indexOf(QLatin1String("  "));
        FUZZ_CHECK(gap >= 8, "no offset in line" << n << ":" << line);
        bool ok = false;
        const qint64 lineOffset = line.left(gap).toLongLong(&ok, 16);
        FUZZ_CHECK(ok && lineOffset == offset + 16 * n, "line" << n << "has offset" << line.left(gap));
        qsizetype at = gap + 2;
        QByteArray shown;
        for (int cell = 0; cell < 16; ++cell) {
            if (cell == 8)
                ++at;
            const int hi = hexDigit(line.at(at));
            const int lo = hexDigit(line.at(at + 1));
            if (hi < 0 || lo < 0)
                break;
            shown += static_cast<char>(hi * 16 + lo);
            at += 3;
        }
        const qsizetype bar = line.indexOf(QLatin1Char('|'), at);
        FUZZ_CHECK(bar >= 0 && line.endsWith(QLatin1Char('|')), "no ascii column in line" << n);
        const QString ascii = line.mid(bar + 1, line.size() - bar - 2);
        FUZZ_CHECK(ascii.size() == shown.size(), "line" << n << "shows" << shown.size() << "bytes but" << ascii);
        for (qsizetype i = 0; i < shown.size(); ++i) {
            const auto u = static_cast<unsigned char>(shown.at(i));
            const QChar expected = u >= 0x20 && u < 0x7f ? QLatin1Char(shown.at(i)) : QLatin1Char('.');
            FUZZ_CHECK(ascii.at(i) == expected, "line" << n << "ascii column" << ascii);
        }
        FUZZ_CHECK(shown.size() == 16 || n == lines.size() - 1, "a short line before the last");
        bytes += shown;
    }
    return bytes;
}

// KeyDisplay's escapes read back: \\ \n \r \t \xNN \u{N...}; anything else stands for its own UTF-8.
QByteArray unescape(const QString &text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c != QLatin1Char('\\')) {
            if (c.isHighSurrogate() && i + 1 < text.size())
                out += QStringView(text).mid(i++, 2).toUtf8();
            else
                out += QString(c).toUtf8();
            continue;
        }
        FUZZ_CHECK(i + 1 < text.size(), "a lone backslash at the end of" << text);
        const QChar kind = text.at(++i);
        if (kind == QLatin1Char('\\')) {
            out += '\\';
        } else if (kind == QLatin1Char('n')) {
            out += '\n';
        } else if (kind == QLatin1Char('r')) {
            out += '\r';
        } else if (kind == QLatin1Char('t')) {
            out += '\t';
        } else if (kind == QLatin1Char('x')) {
            FUZZ_CHECK(i + 2 < text.size(), "a cut \\x escape in" << text);
            bool ok = false;
            out += static_cast<char>(text.mid(i + 1, 2).toUInt(&ok, 16));
            FUZZ_CHECK(ok, "a bad \\x escape in" << text);
            i += 2;
        } else {
            FUZZ_CHECK(kind == QLatin1Char('u') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('{'),
                       "an unknown escape in" << text);
            const qsizetype close = text.indexOf(QLatin1Char('}'), i);
            FUZZ_CHECK(close > 0, "an unclosed \\u{ in" << text);
            bool ok = false;
            const char32_t code = text.mid(i + 2, close - i - 2).toUInt(&ok, 16);
            FUZZ_CHECK(ok, "a bad \\u{} escape in" << text);
            // Not QString::fromUcs4: it reads a leading U+FEFF as a byte order mark and drops it.
            out += QStringView(QChar::fromUcs4(code)).toUtf8();
            i = close;
        }
    }
    return out;
}

// Invalid sequences decode to U+FFFD, which encodes to other bytes.
bool isValidUtf8(QByteArrayView bytes)
{
    return QString::fromUtf8(bytes).toUtf8() == bytes;
}

// Bytes that UTF-8 never uses, wherever they stand.
bool hasNeverUtf8Byte(QByteArrayView bytes)
{
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u == 0xC0 || u == 0xC1 || u >= 0xF5)
            return true;
    }
    return false;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = fuzzBytes(data, size);

    const qint64 offset = size > 0 ? qint64(data[0]) << 26 : 0;
    const QString dump = ValueFormat::hexDump(bytes, offset);
    FUZZ_CHECK(readHexDump(dump, offset) == bytes, "the hex dump does not give back its bytes:" << dump);

    bool control = false;
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        control = control || (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
    }
    const bool binary = ValueFormat::isBinary(bytes);
    if (control)
        FUZZ_CHECK(binary, "control bytes shown as text:" << bytes);
    else if (isValidUtf8(bytes))
        FUZZ_CHECK(!binary, "valid UTF-8 shown as binary:" << bytes);
    else if (hasNeverUtf8Byte(bytes))
        FUZZ_CHECK(binary, "invalid UTF-8 shown as text:" << bytes);

    const QString shown = KeyDisplay::escape(bytes);
    FUZZ_CHECK(unescape(shown) == bytes, "the escaped key does not give back its bytes:" << bytes << "->" << shown);
    for (qsizetype i = 0; i < shown.size(); ++i) {
        const uint code = shown.at(i).isHighSurrogate() && i + 1 < shown.size()
                              ? QChar::surrogateToUcs4(shown.at(i), shown.at(i + 1))
                              : shown.at(i).unicode();
        const QChar::Category category = QChar::category(code);
        // What cannot be seen, or moves what follows: control and format characters, line and paragraph separators.
        FUZZ_CHECK(category != QChar::Other_Control && category != QChar::Other_Format
                       && category != QChar::Separator_Line && category != QChar::Separator_Paragraph,
                   "U+" << QString::number(code, 16) << "shown unescaped in" << shown);
        if (code > 0xFFFF)
            ++i;
    }
    return 0;
}
