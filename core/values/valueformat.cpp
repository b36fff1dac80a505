#include "valueformat.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QStringDecoder>

#include <cmath>

bool ValueFormat::isBinary(QByteArrayView bytes)
{
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f)
            return true;
    }
    // A stateful decoder keeps an incomplete trailing sequence as state instead of calling it an error.
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);
    Q_UNUSED(text)
    return decoder.hasError();
}

QString ValueFormat::hexDump(QByteArrayView bytes, qint64 offset)
{
    static const char digits[] = "0123456789abcdef";
    QString out;
    const qsizetype lines = (bytes.size() + 15) / 16;
    out.reserve(lines * 78);
    for (qsizetype line = 0; line < lines; ++line) {
        const qsizetype start = line * 16;
        out += QString::number(offset + start, 16).rightJustified(8, QLatin1Char('0'));
        out += QLatin1String("  ");
        QString ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (i == 8)
                out += QLatin1Char(' ');
            if (start + i < bytes.size()) {
                const auto u = static_cast<unsigned char>(bytes[start + i]);
                out += QLatin1Char(digits[u >> 4]);
                out += QLatin1Char(digits[u & 0xf]);
                out += QLatin1Char(' ');
                ascii += (u >= 0x20 && u < 0x7f) ? QLatin1Char(static_cast<char>(u)) : QLatin1Char('.');
            } else {
                out += QLatin1String("   ");
            }
        }
        out += QLatin1String(" |") + ascii + QLatin1String("|\n");
    }
    if (out.endsWith(QLatin1Char('\n')))
        out.chop(1);
    return out;
}

QString ValueFormat::prettyJson(QByteArrayView bytes)
{
    const QByteArray data = bytes.toByteArray();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError || document.isNull())
        return {};
    // The document is valid: re-indent its token stream, copying strings and numbers byte for byte.
    const QString text = QString::fromUtf8(data);
    QString out;
    out.reserve(text.size() * 2);
    int depth = 0;
    bool inString = false;
    const auto newline = [&out](int level) {
        out += QLatin1Char('\n');
        out += QString(level * 2, QLatin1Char(' '));
    };
    const auto nextSignificant = [&text](qsizetype from) {
        while (from < text.size() && text.at(from).isSpace())
            ++from;
        return from < text.size() ? text.at(from) : QChar();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            out += c;
            if (c == QLatin1Char('\\') && i + 1 < text.size())
                out += text.at(++i);
            else if (c == QLatin1Char('"'))
                inString = false;
            continue;
        }
        if (c.isSpace())
            continue;
        switch (c.unicode()) {
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            out += c;
            const QChar next = nextSignificant(i + 1);
            if (next == QLatin1Char('}') || next == QLatin1Char(']')) {
                out += next; // "{}" and "[]" stay on one line
                i = text.indexOf(next, i + 1);
            } else {
                newline(++depth);
            }
            break;
        }
        case '}':
        case ']':
            newline(--depth);
            out += c;
            break;
        case ',':
            out += c;
            newline(depth);
            break;
        case ':':
            out += QLatin1String(": ");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray ValueFormat::score(double value)
{
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    const double magnitude = std::fabs(value);
    const char format = value == 0 || (magnitude >= 1e-6 && magnitude < 1e16) ? 'f' : 'g';
    return QByteArray::number(value, format, QLocale::FloatingPointShortest);
}
