#include "keyactions.h"

#include "keydisplay.h"
#include "plural.h"
#include "sentinel/masterlink.h"
#include "values/duration.h"
#include "values/valueformat.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
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

    void addField(const QString &name, const QString &label, Kind kind, const QByteArray &initial = {},
                  bool readOnly = false)
    {
        QWidget *editor = nullptr;
        if (kind == Kind::Text) {
            auto *text = new QPlainTextEdit(this);
            text->setPlainText(QString::fromUtf8(initial));
            text->setReadOnly(readOnly);
            text->setMinimumHeight(160);
            editor = text;
        } else {
            auto *line = new QLineEdit(QString::fromUtf8(initial), this);
            line->setReadOnly(readOnly);
            if (kind == Kind::Seconds)
                line->setValidator(new DurationValidator(line));
            if (kind == Kind::Score)
                line->setValidator(new QRegularExpressionValidator(
                    QRegularExpression(QStringLiteral("[-+]?(inf|[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?)")), line));
            editor = line;
        }
        editor->setObjectName(name);
        m_form->addRow(label, editor);
        if (m_editors.isEmpty() && !readOnly) {
            // Typing goes to the first field, not to the OK button.
            editor->setFocus();
            if (auto *line = qobject_cast<QLineEdit *>(editor))
                line->selectAll();
        }
        m_editors.insert(name, editor);
        if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            QLabel *hint = nullptr;
            if (kind == Kind::Seconds) {
                // What was understood, in words, or why it cannot be.
                hint = new QLabel(this);
                hint->setObjectName(name + QStringLiteral("Hint"));
                hint->setTextFormat(Qt::PlainText);
                hint->setWordWrap(true);
                m_form->addRow(QString(), hint);
            }
            const auto update = [this, line, hint] {
                if (hint) {
                    QString why;
                    const std::optional<qint64> seconds = Duration::parseSeconds(line->text(), &why);
                    hint->setText(seconds ? tr("= %1").arg(Duration::describe(*seconds)) : why);
                }
                updateOk();
            };
            connect(line, &QLineEdit::textChanged, this, update);
            update();
        }
    }

    // OK only while every field holds something acceptable: Enter never applies half of what was typed.
    void updateOk()
    {
        bool ok = true;
        for (const QString &name : m_editors.keys())
            ok = ok && acceptable(name);
        m_ok->setEnabled(ok);
    }

    QByteArray value(const QString &name) const
    {
        QWidget *editor = m_editors.value(name);
        if (auto *text = qobject_cast<QPlainTextEdit *>(editor))
            return text->toPlainText().toUtf8();
        if (auto *line = qobject_cast<QLineEdit *>(editor))
            return line->text().toUtf8();
        return {};
    }

    bool acceptable(const QString &name) const
    {
        auto *line = qobject_cast<QLineEdit *>(m_editors.value(name));
        return !line || line->hasAcceptableInput() || !line->validator();
    }

private:
    QFormLayout *m_form;
    QPushButton *m_ok = nullptr;
    QHash<QString, QWidget *> m_editors;
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
                      row ? row->name : QByteArray(), row != nullptr);
        form.addField(QStringLiteral("value"), KeyActions::tr("Value:"), EditForm::Kind::Text, value);
        break;
    case ValueType::List:
        form.addField(QStringLiteral("value"),
                      row ? KeyActions::tr("Element %1:").arg(row->index)
                          : KeyActions::tr("Element (appended at the tail):"),
                      EditForm::Kind::Text, value);
        break;
    case ValueType::Set:
        form.addField(QStringLiteral("value"), KeyActions::tr("Member:"), EditForm::Kind::Line, value);
        break;
    case ValueType::ZSet:
        form.addField(QStringLiteral("value"), KeyActions::tr("Member:"), EditForm::Kind::Line, value);
        form.addField(QStringLiteral("score"), KeyActions::tr("Score:"), EditForm::Kind::Score,
                      row ? row->scoreText : QByteArray("0"));
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
    return m_link->isReadOnly();
}

QString KeyActions::target() const
{
    return tr("master %1").arg(m_link->master().toString());
}

bool KeyActions::refuseIfReadOnly(const QString &what)
{
    if (!isReadOnly())
        return false;
    Q_EMIT failed(tr("%1: not done, the connection is read-only.").arg(what));
    return true;
}

bool KeyActions::confirm(const QString &question, const QString &yes)
{
    QMessageBox box(QMessageBox::Warning, tr("Vigil"), question, QMessageBox::Cancel, m_dialogParent);
    box.setObjectName(QStringLiteral("confirmAction"));
    box.setTextFormat(Qt::PlainText); // key names and addresses come from the server: never markup
    QPushButton *ok = box.addButton(yes, QMessageBox::AcceptRole);
    ok->setObjectName(QStringLiteral("okButton"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == ok;
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
        tr("Rename %1 on %2. If a key with the new name exists, nothing changes (RENAMENX).").arg(quoted(key), target()),
        tr("Rename"));
    form.addField(QStringLiteral("newName"), tr("New name:"), EditForm::Kind::Line,
                  ValueFormat::isBinary(key) ? QByteArray() : key);
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
                      .arg(quoted(key), target()),
                  tr("Set TTL"));
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
    if (ValueFormat::isBinary(current)) {
        Q_EMIT failed(tr("Edit: the value is binary; Vigil edits text values only (copy it instead)."));
        return;
    }
    EditForm form(m_dialogParent, tr("Edit value"),
                  tr("Replace the value of %1 on %2. Its TTL is kept; if the key was deleted meanwhile, nothing is "
                     "written.")
                      .arg(quoted(key), target()),
                  tr("Save"));
    form.addField(QStringLiteral("value"), tr("Value:"), EditForm::Kind::Text, current);
    if (form.exec() != QDialog::Accepted)
        return;
    const QByteArray value = form.value(QStringLiteral("value"));
    if (value != current)
        run(KeyEdit::setString(key, value));
}

void KeyActions::addElement(const QByteArray &key, ValueType type)
{
    if (refuseIfReadOnly(tr("Add")))
        return;
    if (type == ValueType::Stream || type == ValueType::String || type == ValueType::Other)
        return;
    EditForm form(m_dialogParent, tr("Add %1").arg(QString::fromLatin1(elementName(type))),
                  tr("Add to %1 on %2.").arg(quoted(key), target()), tr("Add"));
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
    if (ValueFormat::isBinary(row.value) || ValueFormat::isBinary(row.name)) {
        Q_EMIT failed(tr("Edit: the %1 is binary; Vigil edits text only (copy it instead).")
                          .arg(QString::fromLatin1(elementName(type))));
        return;
    }
    EditForm form(m_dialogParent, tr("Edit %1").arg(QString::fromLatin1(elementName(type))),
                  tr("Change %1 on %2.").arg(quoted(key), target()), tr("Save"));
    addElementFields(form, type, &row);
    if (form.exec() != QDialog::Accepted)
        return;
    const QByteArray value = form.value(QStringLiteral("value"));
    switch (type) {
    case ValueType::Hash:
        if (value != row.value)
            run(KeyEdit::hashSet(key, row.name, value));
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
        const QByteArray score = form.value(QStringLiteral("score"));
        if (value != row.value)
            run(KeyEdit::zsetRename(key, row.value, value));
        if (score != row.scoreText)
            run(KeyEdit::zsetScore(key, value, score.toDouble()));
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
        run(KeyEdit::hashRemove(key, row.name));
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
    default:
        return tr("Change %1").arg(quoted(edit.key()));
    }
}

void KeyActions::run(const KeyEdit &edit)
{
    const QString what = describe(edit);
    m_link->send(edit.command(), [this, edit, what](const RespResult &result) {
        if (result.error.isError()) {
            Q_EMIT failed(tr("%1: %2").arg(what, result.error.toString()));
            return;
        }
        if (const QString problem = edit.problem(result.value); !problem.isEmpty()) {
            Q_EMIT failed(tr("%1 on %2: %3").arg(what, target(), problem));
            return;
        }
        switch (edit.kind()) {
        case KeyEdit::Kind::Delete:
            Q_EMIT keysRemoved(edit.keys());
            Q_EMIT succeeded(
                tr("%1: done (%2 removed).").arg(what, countOf(result.value.toInteger(), tr("key"), tr("keys"))));
            break;
        case KeyEdit::Kind::Rename:
            Q_EMIT keysRemoved({edit.key()});
            Q_EMIT keyAdded(edit.newName());
            Q_EMIT succeeded(tr("%1: done.").arg(what));
            break;
        default:
            Q_EMIT keyChanged(edit.key());
            Q_EMIT succeeded(tr("%1: done.").arg(what));
        }
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
        menu->addAction(tr("Read-only connection: changes are disabled"))->setEnabled(false);
    }
}
