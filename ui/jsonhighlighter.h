#pragma once

#include <QSyntaxHighlighter>

// Colours pretty-printed JSON: member names, strings, numbers, and true/false/null. It works line by line on the
// output of ValueFormat::prettyJson, where a string never spans lines.
class JsonHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonHighlighter)

public:
    explicit JsonHighlighter(QTextDocument *document);
    ~JsonHighlighter() override;

    void setEnabled(bool enabled);

protected:
    void highlightBlock(const QString &text) override;

private:
    bool m_enabled = false;
};
