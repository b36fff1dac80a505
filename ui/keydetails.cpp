#include "keydetails.h"

#include "deployment/deployment.h"
#include "keyactions.h"
#include "keydisplay.h"
#include "plural.h"
#include "resp/commandpolicy.h"
#include "sentinel/masterlink.h"
#include "theme.h"
#include "valueview.h"

#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace {
QString notPermitted()
{
    return QCoreApplication::translate("KeyDetails", "not permitted: this user's ACL key patterns exclude this key");
}

const QStringList fieldNames = {QStringLiteral("Type"), QStringLiteral("TTL"), QStringLiteral("Encoding"),
                                QStringLiteral("Size"), QStringLiteral("Memory")};

QString duration(qint64 ms)
{
    qint64 s = ms / 1000;
    const qint64 d = s / 86400;
    s %= 86400;
    const qint64 h = s / 3600;
    s %= 3600;
    const qint64 m = s / 60;
    s %= 60;
    QStringList parts;
    if (d)
        parts.append(QObject::tr("%1 d").arg(d));
    if (h)
        parts.append(QObject::tr("%1 h").arg(h));
    if (m)
        parts.append(QObject::tr("%1 min").arg(m));
    parts.append(QObject::tr("%1 s").arg(s));
    return parts.join(QLatin1Char(' '));
}

QByteArray sizeCommand(const QByteArray &type)
{
    if (type == "string")
        return "STRLEN";
    if (type == "hash")
        return "HLEN";
    if (type == "list")
        return "LLEN";
    if (type == "set")
        return "SCARD";
    if (type == "zset")
        return "ZCARD";
    if (type == "stream")
        return "XLEN";
    return {};
}
} // namespace

KeyDetails::KeyDetails(Deployment *deployment, QWidget *parent)
    : QWidget(parent)
    , m_link(deployment->link())
    , m_actions(new KeyActions(m_link, this, this))
    , m_ttlTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    m_name = new QLabel(tr("Nothing selected"), this);
    m_name->setTextFormat(Qt::PlainText);
    m_name->setObjectName(QStringLiteral("selectedName"));
    m_name->setWordWrap(true);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    layout->addWidget(m_name);

    // The facts in two columns, to leave the height to the value.
    auto *facts = new QHBoxLayout;
    auto *left = new QFormLayout;
    auto *right = new QFormLayout;
    for (qsizetype i = 0; i < fieldNames.size(); ++i) {
        auto *value = new QLabel(QStringLiteral("–"), this);
        value->setTextFormat(Qt::PlainText);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        (i < 3 ? left : right)->addRow(tr("%1:").arg(fieldNames.at(i)), value);
        m_fields.insert(fieldNames.at(i), value);
    }
    facts->addLayout(left, 1);
    facts->addLayout(right, 1);
    layout->addLayout(facts);

    auto *buttons = new QHBoxLayout;
    const auto addButton = [this, buttons](const QString &name, const QString &text) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        buttons->addWidget(b);
        return b;
    };
    m_rename = addButton(QStringLiteral("renameKey"), tr("Rename…"));
    m_ttl = addButton(QStringLiteral("setTtl"), tr("Set TTL…"));
    m_persist = addButton(QStringLiteral("clearTtl"), tr("Clear TTL"));
    m_delete = addButton(QStringLiteral("deleteKey"), tr("Delete"));
    buttons->addStretch();
    m_copyName = addButton(QStringLiteral("copyName"), tr("Copy name"));
    auto *copyMenu = new QMenu(m_copyName);
    copyMenu->addAction(tr("Copy name (raw bytes)"), this, [this] { KeyActions::copyBytes(m_key); });
    copyMenu->addAction(tr("Copy name (escaped)"), this, [this] { KeyActions::copyText(KeyDisplay::escape(m_key)); });
    m_copyName->setMenu(copyMenu);
    layout->addLayout(buttons);

    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setObjectName(QStringLiteral("actionMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);

    m_gone = new QLabel(this);
    m_gone->setTextFormat(Qt::PlainText);
    m_gone->setObjectName(QStringLiteral("keyGone"));
    m_gone->setWordWrap(true);
    Theme::setTextColour(m_gone, Theme::Role::Fault, QStringLiteral("font-weight: bold;"));
    m_gone->hide();
    layout->addWidget(m_gone);

    m_value = new ValueView(m_link, m_actions, this);
    layout->addWidget(m_value, 1);

    m_ttlTimer->setInterval(1000);
    connect(m_ttlTimer, &QTimer::timeout, this, &KeyDetails::updateTtl);
    connect(m_rename, &QPushButton::clicked, this, [this] { m_actions->renameKey(m_key); });
    connect(m_ttl, &QPushButton::clicked, this, [this] {
        const qint64 left = m_expiresAt.isValid() ? QDateTime::currentDateTimeUtc().secsTo(m_expiresAt) : -1;
        m_actions->setTtl(m_key, left);
    });
    connect(m_persist, &QPushButton::clicked, this, [this] { m_actions->clearTtl(m_key); });
    connect(m_delete, &QPushButton::clicked, this, [this] { m_actions->deleteKeys({m_key}); });
    connect(m_actions, &KeyActions::succeeded, this,
            [this](const QString &text) { showActionMessage(text, MessageKind::Done); });
    connect(m_actions, &KeyActions::warned, this,
            [this](const QString &text) { showActionMessage(text, MessageKind::Warning); });
    connect(m_actions, &KeyActions::failed, this,
            [this](const QString &text) { showActionMessage(text, MessageKind::Failed); });
    connect(m_actions, &KeyActions::keyChanged, this, [this](const QByteArray &key) {
        if (key == m_key)
            showKey(key);
    });
    // The shown key, found gone, made again (New key…): read it afresh, as the tree keeps it selected.
    connect(m_actions, &KeyActions::keyAdded, this, [this](const QByteArray &key) {
        if (key == m_key && m_goneAt.isValid())
            showKey(key);
    });
    connect(m_actions, &KeyActions::keysRemoved, this, [this](const QList<QByteArray> &keys) {
        if (!m_key.isEmpty() && keys.contains(m_key)) {
            ++m_generation;
            m_ttlTimer->stop();
            m_value->clear();
            setField(QStringLiteral("Type"), tr("none (the key is gone)"));
            for (const QString &name : fieldNames.mid(1))
                setField(name, QStringLiteral("–"));
            m_key.clear();
            updateButtons();
        }
    });
    // Reload reads the value again; whether the key is still there is asked too, so a key gone meanwhile says so
    // instead of showing an empty value.
    connect(m_value->button(QStringLiteral("reload")), &QPushButton::clicked, this, &KeyDetails::checkExists);
    connect(m_link, &MasterLink::masterChanged, this, &KeyDetails::handleMasterChanged);
    connect(m_link, &MasterLink::writeAccessChanged, this, &KeyDetails::updateButtons);
    updateButtons();
}

KeyDetails::~KeyDetails() = default;

void KeyDetails::handleMasterChanged()
{
    // The key's facts and value came from the old master: read them again from the new one.
    if (!m_key.isEmpty())
        showKey(m_key);
}

QPushButton *KeyDetails::button(const QString &name) const
{
    return findChild<QPushButton *>(name);
}

void KeyDetails::updateButtons()
{
    const bool key = !m_key.isEmpty();
    const bool gone = m_goneAt.isValid();
    const bool writable = key && !m_actions->isReadOnly() && !gone;
    for (QPushButton *b : {m_rename, m_ttl, m_delete})
        b->setEnabled(writable);
    m_persist->setEnabled(writable && m_expiresAt.isValid());
    m_copyName->setEnabled(key);
    const QString tip = gone ? goneText() : m_actions->readOnlyReason();
    for (QPushButton *b : {m_rename, m_ttl, m_persist, m_delete})
        b->setToolTip(tip);
}

void KeyDetails::showActionMessage(const QString &text, MessageKind kind)
{
    m_message->setText(text);
    Theme::setTextColour(m_message,
                         kind == MessageKind::Failed    ? Theme::Role::Fault
                         : kind == MessageKind::Warning ? Theme::Role::Warning
                                                        : Theme::Role::Muted,
                         kind == MessageKind::Warning ? QStringLiteral("font-weight: bold;") : QString());
    m_message->show();
}

QString KeyDetails::actionMessage() const
{
    return m_message->isVisible() || !m_message->isHidden() ? m_message->text() : QString();
}

QString KeyDetails::goneText() const
{
    if (!m_goneAt.isValid())
        return {};
    return tr("This key no longer exists: it expired or was deleted (noticed at %1).")
        .arg(m_goneAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
}

void KeyDetails::checkExists()
{
    if (m_key.isEmpty())
        return;
    if (m_goneAt.isValid()) {
        // Reload on a key found gone reads it afresh: it may have been made again meanwhile.
        showKey(m_key);
        return;
    }
    const quint64 generation = m_generation;
    m_link->send({"EXISTS", m_key}, [this, generation](const RespResult &r) {
        if (generation != m_generation || !r.ok() || !r.value.isInteger())
            return;
        if (r.value.toInteger() == 0)
            handleGone();
        else if (m_expiresAt.isValid() && QDateTime::currentDateTimeUtc() >= m_expiresAt)
            query(); // still there after its TTL ran out: someone set a new one
    });
}

void KeyDetails::handleGone()
{
    if (m_key.isEmpty() || m_goneAt.isValid())
        return;
    m_goneAt = QDateTime::currentDateTimeUtc();
    m_ttlTimer->stop();
    m_expiresAt = {};
    // Said once, by the line below the facts; the facts of the key that was are cleared, not left standing.
    for (const QString &name : fieldNames)
        setField(name, QStringLiteral("–"));
    m_gone->setText(goneText());
    m_gone->show();
    m_value->setGone(goneText());
    updateButtons();
    Q_EMIT keyGone(m_key);
}

void KeyDetails::showNamespace(const QByteArray &prefix, qint64 keys)
{
    ++m_generation;
    m_goneAt = {};
    m_gone->hide();
    m_key.clear();
    m_type = ValueType::Other;
    m_ttlTimer->stop();
    m_expiresAt = {};
    m_value->clear();
    m_name->setText(KeyDisplay::escape(prefix) + QStringLiteral("*"));
    setField(QStringLiteral("Type"), tr("namespace with %1").arg(countOf(keys, tr("key"), tr("keys"))));
    for (const QString &name : fieldNames.mid(1))
        setField(name, QStringLiteral("–"));
    updateButtons();
}

void KeyDetails::showKey(const QByteArray &key)
{
    if (key != m_key)
        m_message->hide();
    m_key = key;
    m_goneAt = {};
    m_gone->hide();
    m_name->setText(KeyDisplay::escape(key) + tr("  (%1)").arg(countOf(key.size(), tr("byte"), tr("bytes"))));
    for (const QString &name : fieldNames)
        setField(name, tr("…"));
    updateButtons();
    query();
}

void KeyDetails::query()
{
    const quint64 generation = ++m_generation;
    m_ttlTimer->stop();
    m_expiresAt = {};
    const QByteArray key = m_key;
    m_link->send({"TYPE", key}, [this, generation, key](const RespResult &r) {
        if (generation != m_generation)
            return;
        if (Resp::isKeyDenied(r.value)) {
            // A key-pattern user sees every key in SCAN but may read only its own: one quiet mark per key, in
            // the pane and the tree, never an error line.
            for (const QString &name : fieldNames)
                setField(name, name == QLatin1String("Type") ? notPermitted() : QStringLiteral("–"));
            m_value->clear();
            Q_EMIT keyNotPermitted(key);
            Q_EMIT detailsLoaded();
            return;
        }
        if (!r.ok()) {
            setField(QStringLiteral("Type"),
                     r.error.isError() ? r.error.toString() : QString::fromUtf8(r.value.toByteArray()));
            m_value->clear();
            Q_EMIT detailsLoaded();
            return;
        }
        const QByteArray type = r.value.toByteArray();
        setField(QStringLiteral("Type"), type == "none" ? tr("none (the key is gone)") : QString::fromLatin1(type));
        m_type = valueTypeFromName(type);
        if (type == "none") {
            m_value->clear();
            handleGone();
            Q_EMIT detailsLoaded();
            return;
        }
        Q_EMIT keyTypeRead(key, type);
        m_value->showKey(key, m_type);
        const QByteArray sizeCmd = sizeCommand(type);
        if (!sizeCmd.isEmpty()) {
            m_link->send({sizeCmd, key}, [this, generation, type](const RespResult &size) {
                if (generation != m_generation || m_goneAt.isValid())
                    return;
                const qint64 n = size.value.toInteger();
                const QString unit = type == "string"   ? countOf(n, tr("byte"), tr("bytes"))
                                     : type == "hash"   ? countOf(n, tr("field"), tr("fields"))
                                     : type == "stream" ? countOf(n, tr("entry"), tr("entries"))
                                     : type == "list"   ? countOf(n, tr("element"), tr("elements"))
                                                        : countOf(n, tr("member"), tr("members"));
                setField(QStringLiteral("Size"), size.ok() ? unit : tr("unknown"));
                if (size.ok())
                    m_value->setTotal(size.value.toInteger());
            });
        }
        Q_EMIT detailsLoaded();
    });
    m_link->send({"PTTL", key}, [this, generation](const RespResult &r) {
        if (generation != m_generation || !r.ok())
            return;
        const qint64 pttl = r.value.toInteger();
        if (pttl == -2) {
            handleGone();
            return;
        }
        if (pttl < 0) {
            setField(QStringLiteral("TTL"), tr("none (persistent)"));
            updateButtons();
            return;
        }
        m_expiresAt = QDateTime::currentDateTimeUtc().addMSecs(pttl);
        updateTtl(); // starts the countdown
        updateButtons();
    });
    m_link->send({"OBJECT", "ENCODING", key}, [this, generation](const RespResult &r) {
        if (generation == m_generation && !m_goneAt.isValid() && !Resp::isKeyDenied(r.value))
            setField(QStringLiteral("Encoding"), r.ok() ? QString::fromLatin1(r.value.toByteArray()) : tr("unknown"));
    });
    m_link->send({"MEMORY", "USAGE", key}, [this, generation](const RespResult &r) {
        if (generation == m_generation && !m_goneAt.isValid() && !Resp::isKeyDenied(r.value))
            setField(QStringLiteral("Memory"), r.ok() && r.value.isInteger() ? QLocale().formattedDataSize(
                                                   r.value.toInteger(), 1, QLocale::DataSizeTraditionalFormat)
                                                                             : tr("unknown"));
    });
}

void KeyDetails::updateTtl()
{
    if (!m_expiresAt.isValid())
        return;
    const qint64 left = QDateTime::currentDateTimeUtc().msecsTo(m_expiresAt);
    if (left <= 0) {
        setField(QStringLiteral("TTL"), tr("expired"));
        m_ttlTimer->stop();
        checkExists(); // the server drops it on the next read; ask, and say so when it is gone
        return;
    }
    setField(QStringLiteral("TTL"), tr("expires in %1").arg(duration(left)));
    // The last second ends at the expiry itself, not at the next whole second.
    m_ttlTimer->start(static_cast<int>(qMin<qint64>(left + 10, 1000)));
}

void KeyDetails::setField(const QString &name, const QString &value)
{
    if (QLabel *label = m_fields.value(name))
        label->setText(value);
}

QString KeyDetails::field(const QString &name) const
{
    const QLabel *label = m_fields.value(name);
    return label ? label->text() : QString();
}
