#include "jsonhighlighter.h"

#include "theme.h"

#include <QEvent>
#include <QRegularExpression>
#include <QWidget>

namespace {
QTextCharFormat colored(Theme::Role role, const QPalette &palette, bool bold = false)
{
    QTextCharFormat format;
    format.setForeground(Theme::colour(role, palette));
    if (bold)
        format.setFontWeight(QFont::Bold);
    return format;
}
} // namespace

JsonHighlighter::JsonHighlighter(QTextDocument *document, QWidget *view)
    : QSyntaxHighlighter(document)
    , m_view(view)
    , m_dark(Theme::isDark(view->palette()))
{
    view->installEventFilter(this);
}

JsonHighlighter::~JsonHighlighter() = default;

void JsonHighlighter::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    rehighlight();
}

bool JsonHighlighter::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::PaletteChange) {
        const bool dark = Theme::isDark(m_view->palette());
        if (dark != m_dark) {
            m_dark = dark;
            if (m_enabled)
                rehighlight();
        }
    }
    return QSyntaxHighlighter::eventFilter(watched, event);
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    if (!m_enabled || !m_view)
        return;
    static const QRegularExpression token(
        QStringLiteral(R"re(("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|\b(true|false|null)\b)re"));
    const QPalette palette = m_view->palette();
    const QTextCharFormat name = colored(Theme::Role::Accent, palette, true);
    const QTextCharFormat string = colored(Theme::Role::Ok, palette);
    const QTextCharFormat number = colored(Theme::Role::Emphasis, palette);
    const QTextCharFormat keyword = colored(Theme::Role::Warning, palette, true);
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
