#include "sentinelevent.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {
HostPort hostPort(const QByteArray &ip, const QByteArray &port)
{
    bool ok = false;
    const uint p = port.toUInt(&ok);
    if (!ok || p == 0 || p > 65535 || ip.isEmpty())
        return {};
    return {QString::fromUtf8(ip), static_cast<quint16>(p)};
}

QByteArray joinFrom(const QList<QByteArray> &tokens, qsizetype from)
{
    QByteArray out;
    for (qsizetype i = from; i < tokens.size(); ++i) {
        if (!out.isEmpty())
            out += ' ';
        out += tokens.at(i);
    }
    return out;
}
} // namespace

SentinelEvent SentinelEvent::parse(const QByteArray &channel, const QByteArray &payload, const HostPort &reporter,
                                   const QDateTime &received)
{
    SentinelEvent e;
    e.name = channel;
    e.raw = payload;
    e.reporter = reporter;
    e.received = received;
    const QList<QByteArray> t = payload.split(' ');

    // A +switch-master whose addresses do not read is kept raw like any unknown payload: an event that says
    // "master" must have an address (fuzz_sentinelevent found "+switch-master vigil  vigil 127.0.0nt ..." typed).
    if (channel == "+switch-master" && t.size() >= 5 && hostPort(t.at(1), t.at(2)).isValid()
        && hostPort(t.at(3), t.at(4)).isValid()) {
        e.masterName = t.at(0);
        e.oldMaster = hostPort(t.at(1), t.at(2));
        e.newMaster = hostPort(t.at(3), t.at(4));
        e.master = e.newMaster;
        e.instanceType = "master";
        e.instanceName = e.masterName;
        e.instance = e.newMaster;
        e.detail = joinFrom(t, 5);
        return e;
    }
    const bool details = t.size() >= 4 && (t.at(0) == "master" || t.at(0) == "slave" || t.at(0) == "sentinel")
                         && hostPort(t.at(2), t.at(3)).isValid();
    if (!details) {
        e.detail = payload;
        return e;
    }
    e.instanceType = t.at(0);
    e.instanceName = t.at(1);
    e.instance = hostPort(t.at(2), t.at(3));
    if (t.size() >= 8 && t.at(4) == "@") {
        e.masterName = t.at(5);
        e.master = hostPort(t.at(6), t.at(7));
        e.detail = joinFrom(t, 8);
    } else {
        if (e.instanceType == "master") {
            e.masterName = e.instanceName;
            e.master = e.instance;
        }
        e.detail = joinFrom(t, 4);
    }
    return e;
}

QString SentinelEvent::describe() const
{
    QString text = QString::fromUtf8(name);
    if (name == "+switch-master") {
        text += QStringLiteral(" %1 %2 -> %3")
                    .arg(QString::fromUtf8(masterName), oldMaster.toString(), newMaster.toString());
    } else if (!instanceType.isEmpty()) {
        text += QLatin1Char(' ') + QString::fromUtf8(instanceType) + QLatin1Char(' ');
        text += instanceType == "master" ? QString::fromUtf8(instanceName) + QLatin1Char(' ') + instance.toString()
                                         : instance.toString();
        if (instanceType != "master" && !masterName.isEmpty())
            text += QStringLiteral(" of %1").arg(QString::fromUtf8(masterName));
    }
    if (!detail.isEmpty())
        text += QLatin1Char(' ') + QString::fromUtf8(detail);
    if (reporter.isValid())
        text += QStringLiteral(" (from %1)").arg(reporter.toString());
    return text;
}

QByteArray SentinelEvent::toJson() const
{
    QJsonObject o{
        {QStringLiteral("event"), QStringLiteral("sentinel")},
        {QStringLiteral("name"), QString::fromUtf8(name)},
        {QStringLiteral("time"), received.toString(Qt::ISODateWithMs)},
        {QStringLiteral("reporter"), reporter.toString()},
        {QStringLiteral("raw"), QString::fromUtf8(raw)},
    };
    if (!instanceType.isEmpty()) {
        o.insert(QStringLiteral("instance_type"), QString::fromUtf8(instanceType));
        o.insert(QStringLiteral("instance"), instance.toString());
    }
    if (!masterName.isEmpty())
        o.insert(QStringLiteral("master_name"), QString::fromUtf8(masterName));
    if (oldMaster.isValid()) {
        o.insert(QStringLiteral("old_master"), oldMaster.toString());
        o.insert(QStringLiteral("new_master"), newMaster.toString());
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
