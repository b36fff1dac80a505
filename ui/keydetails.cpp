#include "keydetails.h"

#include "keydisplay.h"
#include "plural.h"
#include "resp/redisconnection.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

namespace {
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

KeyDetails::KeyDetails(QWidget *parent)
    : QWidget(parent)
    , m_ttlTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    m_name = new QLabel(tr("Nothing selected"), this);
    m_name->setObjectName(QStringLiteral("selectedName"));
    m_name->setWordWrap(true);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    layout->addWidget(m_name);
    auto *form = new QFormLayout;
    for (const QString &name : fieldNames) {
        auto *value = new QLabel(QStringLiteral("–"), this);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("%1:").arg(name), value);
        m_fields.insert(name, value);
    }
    layout->addLayout(form);
    m_note
        = new QLabel(tr("Value viewers are not built yet: this pane shows what the key is, not what it holds."), this);
    m_note->setWordWrap(true);
    m_note->setEnabled(false);
    layout->addWidget(m_note);
    layout->addStretch();
    m_ttlTimer->setInterval(1000);
    connect(m_ttlTimer, &QTimer::timeout, this, &KeyDetails::updateTtl);
}

KeyDetails::~KeyDetails() = default;

void KeyDetails::setTarget(const SentinelTarget &target)
{
    m_target = target;
    m_target.readOnly = true; // this pane only reads
}

void KeyDetails::setMaster(const HostPort &master)
{
    if (master == m_master)
        return;
    m_master = master;
    if (m_connection) {
        m_connection->close();
        m_connection->deleteLater();
        m_connection = nullptr;
    }
    if (!m_key.isEmpty())
        query();
}

void KeyDetails::showNamespace(const QByteArray &prefix, qint64 keys)
{
    ++m_generation;
    m_key.clear();
    m_ttlTimer->stop();
    m_name->setText(KeyDisplay::escape(prefix) + QStringLiteral("*"));
    setField(QStringLiteral("Type"), tr("namespace with %1").arg(countOf(keys, tr("key"), tr("keys"))));
    for (const QString &name : fieldNames.mid(1))
        setField(name, QStringLiteral("–"));
}

void KeyDetails::showKey(const QByteArray &key)
{
    m_key = key;
    m_name->setText(KeyDisplay::escape(key) + tr("  (%1)").arg(countOf(key.size(), tr("byte"), tr("bytes"))));
    for (const QString &name : fieldNames)
        setField(name, tr("…"));
    query();
}

void KeyDetails::query()
{
    const quint64 generation = ++m_generation;
    m_ttlTimer->stop();
    m_expiresAt = {};
    if (!m_master.isValid()) {
        setField(QStringLiteral("Type"), tr("waiting for the master's address"));
        return;
    }
    if (m_connection
        && (m_connection->state() == RedisConnection::State::Failed
            || m_connection->state() == RedisConnection::State::Closed)) {
        m_connection->deleteLater();
        m_connection = nullptr;
    }
    if (!m_connection) {
        m_connection = new RedisConnection(m_target.dataOptions(m_master, QStringLiteral("master")), this);
        m_connection->open();
    }
    const auto ask = [this, generation] {
        if (generation != m_generation || !m_connection)
            return;
        const QByteArray key = m_key;
        m_connection->send({"TYPE", key}, [this, generation, key](const RespResult &r) {
            if (generation != m_generation)
                return;
            if (!r.ok()) {
                setField(QStringLiteral("Type"),
                         r.error.isError() ? r.error.toString() : QString::fromUtf8(r.value.toByteArray()));
                return;
            }
            const QByteArray type = r.value.toByteArray();
            setField(QStringLiteral("Type"), type == "none" ? tr("none (the key is gone)") : QString::fromLatin1(type));
            if (type == "none")
                return;
            const QByteArray sizeCmd = sizeCommand(type);
            if (!sizeCmd.isEmpty()) {
                m_connection->send({sizeCmd, key}, [this, generation, type](const RespResult &size) {
                    if (generation != m_generation)
                        return;
                    const QString unit = type == "string"   ? tr("bytes")
                                         : type == "hash"   ? tr("fields")
                                         : type == "stream" ? tr("entries")
                                                            : tr("members");
                    setField(QStringLiteral("Size"),
                             size.ok() ? QLocale().toString(size.value.toInteger()) + QLatin1Char(' ') + unit
                                       : tr("unknown"));
                });
            }
        });
        m_connection->send({"PTTL", key}, [this, generation](const RespResult &r) {
            if (generation != m_generation || !r.ok())
                return;
            const qint64 pttl = r.value.toInteger();
            if (pttl < 0) {
                setField(QStringLiteral("TTL"), pttl == -1 ? tr("none (persistent)") : tr("none (the key is gone)"));
                return;
            }
            m_expiresAt = QDateTime::currentDateTimeUtc().addMSecs(pttl);
            updateTtl();
            m_ttlTimer->start();
        });
        m_connection->send({"OBJECT", "ENCODING", key}, [this, generation](const RespResult &r) {
            if (generation == m_generation)
                setField(QStringLiteral("Encoding"),
                         r.ok() ? QString::fromLatin1(r.value.toByteArray()) : tr("unknown"));
        });
        m_connection->send({"MEMORY", "USAGE", key}, [this, generation](const RespResult &r) {
            if (generation == m_generation)
                setField(QStringLiteral("Memory"), r.ok() && r.value.isInteger() ? QLocale().formattedDataSize(
                                                       r.value.toInteger(), 1, QLocale::DataSizeTraditionalFormat)
                                                                                 : tr("unknown"));
        });
    };
    if (m_connection->isReady()) {
        ask();
    } else {
        connect(m_connection, &RedisConnection::ready, this, ask, Qt::SingleShotConnection);
        connect(
            m_connection, &RedisConnection::failed, this,
            [this, generation](const VigilError &error) {
                if (generation == m_generation)
                    setField(QStringLiteral("Type"), error.toString());
                if (m_connection) {
                    m_connection->deleteLater();
                    m_connection = nullptr;
                }
            },
            Qt::SingleShotConnection);
    }
}

void KeyDetails::updateTtl()
{
    if (!m_expiresAt.isValid())
        return;
    const qint64 left = QDateTime::currentDateTimeUtc().msecsTo(m_expiresAt);
    if (left <= 0) {
        setField(QStringLiteral("TTL"), tr("expired"));
        m_ttlTimer->stop();
        return;
    }
    setField(QStringLiteral("TTL"), tr("expires in %1").arg(duration(left)));
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
