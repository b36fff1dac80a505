#include "valueview.h"

#include "jsonhighlighter.h"
#include "keyactions.h"
#include "keydisplay.h"
#include "plural.h"
#include "sentinel/masterlink.h"
#include "valuemodel.h"
#include "values/valueformat.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

namespace {
QString dataSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

// Text for a QPlainTextEdit: a line of a megabyte would be laid out as one block, which takes minutes. Long lines are
// broken every few thousand characters for display; the value itself (copy, edit) is never touched.
QString displayable(const QString &text)
{
    constexpr qsizetype piece = 2000;
    qsizetype lineStart = 0;
    bool longLine = false;
    for (qsizetype i = 0; i < text.size() && !longLine; ++i) {
        if (text.at(i) == QLatin1Char('\n'))
            lineStart = i + 1;
        else if (i - lineStart >= piece)
            longLine = true;
    }
    if (!longLine)
        return text;
    QString out;
    out.reserve(text.size() + text.size() / piece + 1);
    qsizetype column = 0;
    for (const QChar c : text) {
        if (c == QLatin1Char('\n')) {
            column = 0;
        } else if (column == piece) {
            out += QLatin1Char('\n'); // a block each: QPlainTextEdit lays out only the blocks it shows
            column = 0;
        }
        out += c;
        ++column;
    }
    return out;
}

// The whole of one value, for the text areas: JSON re-indented, binary as a hex dump, text as it is.
QString fullText(const QByteArray &bytes, ValueView::StringMode mode, qint64 offset, ValueView::StringMode *shown)
{
    if (mode == ValueView::StringMode::Auto || mode == ValueView::StringMode::Json) {
        if (const QString json = ValueFormat::prettyJson(bytes); !json.isNull()) {
            *shown = ValueView::StringMode::Json;
            return json;
        }
    }
    if (mode == ValueView::StringMode::Hex || (mode == ValueView::StringMode::Auto && ValueFormat::isBinary(bytes))) {
        *shown = ValueView::StringMode::Hex;
        return ValueFormat::hexDump(bytes, offset);
    }
    *shown = ValueView::StringMode::Text;
    return QString::fromUtf8(bytes);
}
} // namespace

ValueView::ValueView(MasterLink *link, KeyActions *actions, QWidget *parent)
    : QWidget(parent)
    , m_link(link)
    , m_actions(actions)
    , m_filterTimer(new QTimer(this))
    , m_model(new ValueModel(link, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *bar = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("valueFilter"));
    m_filter->setPlaceholderText(tr("Filter (glob, e.g. user:*)"));
    m_filter->setClearButtonEnabled(true);
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("stringMode"));
    m_mode->addItem(tr("Auto"), QVariant::fromValue(StringMode::Auto));
    m_mode->addItem(tr("Text"), QVariant::fromValue(StringMode::Text));
    m_mode->addItem(tr("JSON"), QVariant::fromValue(StringMode::Json));
    m_mode->addItem(tr("Hex"), QVariant::fromValue(StringMode::Hex));
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setObjectName(QStringLiteral("valueStatus"));
    m_more = new QPushButton(tr("Load more"), this);
    m_more->setObjectName(QStringLiteral("loadMore"));
    m_reload = new QPushButton(tr("Reload"), this);
    m_reload->setObjectName(QStringLiteral("reload"));
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_mode);
    bar->addWidget(m_status, 1);
    bar->addWidget(m_more);
    bar->addWidget(m_reload);
    layout->addLayout(bar);

    m_stack = new QStackedWidget(this);
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_text = new QPlainTextEdit(m_stack);
    m_text->setObjectName(QStringLiteral("stringText"));
    m_text->setReadOnly(true);
    m_text->setFont(fixed);
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_highlighter = new JsonHighlighter(m_text->document(), m_text);
    m_stack->addWidget(m_text);

    auto *split = new QSplitter(Qt::Vertical, m_stack);
    m_table = new QTableView(split);
    m_table->setObjectName(QStringLiteral("valueTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultSectionSize(220);
    m_preview = new QPlainTextEdit(split);
    m_preview->setObjectName(QStringLiteral("cellPreview"));
    m_preview->setReadOnly(true);
    m_preview->setFont(fixed);
    m_preview->setPlaceholderText(tr("Select a row to see its whole value."));
    split->addWidget(m_table);
    split->addWidget(m_preview);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    m_stack->addWidget(split);
    layout->addWidget(m_stack, 1);

    auto *buttons = new QHBoxLayout;
    m_add = new QPushButton(tr("Add…"), this);
    m_add->setObjectName(QStringLiteral("addElement"));
    m_edit = new QPushButton(tr("Edit…"), this);
    m_edit->setObjectName(QStringLiteral("editElement"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setObjectName(QStringLiteral("removeElement"));
    m_copy = new QPushButton(tr("Copy value"), this);
    m_copy->setObjectName(QStringLiteral("copyValue"));
    buttons->addWidget(m_add);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    buttons->addWidget(m_copy);
    layout->addLayout(buttons);

    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(300);
    connect(m_filter, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        m_filterTimer->stop();
        reload();
    });
    connect(m_filterTimer, &QTimer::timeout, this, &ValueView::reload);
    connect(m_link, &MasterLink::writeAccessChanged, this, &ValueView::updateButtons);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &ValueView::renderString);
    connect(m_more, &QPushButton::clicked, this, [this] {
        if (m_type == ValueType::String)
            loadStringPage();
        else
            m_model->loadMore();
    });
    connect(m_reload, &QPushButton::clicked, this, &ValueView::reload);
    connect(m_model, &ValueModel::pageLoaded, this, [this] {
        updateStatus();
        Q_EMIT valueLoaded();
    });
    connect(m_model, &ValueModel::loadFailed, this, [this] {
        updateStatus();
        Q_EMIT valueLoaded();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ValueView::updatePreview);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updatePreview();
        updateButtons();
    });
    connect(m_table, &QAbstractItemView::doubleClicked, m_edit, &QPushButton::click);
    // Scrolling to the end reads the next page.
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (value > 0 && value == m_table->verticalScrollBar()->maximum())
            m_model->loadMore();
    });
    connect(m_add, &QPushButton::clicked, this, [this] { m_actions->addElement(m_key, m_type); });
    connect(m_edit, &QPushButton::clicked, this, [this] {
        if (m_type == ValueType::String)
            m_actions->editString(m_key, m_string);
        else if (const int row = selectedRow(); row >= 0)
            m_actions->editElement(m_key, m_type, m_model->valueRow(row));
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (const int row = selectedRow(); row >= 0)
            m_actions->removeElement(m_key, m_type, m_model->valueRow(row));
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (m_type == ValueType::String) {
            KeyActions::copyBytes(m_string);
        } else if (const int row = selectedRow(); row >= 0) {
            const int column = m_model->columnCount() - 1;
            KeyActions::copyBytes(
                m_model->index(row, m_type == ValueType::ZSet ? 0 : column).data(ValueModel::RawRole).toByteArray());
        }
    });
    clear();
}

ValueView::~ValueView() = default;

QPushButton *ValueView::button(const QString &name) const
{
    return findChild<QPushButton *>(name);
}

void ValueView::clear()
{
    ++m_generation;
    m_key.clear();
    m_gone.clear();
    m_type = ValueType::Other;
    m_total = -1;
    m_stringPager.reset();
    m_string.clear();
    m_stringError.clear();
    m_model->clear();
    m_text->clear();
    m_highlighter->setEnabled(false);
    m_stack->setCurrentIndex(0);
    m_filter->setVisible(false);
    m_mode->setVisible(false);
    m_stack->setVisible(false); // a namespace or nothing selected: no empty text area
    updateStatus();
    updateButtons();
}

void ValueView::showKey(const QByteArray &key, ValueType type)
{
    const bool sameKey = key == m_key && type == m_type;
    if (!sameKey) {
        QSignalBlocker block(m_filter);
        m_filter->clear();
    }
    ++m_generation;
    m_key = key;
    m_gone.clear();
    m_type = type;
    if (!sameKey)
        m_total = -1;
    m_string.clear();
    m_stringError.clear();
    m_stringPager.reset();
    const bool isString = type == ValueType::String;
    m_stack->setVisible(true);
    m_filter->setVisible(!isString && type != ValueType::Other);
    m_mode->setVisible(isString);
    m_stack->setCurrentIndex(isString ? 0 : 1);
    if (isString) {
        m_model->clear();
        m_stringPager.emplace(key, type);
        loadStringPage();
    } else if (type != ValueType::Other) {
        m_text->clear();
        m_model->load(key, type, m_filter->text().trimmed().toUtf8());
    } else {
        m_model->clear();
        m_text->setPlainText(tr("Vigil has no viewer for this type."));
    }
    updateStatus();
    updateButtons();
}

void ValueView::reload()
{
    if (!m_key.isEmpty() && m_gone.isEmpty())
        showKey(m_key, m_type);
}

void ValueView::setGone(const QString &reason)
{
    if (m_key.isEmpty())
        return;
    ++m_generation; // a page still on its way would read as an empty value
    m_stringLoading = false;
    m_gone = reason;
    updateStatus();
    updateButtons();
}

void ValueView::setTotal(qint64 total)
{
    m_total = total;
    if (m_stringPager)
        m_stringPager->setStringLength(total);
    updateStatus();
}

void ValueView::setFilter(const QString &pattern)
{
    m_filter->setText(pattern);
    m_filterTimer->stop();
    reload();
}

void ValueView::setStringMode(StringMode mode)
{
    m_mode->setCurrentIndex(m_mode->findData(QVariant::fromValue(mode)));
}

void ValueView::loadStringPage()
{
    if (!m_stringPager || m_stringPager->atEnd() || m_stringLoading)
        return;
    m_stringLoading = true;
    const quint64 generation = m_generation;
    m_link->send(m_stringPager->nextCommand(), [this, generation](const RespResult &result) {
        if (generation != m_generation || !m_stringPager)
            return;
        m_stringLoading = false;
        QList<ValueRow> rows;
        QString problem;
        if (result.error.isError())
            m_stringError = result.error.toString();
        else if (!m_stringPager->consume(result.value, &rows, &problem))
            m_stringError = tr("%1: reading the value failed: %2").arg(m_link->master().toString(), problem);
        else
            m_stringError.clear(); // "Load more" after a lost connection read the page after all
        const qsizetype before = m_string.size();
        for (const ValueRow &row : std::as_const(rows))
            m_string += row.value;
        const auto mode = m_mode->currentData().value<StringMode>();
        if (before > 0 && m_shownMode == StringMode::Hex && (mode == StringMode::Hex || mode == StringMode::Auto)) {
            // A later page of a hex dump: append its lines (pages are whole multiples of 16 bytes) instead of
            // rendering every page again, so each page costs the same.
            QTextCursor end(m_text->document());
            end.movePosition(QTextCursor::End);
            end.insertText(QLatin1Char('\n') + ValueFormat::hexDump(QByteArrayView(m_string).sliced(before), before));
        } else {
            renderString();
        }
        updateStatus();
        updateButtons();
        Q_EMIT valueLoaded();
    });
    updateStatus();
}

void ValueView::renderString()
{
    if (m_type != ValueType::String)
        return;
    if (!m_stringError.isEmpty() && m_string.isEmpty()) {
        m_highlighter->setEnabled(false);
        m_text->setPlainText(m_stringError);
        return;
    }
    const auto mode = m_mode->currentData().value<StringMode>();
    // Only a whole value can be JSON; a first page of a big one is shown as text (or hex).
    const StringMode asked = (mode == StringMode::Json || mode == StringMode::Auto) && !isStringComplete()
                                 ? (mode == StringMode::Json ? StringMode::Text : StringMode::Auto)
                                 : mode;
    StringMode shown = StringMode::Text;
    QString text;
    if (asked == StringMode::Auto && !isStringComplete()) {
        shown = ValueFormat::isBinary(m_string) ? StringMode::Hex : StringMode::Text;
        text = shown == StringMode::Hex ? ValueFormat::hexDump(m_string) : QString::fromUtf8(m_string);
    } else {
        text = fullText(m_string, asked, 0, &shown);
    }
    m_shownMode = shown;
    m_highlighter->setEnabled(shown == StringMode::Json);
    m_text->setLineWrapMode(shown == StringMode::Hex ? QPlainTextEdit::NoWrap : QPlainTextEdit::WidgetWidth);
    m_text->setPlainText(displayable(text));
}

int ValueView::selectedRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

QString ValueView::unit(qint64 n) const
{
    const bool one = n == 1;
    switch (m_type) {
    case ValueType::Hash:
        return one ? tr("field") : tr("fields");
    case ValueType::List:
        return one ? tr("element") : tr("elements");
    case ValueType::Stream:
        return one ? tr("entry") : tr("entries");
    default:
        return one ? tr("member") : tr("members");
    }
}

void ValueView::updateStatus()
{
    QString text;
    bool more = false;
    if (m_type == ValueType::String && m_stringPager) {
        const qint64 total = m_total >= 0 ? m_total : m_string.size();
        if (!m_stringError.isEmpty())
            text = m_stringError;
        else if (m_stringLoading && m_string.isEmpty())
            text = tr("Loading…");
        else if (isStringComplete())
            text = tr("%1").arg(countOf(m_string.size(), tr("byte"), tr("bytes")));
        else
            text = tr("%1 of %2 loaded").arg(dataSize(m_string.size()), dataSize(total));
        more = !m_stringPager->atEnd() && !m_stringLoading;
    } else if (m_type != ValueType::Other && !m_key.isEmpty()) {
        const QLocale locale;
        const qint64 shown = m_model->rowCount();
        if (!m_model->errorText().isEmpty())
            text = m_model->errorText();
        else if (m_model->isLoading() && shown == 0)
            text = tr("Loading…");
        else if (!m_model->pattern().isEmpty())
            text = m_model->atEnd() ? tr("%1 matching; all read").arg(locale.toString(shown))
                                    : tr("%1 matching so far (%2 of %3 read)")
                                          .arg(locale.toString(shown), locale.toString(m_model->fetched()),
                                               m_total >= 0 ? locale.toString(m_total) : tr("?"));
        else if (m_model->atEnd())
            text = tr("All %1 %2").arg(locale.toString(shown), unit(shown));
        else
            text = tr("%1 of %2 %3 loaded")
                       .arg(locale.toString(shown), m_total >= 0 ? locale.toString(m_total) : tr("?"), unit(m_total));
        more = !m_model->atEnd() && !m_model->isLoading();
    }
    if (!m_gone.isEmpty()) {
        text.clear(); // the key pane says it once, above; the buttons' tooltips say why they are off
        more = false;
    }
    m_status->setText(text);
    m_more->setEnabled(more);
    m_more->setVisible(!m_key.isEmpty());
    m_reload->setVisible(!m_key.isEmpty());
}

void ValueView::updateButtons()
{
    const bool writable = !m_actions->isReadOnly() && !m_key.isEmpty() && m_gone.isEmpty();
    const bool isString = m_type == ValueType::String;
    const bool collection = !isString && m_type != ValueType::Other && !m_key.isEmpty();
    const bool selected = collection && selectedRow() >= 0;
    m_add->setVisible(collection && m_type != ValueType::Stream);
    m_add->setEnabled(writable);
    m_edit->setVisible((collection && m_type != ValueType::Stream) || isString);
    const bool partial = isString && (!isStringComplete() || !m_stringError.isEmpty());
    m_edit->setEnabled(writable && (isString ? !partial && !m_string.isNull() : selected));
    m_remove->setVisible(collection);
    m_remove->setEnabled(writable && selected);
    m_copy->setVisible(isString || collection);
    m_copy->setEnabled(isString ? !m_string.isEmpty() : selected);
    const QString readOnly = m_gone.isEmpty() ? m_actions->readOnlyReason() : m_gone;
    for (QPushButton *b : {m_add, m_edit, m_remove})
        b->setToolTip(readOnly);
    if (!m_actions->isReadOnly() && m_gone.isEmpty() && isString && partial)
        m_edit->setToolTip(m_stringPager && m_stringPager->atEnd()
                               ? tr("Reading the value failed part way: reload it to edit it.")
                               : tr("Load the whole value to edit it."));
}

void ValueView::updatePreview()
{
    const int row = selectedRow();
    if (row < 0) {
        m_preview->clear();
        return;
    }
    QStringList parts;
    for (int column = 0; column < m_model->columnCount(); ++column) {
        const QByteArray raw = m_model->index(row, column).data(ValueModel::RawRole).toByteArray();
        const QString header = m_model->headerData(column, Qt::Horizontal).toString();
        if (m_type == ValueType::Stream && column == 1) {
            const ValueRow &entry = m_model->valueRow(row);
            for (qsizetype i = 0; i + 1 < entry.fields.size(); i += 2) {
                StringMode shown;
                parts.append(KeyDisplay::escape(entry.fields.at(i)) + QStringLiteral(":\n")
                             + fullText(entry.fields.at(i + 1), StringMode::Auto, 0, &shown));
            }
            continue;
        }
        StringMode shown;
        parts.append(header + QStringLiteral(":\n") + fullText(raw, StringMode::Auto, 0, &shown));
    }
    m_preview->setPlainText(displayable(parts.join(QStringLiteral("\n\n"))));
}

bool ValueView::isLoading() const
{
    return m_stringLoading || m_model->isLoading();
}

QString ValueView::stringText() const
{
    return m_text->toPlainText();
}

QString ValueView::statusText() const
{
    return m_status->text();
}

QString ValueView::previewText() const
{
    return m_preview->toPlainText();
}
