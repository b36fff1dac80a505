#include "jsonhighlighter.h"

#include <QRegularExpression>

namespace {
QTextCharFormat colored(const char *color, bool bold = false)
{
    QTextCharFormat format;
    format.setForeground(QColor(QLatin1String(color)));
    if (bold)
        format.setFontWeight(QFont::Bold);
    return format;
}
} // namespace

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
}

JsonHighlighter::~JsonHighlighter() = default;

void JsonHighlighter::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    rehighlight();
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    if (!m_enabled)
        return;
    static const QRegularExpression token(
        QStringLiteral(R"re(("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|\b(true|false|null)\b)re"));
    static const QTextCharFormat name = colored("#268bd2", true);
    static const QTextCharFormat string = colored("#2aa198");
    static const QTextCharFormat number = colored("#d33682");
    static const QTextCharFormat keyword = colored("#b58900", true);
    for (auto it = token.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedLength(1) > 0)
            setFormat(static_cast<int>(m.capturedStart(1)), static_cast<int>(m.capturedLength(1)),
                      m.capturedLength(2) > 0 ? name : string);
        else if (m.capturedLength(3) > 0)
            setFormat(static_cast<int>(m.capturedStart(3)), static_cast<int>(m.capturedLength(3)), number);
        else
            setFormat(static_cast<int>(m.capturedStart(4)), static_cast<int>(m.capturedLength(4)), keyword);
    }
}
