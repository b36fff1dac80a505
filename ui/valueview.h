#pragma once

#include "values/valuepager.h"

#include <QWidget>

#include <optional>

class JsonHighlighter;
class KeyActions;
class MasterLink;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTimer;
class ValueModel;

// The value of the selected key.
//  - A string is read with GETRANGE, a mebibyte at a time ("Load more" for the rest), and shown as text, as JSON
//    (re-indented and coloured) when it is JSON, or as a hex dump when it is binary; the mode can be chosen.
//  - A collection is a table (ValueModel) that pages as the user scrolls; the filter is a Redis glob, sent to the
//    server where it can filter (HSCAN/SSCAN/ZSCAN MATCH). Selecting a row shows its whole value below the table.
// Buttons add, edit and remove elements through KeyActions; they are disabled in read-only mode.
class ValueView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValueView)

public:
    enum class StringMode { Auto, Text, Json, Hex };
    Q_ENUM(StringMode)

    ValueView(MasterLink *link, KeyActions *actions, QWidget *parent = nullptr);
    ~ValueView() override;

    void showKey(const QByteArray &key, ValueType type);
    // The size in elements (or bytes, for a string) when known, for "200 of 100,000 fields".
    void setTotal(qint64 total);
    void clear();
    void reload();

    // The key was found gone (it expired, or was deleted elsewhere): its edit buttons are disabled with `reason` as
    // their tooltip, the status says it, and Reload and the filter read nothing until showKey() is called again.
    void setGone(const QString &reason);
    QString goneReason() const { return m_gone; }

    void setFilter(const QString &pattern);
    void setStringMode(StringMode mode);

    // For tests: what the user sees.
    ValueModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QString stringText() const;
    QString statusText() const;
    QString previewText() const;
    StringMode shownStringMode() const { return m_shownMode; }
    QByteArray stringBytes() const { return m_string; }
    // The whole string was read, with no failure on the way: only then can it be edited as a whole.
    bool isStringComplete() const { return !m_stringPager || m_stringPager->isComplete(); }
    QPushButton *button(const QString &name) const;
    QByteArray key() const { return m_key; }
    bool isLoading() const;

Q_SIGNALS:
    // A page (or the whole value) arrived.
    void valueLoaded();

private:
    void loadStringPage();
    void renderString();
    void updateStatus();
    void updateButtons();
    void updatePreview();
    int selectedRow() const;
    QString unit(qint64 n) const; // "fields", or "field" for one

    MasterLink *m_link;
    KeyActions *m_actions;
    QByteArray m_key;
    ValueType m_type = ValueType::Other;
    qint64 m_total = -1;
    quint64 m_generation = 0;

    QLineEdit *m_filter = nullptr;
    QTimer *m_filterTimer = nullptr;
    QComboBox *m_mode = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_more = nullptr;
    QPushButton *m_reload = nullptr;
    QStackedWidget *m_stack = nullptr;
    QPlainTextEdit *m_text = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_preview = nullptr;
    ValueModel *m_model = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_edit = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_copy = nullptr;

    std::optional<ValuePager> m_stringPager;
    QByteArray m_string;
    bool m_stringLoading = false;
    QString m_stringError;
    QString m_gone;
    StringMode m_shownMode = StringMode::Text;
};
