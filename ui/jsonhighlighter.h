#pragma once

#include <QPointer>
#include <QSyntaxHighlighter>

class QWidget;

// Colours pretty-printed JSON: member names, strings, numbers, and true/false/null. It works line by line on the
// output of ValueFormat::prettyJson, where a string never spans lines. The colours are Theme's, light or dark as the
// widget that shows the document is: it colours the text again when that widget's palette changes.
class JsonHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonHighlighter)

public:
    // view: the widget that shows the document, whose palette the colours are chosen for.
    JsonHighlighter(QTextDocument *document, QWidget *view);
    ~JsonHighlighter() override;

    void setEnabled(bool enabled);

protected:
    void highlightBlock(const QString &text) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPointer<QWidget> m_view;
    bool m_enabled = false;
    bool m_dark = false;
};
