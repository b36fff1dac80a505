#include "keyactions.h"

#include "keydisplay.h"
#include "plural.h"
#include "sentinel/masterlink.h"
#include "values/duration.h"
#include "values/editabletext.h"
#include "values/valueformat.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>
#include <QValidator>

#include <limits>
#include <utility>

namespace {
QString quoted(const QByteArray &bytes)
{
    return QStringLiteral("“%1”").arg(KeyDisplay::escape(bytes.left(200))
                                      + (bytes.size() > 200 ? QStringLiteral("…") : QString()));
}

// Accepts what Duration reads; anything else keeps OK disabled.
class DurationValidator final : public QValidator
{
public:
    using QValidator::QValidator;
    State validate(QString &input, int &) const override
    {
        return Duration::parseSeconds(input) ? Acceptable : Intermediate;
    }
};

// A small form for one edit: each field has an objectName, so tests can fill it like a user would.
//
// A field shows the exact bytes it was given or it is not editable: its text is read back from the editor right away,
// and if the editor changed anything (CR, a non-breaking space, invalid UTF-8) or the bytes hold what cannot be seen
// (NUL, bidi controls), the field switches to EditableText's escaped form, with a note saying why; if even that does
// not come back as the same bytes, the field is read-only and OK stays off.
class EditForm final : public QDialog
{
public:
    enum class Kind { Line, Text, Seconds, Score };

    EditForm(QWidget *parent, const QString &title, const QString &explanation, const QString &okText)
        : QDialog(parent)
        , m_form(new QFormLayout)
    {
        setObjectName(QStringLiteral("editForm"));
        setWindowTitle(title);
        auto *layout = new QVBoxLayout(this);
        layout->setSizeConstraint(QLayout::SetMinimumSize); // grows when a hint wraps to a second line
        auto *label = new QLabel(explanation, this);
        label->setObjectName(QStringLiteral("explanation"));
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        layout->addWidget(label);
        layout->addLayout(m_form);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        m_ok = buttons->button(QDialogButtonBox::Ok);
        m_ok->setText(okText);
        m_ok->setObjectName(QStringLiteral("okButton"));
        connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        layout->addWidget(buttons);
        resize(520, sizeHint().height());
    }

    // Ctrl+Enter in a multi-line box presses OK (Enter there starts a new line), when OK is enabled.
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const auto *key = static_cast<QKeyEvent *>(event);
            if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
                && (key->modifiers() & Qt::ControlModifier)) {
                if (m_ok->isEnabled())
                    accept();
                return true;
            }
        }
        return QDialog::eventFilter(watched, event);
    }

    void showEvent(QShowEvent *event) override
    {
        QDialog::showEvent(event);
        // Word-wrapped hints need their height at the dialog's width, which is known only now: without this, a long
        // hint is drawn over the field above it.
        if (layout()->hasHeightForWidth())
            resize(width(), qMax(height(), layout()->totalHeightForWidth(width())));
    }

    // An edit form: OK stays off until a field differs from what it was opened with.
    void requireChange() { m_requireChange = true; }

    // `required`: OK stays off while the field is empty (a key's new name, a hash field's name, a member).
    void addField(const QString &name, const QString &label, Kind kind, const QByteArray &initial = {},
                  bool readOnly = false, bool required = false)
    {
        Field field;
        field.kind = kind;
        field.initial = initial;
        field.required = required;
        QLineEdit *line = nullptr;
        if (kind == Kind::Text) {
            auto *text = new QPlainTextEdit(this);
            text->setMinimumHeight(160);
            text->installEventFilter(this);
            text->setToolTip(tr("Enter starts a new line; Ctrl+Enter: %1.").arg(m_ok->text().remove(QLatin1Char('&'))));
            field.editor = text;
        } else {
            line = new QLineEdit(this);
            line->setMaxLength(std::numeric_limits<int>::max()); // QLineEdit cuts text at 32767 characters otherwise
            if (kind == Kind::Seconds)
                line->setValidator(new DurationValidator(line));
            if (kind == Kind::Score)
                line->setValidator(new QRegularExpressionValidator(
                    QRegularExpression(QStringLiteral("[-+]?(inf|[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?)")), line));
            field.editor = line;
        }
        field.editor->setObjectName(name);
        m_form->addRow(label, field.editor);
        setText(field, QString::fromUtf8(initial));
        // Escaped when the editor would change the bytes, and when it would hide them (NUL, bidi controls).
        if (text(field).toUtf8() != initial || !EditableText::whatNeedsEscaping(initial).isEmpty()) {
            field.escaped = true;
            setText(field, EditableText::escape(initial, kind == Kind::Text));
            if (EditableText::unescape(text(field)) != initial)
                field.broken = true;
        }
        setReadOnly(field, readOnly || field.broken);
        if (field.escaped || kind == Kind::Seconds) {
            // What was understood, or why it cannot be; for escaped text, why it is shown that way.
            field.hint = new QLabel(this);
            field.hint->setObjectName(name + QStringLiteral("Hint"));
            field.hint->setTextFormat(Qt::PlainText);
            field.hint->setWordWrap(true);
            m_form->addRow(QString(), field.hint);
        }
        if (m_fields.isEmpty() && !readOnly && !field.broken) {
            // Typing goes to the first field, not to the OK button.
            field.editor->setFocus();
            if (line)
                line->selectAll();
        }
        m_fields.insert(name, field);
        if (line)
            connect(line, &QLineEdit::textChanged, this, &EditForm::update);
        else
            connect(static_cast<QPlainTextEdit *>(field.editor), &QPlainTextEdit::textChanged, this, &EditForm::update);
        update();
    }

    QByteArray value(const QString &name) const
    {
        const Field field = m_fields.value(name);
        if (!field.editor)
            return {};
        if (field.escaped)
            return EditableText::unescape(text(field)).value_or(field.initial);
        return text(field).toUtf8();
    }

    bool acceptable(const QString &name) const { return problem(m_fields.value(name)).isNull(); }

private:
    struct Field
    {
        Kind kind = Kind::Line;
        QWidget *editor = nullptr;
        QLabel *hint = nullptr;
        QByteArray initial;
        bool escaped = false;  // shown in EditableText's escaped form
        bool broken = false;   // not even that shows the bytes as they are: read-only
        bool required = false; // must not be empty
    };

    static QString text(const Field &field)
    {
        if (auto *text = qobject_cast<QPlainTextEdit *>(field.editor))
            return text->toPlainText();
        return static_cast<QLineEdit *>(field.editor)->text();
    }

    static void setText(const Field &field, const QString &value)
    {
        if (auto *text = qobject_cast<QPlainTextEdit *>(field.editor))
            text->setPlainText(value);
        else
            static_cast<QLineEdit *>(field.editor)->setText(value);
    }

    static void setReadOnly(const Field &field, bool readOnly)
    {
        if (auto *text = qobject_cast<QPlainTextEdit *>(field.editor))
            text->setReadOnly(readOnly);
        else
            static_cast<QLineEdit *>(field.editor)->setReadOnly(readOnly);
    }

    // Null when the field's text is acceptable; otherwise why not, in words (empty when it needs no words).
    static QString problem(const Field &field)
    {
        if (field.broken)
            return tr("This value cannot be shown in an editor without changing it; copy it instead.");
        if (field.required && text(field).isEmpty())
            return QStringLiteral(""); // empty, not null: not acceptable, and needs no words
        if (field.kind == Kind::Seconds) {
            QString why;
            if (!Duration::parseSeconds(text(field), &why))
                return why.isEmpty() ? tr("Type a duration.") : why;
        }
        if (field.kind == Kind::Score && !static_cast<QLineEdit *>(field.editor)->hasAcceptableInput())
            return tr("The score is not a number.");
        if (field.escaped) {
            QString why;
            if (!EditableText::unescape(text(field), &why))
                return why;
        }
        return {};
    }

    // OK only while every field holds something acceptable (Enter never applies half of what was typed) and, for an
    // edit, something differs from what was shown.
    void update()
    {
        bool ok = true;
        bool changed = false;
        for (const Field &field : std::as_const(m_fields)) {
            const QString why = problem(field);
            ok = ok && why.isNull();
            if (field.hint) {
                if (!why.isNull())
                    field.hint->setText(why);
                else if (field.escaped)
                    field.hint->setText(
                        tr("Shown escaped: it holds %1, which a text box would change or hide. \\r, \\n, \\t, \\xNN (a "
                           "byte), "
                           "\\u{XXXX} (a character) and \\\\ (a backslash) stand for what they name; type them the "
                           "same way.")
                            .arg(EditableText::whatNeedsEscaping(field.initial)));
                else if (const std::optional<qint64> seconds = Duration::parseSeconds(text(field)))
                    field.hint->setText(tr("= %1").arg(Duration::describe(*seconds)));
            }
            if (field.editor->objectName() != QLatin1String("field")) // a hash field's name is only shown
                changed = changed || value(field.editor->objectName()) != field.initial;
        }
        m_ok->setEnabled(ok && (changed || !m_requireChange));
    }

    QFormLayout *m_form;
    QPushButton *m_ok = nullptr;
    QHash<QString, Field> m_fields;
    bool m_requireChange = false;
};

// "New key…": the name, the type, the first value (with a field for a hash or a stream entry, a score for a zset) and
// an optional TTL. OK only while everything the type needs is there and valid.
class NewKeyForm final : public QDialog
{
public:
    NewKeyForm(QWidget *parent, const QString &explanation, const QByteArray &prefix)
        : QDialog(parent)
    {
        setObjectName(QStringLiteral("newKeyForm"));
        setWindowTitle(KeyActions::tr("New key"));
        auto *layout = new QVBoxLayout(this);
        auto *label = new QLabel(explanation, this);
        label->setObjectName(QStringLiteral("explanation"));
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        layout->addWidget(label);
        m_form = new QFormLayout;
        const auto line = [this](const QString &name) {
            auto *edit = new QLineEdit(this);
            edit->setObjectName(name);
            edit->setMaxLength(std::numeric_limits<int>::max());
            connect(edit, &QLineEdit::textChanged, this, &NewKeyForm::update);
            return edit;
        };
        m_name = line(QStringLiteral("name"));
        m_type = new QComboBox(this);
        m_type->setObjectName(QStringLiteral("type"));
        const std::pair<QString, ValueType> types[] = {{KeyActions::tr("String"), ValueType::String},
                                                       {KeyActions::tr("Hash"), ValueType::Hash},
                                                       {KeyActions::tr("List"), ValueType::List},
                                                       {KeyActions::tr("Set"), ValueType::Set},
                                                       {KeyActions::tr("Sorted set (zset)"), ValueType::ZSet},
                                                       {KeyActions::tr("Stream"), ValueType::Stream}};
        for (const auto &[text, type] : types)
            m_type->addItem(text, QVariant::fromValue(static_cast<int>(type)));
        m_field = line(QStringLiteral("field"));
        m_value = new QPlainTextEdit(this);
        m_value->setObjectName(QStringLiteral("value"));
        m_value->setMinimumHeight(90);
        m_value->setTabChangesFocus(true);
        connect(m_value, &QPlainTextEdit::textChanged, this, &NewKeyForm::update);
        m_score = line(QStringLiteral("score"));
        m_score->setText(QStringLiteral("0"));
        m_score->setValidator(new QRegularExpressionValidator(
            QRegularExpression(QStringLiteral("[-+]?(inf|[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?)")), m_score));
        m_ttl = line(QStringLiteral("ttl"));
        m_ttl->setPlaceholderText(KeyActions::tr("none (persistent); or 90s, 15m, 1h30m, 2d"));
        m_hint = new QLabel(this);
        m_hint->setObjectName(QStringLiteral("ttlHint"));
        m_hint->setTextFormat(Qt::PlainText);
        m_form->addRow(KeyActions::tr("Name:"), m_name);
        m_form->addRow(KeyActions::tr("Type:"), m_type);
        m_form->addRow(KeyActions::tr("Field:"), m_field);
        m_form->addRow(KeyActions::tr("Value:"), m_value);
        m_form->addRow(KeyActions::tr("Score:"), m_score);
        m_form->addRow(KeyActions::tr("Expires in:"), m_ttl);
        m_form->addRow(QString(), m_hint);
        // The labels change with the type: the column is as wide as the longest of them from the start, so none is
        // cut when the type changes ("First e…").
        int labelWidth = 0;
        for (const QString &label : {KeyActions::tr("First entry's field:"), KeyActions::tr("First element:"),
                                     KeyActions::tr("First member:"), KeyActions::tr("Expires in:")})
            labelWidth = qMax(labelWidth, fontMetrics().horizontalAdvance(label));
        for (QWidget *field :
             {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_type), static_cast<QWidget *>(m_field),
              static_cast<QWidget *>(m_value), static_cast<QWidget *>(m_score), static_cast<QWidget *>(m_ttl)})
            m_form->labelForField(field)->setMinimumWidth(labelWidth + 2);
        layout->addLayout(m_form);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        m_ok = buttons->button(QDialogButtonBox::Ok);
        m_ok->setText(KeyActions::tr("Create"));
        m_ok->setObjectName(QStringLiteral("okButton"));
        connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        layout->addWidget(buttons);
        connect(m_type, &QComboBox::currentIndexChanged, this, &NewKeyForm::update);
        m_name->setText(QString::fromUtf8(prefix));
        update();
        m_name->setFocus();
        m_name->end(false);
        resize(520, sizeHint().height());
    }

    QByteArray name() const { return m_name->text().toUtf8(); }
    ValueType type() const { return static_cast<ValueType>(m_type->currentData().toInt()); }
    QByteArray field() const { return m_field->text().toUtf8(); }
    QByteArray value() const { return m_value->toPlainText().toUtf8(); }
    double score() const { return m_score->text().toDouble(); }
    qint64 ttl() const
    {
        return m_ttl->text().trimmed().isEmpty() ? 0 : Duration::parseSeconds(m_ttl->text()).value_or(0);
    }

private:
    void update()
    {
        if (!m_ok)
            return; // still being built
        const ValueType t = type();
        const bool hasField = t == ValueType::Hash || t == ValueType::Stream;
        m_form->setRowVisible(m_field, hasField);
        m_form->setRowVisible(m_score, t == ValueType::ZSet);
        static_cast<QLabel *>(m_form->labelForField(m_value))
            ->setText(t == ValueType::List                          ? KeyActions::tr("First element:")
                      : t == ValueType::Set || t == ValueType::ZSet ? KeyActions::tr("First member:")
                      : hasField                                    ? KeyActions::tr("Its value:")
                                                                    : KeyActions::tr("Value:"));
        static_cast<QLabel *>(m_form->labelForField(m_field))
            ->setText(t == ValueType::Stream ? KeyActions::tr("First entry's field:") : KeyActions::tr("First field:"));
        bool ok = !m_name->text().isEmpty();
        if (hasField)
            ok = ok && !m_field->text().isEmpty();
        if (t == ValueType::Set || t == ValueType::ZSet)
            ok = ok && !m_value->toPlainText().isEmpty();
        if (t == ValueType::ZSet)
            ok = ok && m_score->hasAcceptableInput();
        QString why;
        if (m_ttl->text().trimmed().isEmpty()) {
            m_hint->setText(KeyActions::tr("No TTL: the key stays until it is deleted."));
        } else if (const std::optional<qint64> seconds = Duration::parseSeconds(m_ttl->text(), &why)) {
            m_hint->setText(KeyActions::tr("= %1").arg(Duration::describe(*seconds)));
        } else {
            m_hint->setText(why.isEmpty() ? KeyActions::tr("Type a duration.") : why);
            ok = false;
        }
        m_ok->setEnabled(ok);
    }

    QFormLayout *m_form = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_type = nullptr;
    QLineEdit *m_field = nullptr;
    QPlainTextEdit *m_value = nullptr;
    QLineEdit *m_score = nullptr;
    QLineEdit *m_ttl = nullptr;
    QLabel *m_hint = nullptr;
    QPushButton *m_ok = nullptr;
};

QByteArray elementName(ValueType type)
{
    switch (type) {
    case ValueType::Hash:
        return "field";
    case ValueType::List:
        return "element";
    case ValueType::Stream:
        return "entry";
    default:
        return "member";
    }
}

// The fields of an element of a hash, list, set or zset: empty to add one, or filled from `row` to edit it (a hash
// field's name then stays as it is: changing it would be another field).
void addElementFields(EditForm &form, ValueType type, const ValueRow *row)
{
    const QByteArray value = row ? row->value : QByteArray();
    switch (type) {
    case ValueType::Hash:
        form.addField(QStringLiteral("field"), KeyActions::tr("Field:"), EditForm::Kind::Line,
                      row ? row->name : QByteArray(), row != nullptr, true);
        form.addField(QStringLiteral("value"), KeyActions::tr("Value:"), EditForm::Kind::Text, value);
        break;
    case ValueType::List:
        form.addField(QStringLiteral("value"),
                      row ? KeyActions::tr("Element %1:").arg(row->index)
                          : KeyActions::tr("Element (appended at the tail):"),
                      EditForm::Kind::Text, value);
        break;
    case ValueType::Set:
        form.addField(QStringLiteral("value"), KeyActions::tr("Member:"), EditForm::Kind::Line, value, false, true);
        break;
    case ValueType::ZSet:
        form.addField(QStringLiteral("value"), KeyActions::tr("Member:"), EditForm::Kind::Line, value, false, true);
        form.addField(QStringLiteral("score"), KeyActions::tr("Score:"), EditForm::Kind::Score,
                      row ? ValueFormat::score(row->score) : QByteArray("0"));
        break;
    default:
        break;
    }
}
} // namespace

KeyActions::KeyActions(MasterLink *link, QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_link(link)
    , m_dialogParent(dialogParent)
{
}

KeyActions::~KeyActions() = default;

bool KeyActions::isReadOnly() const
{
    return m_link->isReadOnly() || m_link->isWriteDenied();
}

QString KeyActions::readOnlyReason() const
{
    if (m_link->isReadOnly())
        return tr("The connection is read-only.");
    if (m_link->isWriteDenied())
        return tr("Read-only (by ACL): %1.").arg(m_link->writeDeniedReason());
    return {};
}

QString KeyActions::target() const
{
    return tr("master %1").arg(m_link->master().toString());
}

bool KeyActions::refuseIfReadOnly(const QString &what)
{
    if (!isReadOnly())
        return false;
    Q_EMIT failed(tr("%1: not done. %2").arg(what, readOnlyReason()));
    return true;
}

// Every question before a write says when the master is the sentinels' word alone: the user decides knowing it.
QString KeyActions::roleNote() const
{
    if (m_link->isRoleVerified())
        return {};
    return tr("\n\nThe %1: Vigil has the sentinels' word that %2 is the master, not the node's own.")
        .arg(ResolvedMaster::roleNotVerifiedText(), m_link->master().toString());
}

bool KeyActions::confirm(const QString &question, const QString &yes)
{
    QMessageBox box(QMessageBox::Warning, tr("Vigil"), question + roleNote(), QMessageBox::Cancel, m_dialogParent);
    box.setObjectName(QStringLiteral("confirmAction"));
    box.setTextFormat(Qt::PlainText); // key names and addresses come from the server: never markup
    QPushButton *ok = box.addButton(yes, QMessageBox::AcceptRole);
    ok->setObjectName(QStringLiteral("okButton"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == ok;
}

void KeyActions::createKey(const QByteArray &prefix)
{
    if (refuseIfReadOnly(tr("New key")))
        return;
    NewKeyForm form(m_dialogParent,
                    tr("Create a key on %1. If a key with this name exists, nothing is written.").arg(target())
                        + roleNote(),
                    prefix);
    if (form.exec() != QDialog::Accepted || form.name().isEmpty())
        return;
    run(KeyEdit::create(form.name(), form.type(), form.field(), form.value(), form.score(), form.ttl()));
}

void KeyActions::deleteKeys(const QList<QByteArray> &keys)
{
    if (keys.isEmpty() || refuseIfReadOnly(tr("Delete")))
        return;
    const QString question
        = keys.size() == 1
              ? tr("Delete the key %1 from %2?\n\nThis cannot be undone.").arg(quoted(keys.first()), target())
              : tr("Delete %1 from %2?\n\nFirst: %3\n\nThis cannot be undone.")
                    .arg(countOf(keys.size(), tr("key"), tr("keys")), target(), quoted(keys.first()));
    const QString yes
        = keys.size() == 1 ? tr("Delete") : tr("Delete %1").arg(countOf(keys.size(), tr("key"), tr("keys")));
    if (confirm(question, yes))
        run(KeyEdit::remove(keys));
}

void KeyActions::renameKey(const QByteArray &key)
{
    if (refuseIfReadOnly(tr("Rename")))
        return;
    EditForm form(
        m_dialogParent, tr("Rename key"),
        tr("Rename %1 on %2. If a key with the new name exists, nothing changes (RENAMENX).").arg(quoted(key), target())
            + roleNote(),
        tr("Rename"));
    form.requireChange();
    form.addField(QStringLiteral("newName"), tr("New name:"), EditForm::Kind::Line, key, false, true);
    if (form.exec() != QDialog::Accepted)
        return;
    const QByteArray newName = form.value(QStringLiteral("newName"));
    if (newName.isEmpty() || newName == key)
        return;
    run(KeyEdit::rename(key, newName));
}

void KeyActions::setTtl(const QByteArray &key, qint64 currentSeconds)
{
    if (refuseIfReadOnly(tr("Set TTL")))
        return;
    EditForm form(m_dialogParent, tr("Set TTL"),
                  tr("The key %1 on %2 will expire this long from now: a number of seconds, or 90s, 15m, 1h, 2d, "
                     "1h30m.")
                          .arg(quoted(key), target())
                      + roleNote(),
                  tr("Set TTL"));
    // The TTL it has, if any: OK then waits for another one. For a persistent key, "1h" is a suggestion to accept.
    if (currentSeconds > 0)
        form.requireChange();
    form.addField(QStringLiteral("seconds"), tr("Expires in:"), EditForm::Kind::Seconds,
                  currentSeconds > 0 ? QByteArray::number(currentSeconds) : QByteArray("1h"));
    if (form.exec() != QDialog::Accepted)
        return;
    QString why;
    const std::optional<qint64> seconds
        = Duration::parseSeconds(QString::fromUtf8(form.value(QStringLiteral("seconds"))), &why);
    if (!seconds) {
        Q_EMIT failed(tr("Set TTL: %1.").arg(why));
        return;
    }
    // Under a minute the key is as good as deleted by the time anyone notices: ask again.
    if (*seconds < 60
        && !confirm(tr("The key %1 on %2 will expire in %3, and be gone for good. Set this TTL?")
                        .arg(quoted(key), target(), Duration::describe(*seconds)),
                    tr("Expire in %1").arg(Duration::describe(*seconds))))
        return;
    run(KeyEdit::expire(key, *seconds));
}

void KeyActions::clearTtl(const QByteArray &key)
{
    if (refuseIfReadOnly(tr("Clear TTL")))
        return;
    if (confirm(tr("Make the key %1 on %2 persistent (remove its TTL)?").arg(quoted(key), target()), tr("Clear TTL")))
        run(KeyEdit::persist(key));
}

void KeyActions::editString(const QByteArray &key, const QByteArray &current)
{
    if (refuseIfReadOnly(tr("Edit")))
        return;
    EditForm form(m_dialogParent, tr("Edit value"),
                  tr("Replace the value of %1 on %2. Its TTL is kept. If the value changed since you opened it, or "
                     "the key was deleted, nothing is written.")
                          .arg(quoted(key), target())
                      + roleNote(),
                  tr("Save"));
    form.requireChange();
    form.addField(QStringLiteral("value"), tr("Value:"), EditForm::Kind::Text, current);
    if (form.exec() != QDialog::Accepted)
        return;
    const QByteArray value = form.value(QStringLiteral("value"));
    if (value != current) // byte for byte: an untouched value sends nothing
        run(KeyEdit::setString(key, current, value));
}

void KeyActions::addElement(const QByteArray &key, ValueType type)
{
    if (refuseIfReadOnly(tr("Add")))
        return;
    if (type == ValueType::Stream || type == ValueType::String || type == ValueType::Other)
        return;
    EditForm form(m_dialogParent, tr("Add %1").arg(QString::fromLatin1(elementName(type))),
                  tr("Add to %1 on %2.").arg(quoted(key), target()) + roleNote(), tr("Add"));
    addElementFields(form, type, nullptr);
    if (form.exec() != QDialog::Accepted)
        return;
    const QByteArray value = form.value(QStringLiteral("value"));
    switch (type) {
    case ValueType::Hash:
        run(KeyEdit::hashAdd(key, form.value(QStringLiteral("field")), value));
        break;
    case ValueType::List:
        run(KeyEdit::listAppend(key, value));
        break;
    case ValueType::Set:
        run(KeyEdit::setAdd(key, value));
        break;
    case ValueType::ZSet:
        if (!form.acceptable(QStringLiteral("score")))
            Q_EMIT failed(tr("Add: the score is not a number."));
        else
            run(KeyEdit::zsetAdd(key, value, form.value(QStringLiteral("score")).toDouble()));
        break;
    default:
        break;
    }
}

void KeyActions::editElement(const QByteArray &key, ValueType type, const ValueRow &row)
{
    if (refuseIfReadOnly(tr("Edit")))
        return;
    if (type == ValueType::Stream || type == ValueType::String || type == ValueType::Other)
        return;
    EditForm form(
        m_dialogParent, tr("Edit %1").arg(QString::fromLatin1(elementName(type))),
        tr("Change %1 on %2. If it changed since you opened it, nothing is written.").arg(quoted(key), target())
            + roleNote(),
        tr("Save"));
    form.requireChange();
    addElementFields(form, type, &row);
    if (form.exec() != QDialog::Accepted)
        return;
    const QByteArray value = form.value(QStringLiteral("value"));
    switch (type) {
    case ValueType::Hash:
        if (value != row.value)
            run(KeyEdit::hashSet(key, row.name, row.value, value));
        break;
    case ValueType::List:
        if (value != row.value)
            run(KeyEdit::listSet(key, row.index, row.value, value));
        break;
    case ValueType::Set:
        if (value != row.value)
            run(KeyEdit::setReplace(key, row.value, value));
        break;
    case ValueType::ZSet: {
        if (!form.acceptable(QStringLiteral("score"))) {
            Q_EMIT failed(tr("Edit: the score is not a number."));
            break;
        }
        // The form shows the score as the table does; untouched, the exact score read is kept.
        const QByteArray score = form.value(QStringLiteral("score"));
        const bool rescored = score != ValueFormat::score(row.score);
        if (value != row.value || rescored)
            run(KeyEdit::zsetEdit(key, row.value, row.scoreText, value, rescored ? score.toDouble() : row.score));
        break;
    }
    default:
        break;
    }
}

void KeyActions::removeElement(const QByteArray &key, ValueType type, const ValueRow &row)
{
    if (refuseIfReadOnly(tr("Remove")))
        return;
    const QByteArray what = type == ValueType::Hash || type == ValueType::Stream ? row.name : row.value;
    const QString question = tr("Remove the %1 %2 from %3 on %4?")
                                 .arg(QString::fromLatin1(elementName(type)), quoted(what), quoted(key), target());
    if (!confirm(question, tr("Remove")))
        return;
    switch (type) {
    case ValueType::Hash:
        run(KeyEdit::hashRemove(key, row.name, row.value));
        break;
    case ValueType::List:
        run(KeyEdit::listRemove(key, row.index, row.value));
        break;
    case ValueType::Set:
        run(KeyEdit::setRemove(key, row.value));
        break;
    case ValueType::ZSet:
        run(KeyEdit::zsetRemove(key, row.value));
        break;
    case ValueType::Stream:
        run(KeyEdit::streamRemove(key, row.name));
        break;
    default:
        break;
    }
}

QString KeyActions::describe(const KeyEdit &edit) const
{
    switch (edit.kind()) {
    case KeyEdit::Kind::Delete:
        return edit.keys().size() == 1 ? tr("Delete %1").arg(quoted(edit.key()))
                                       : tr("Delete %1").arg(countOf(edit.keys().size(), tr("key"), tr("keys")));
    case KeyEdit::Kind::Rename:
        return tr("Rename %1 to %2").arg(quoted(edit.key()), quoted(edit.newName()));
    case KeyEdit::Kind::Expire:
    case KeyEdit::Kind::Persist:
        return tr("TTL of %1").arg(quoted(edit.key()));
    case KeyEdit::Kind::Create:
        return tr("Create %1").arg(quoted(edit.key()));
    default:
        return tr("Change %1").arg(quoted(edit.key()));
    }
}

void KeyActions::run(const KeyEdit &edit)
{
    const QString what = describe(edit);
    m_link->sendWrite(edit.command(), [this, edit, what](const MasterLink::WriteResult &write) {
        const RespResult &result = write.result;
        if (result.error.isError()) {
            Q_EMIT failed(tr("%1: %2").arg(what, result.error.toString()));
            return;
        }
        if (const QString problem = edit.problem(result.value); !problem.isEmpty()) {
            Q_EMIT failed(tr("%1 on %2: %3").arg(what, target(), problem));
            return;
        }
        QString done = tr("%1: done.").arg(what);
        switch (edit.kind()) {
        case KeyEdit::Kind::Delete:
            Q_EMIT keysRemoved(edit.keys());
            done = tr("%1: done (%2 removed).").arg(what, countOf(result.value.toInteger(), tr("key"), tr("keys")));
            break;
        case KeyEdit::Kind::Rename:
            Q_EMIT keyRenamed(edit.key(), edit.newName());
            Q_EMIT keysRemoved({edit.key()});
            Q_EMIT keyAdded(edit.newName());
            break;
        case KeyEdit::Kind::Create:
            Q_EMIT keyTypeKnown(edit.key(), edit.createdType());
            Q_EMIT keyAdded(edit.key());
            break;
        default:
            Q_EMIT keyChanged(edit.key());
        }
        if (write.acked == 0 && write.replicas > 0)
            Q_EMIT warned(tr("%1: saved on %2, but not yet on any of its %3: a failover now would lose it.")
                              .arg(what, target(), countOf(write.replicas, tr("replica"), tr("replicas"))));
        else if (write.acked == 0)
            Q_EMIT warned(tr("%1: saved on %2, but no replica had it within %3 s: a failover now would lose it.")
                              .arg(what, target())
                              .arg(MasterLink::replicaWaitMs / 1000));
        else
            Q_EMIT succeeded(done);
    });
}

void KeyActions::copyBytes(const QByteArray &bytes)
{
    auto *mime = new QMimeData;
    mime->setData(QStringLiteral("application/octet-stream"), bytes);
    // Text editors get the escaped form of binary bytes; programs that read octet-streams get the exact bytes.
    mime->setText(ValueFormat::isBinary(bytes) ? KeyDisplay::escape(bytes) : QString::fromUtf8(bytes));
    QApplication::clipboard()->setMimeData(mime);
}

void KeyActions::copyText(const QString &text)
{
    QApplication::clipboard()->setText(text);
}

void KeyActions::populateMenu(QMenu *menu, const QList<QByteArray> &keys, const QByteArray &nameAt)
{
    const bool writable = !isReadOnly();
    const QByteArray key = keys.size() == 1 ? keys.first() : QByteArray();
    QAction *create = menu->addAction(tr("New key…"), this, [this] { createKey(); });
    create->setShortcut(QKeySequence::New);
    create->setEnabled(writable);
    menu->addSeparator();
    QAction *remove = menu->addAction(
        keys.size() > 1 ? tr("Delete %1…").arg(countOf(keys.size(), tr("key"), tr("keys"))) : tr("Delete…"), this,
        [this, keys] { deleteKeys(keys); });
    remove->setEnabled(writable && !keys.isEmpty());
    QAction *rename = menu->addAction(tr("Rename…"), this, [this, key] { renameKey(key); });
    rename->setEnabled(writable && !key.isEmpty());
    QAction *ttl = menu->addAction(tr("Set TTL…"), this, [this, key] { setTtl(key); });
    ttl->setEnabled(writable && !key.isEmpty());
    QAction *persist = menu->addAction(tr("Clear TTL…"), this, [this, key] { clearTtl(key); });
    persist->setEnabled(writable && !key.isEmpty());
    menu->addSeparator();
    const QByteArray name = nameAt.isEmpty() ? key : nameAt;
    menu->addAction(tr("Copy name (raw bytes)"), this, [name] { copyBytes(name); })->setEnabled(!name.isEmpty());
    menu->addAction(tr("Copy name (escaped)"), this, [name] { copyText(KeyDisplay::escape(name)); })
        ->setEnabled(!name.isEmpty());
    if (isReadOnly()) {
        menu->addSeparator();
        menu->addAction(m_link->isReadOnly() ? tr("Read-only connection: changes are disabled") : readOnlyReason())
            ->setEnabled(false);
    }
}
