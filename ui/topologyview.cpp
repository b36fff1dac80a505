#include "topologyview.h"

#include "plural.h"
#include "sentinel/masterresolver.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

namespace {
const QColor good(0x2a, 0xa1, 0x98);
const QColor warn(0xb5, 0x89, 0x00);
const QColor bad(0xdc, 0x32, 0x2f);
const QColor neutral(0x65, 0x7b, 0x83);

QString ago(qint64 ms)
{
    if (ms < 0)
        return QObject::tr("never");
    return ms < 1000 ? QObject::tr("%1 ms ago").arg(ms) : QObject::tr("%1 s ago").arg(ms / 1000.0, 0, 'f', 1);
}

QString bytes(qint64 n)
{
    return QLocale().formattedDataSize(n, 1, QLocale::DataSizeTraditionalFormat);
}
} // namespace

TopologyView::TopologyView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("topology"));
    setAutoFillBackground(true);
}

void TopologyView::setSnapshot(const TopologySnapshot &snapshot)
{
    m_snapshot = snapshot;
    setToolTip(quorumText()); // the line under the diagram is elided when the pane is narrow
    if (snapshot.master.address == m_switchedTo)
        m_switchedTo = {};
    // A sentinel that answered this poll is reachable.
    for (const TopologySnapshot::Sentinel &s : snapshot.sentinels)
        if (s.reportedMaster.isValid())
            m_unreachable.remove(s.address);
    update();
}

void TopologyView::noteMasterSwitched(const HostPort &, const HostPort &newMaster)
{
    m_switchedTo = newMaster;
    update();
}

void TopologyView::setSentinelReachable(const HostPort &sentinel, bool reachable)
{
    if (reachable)
        m_unreachable.remove(sentinel);
    else
        m_unreachable.insert(sentinel);
    update();
}

void TopologyView::setWatching(bool watching)
{
    m_watching = watching;
    update();
}

QList<TopologyView::Box> TopologyView::masterBoxes() const
{
    if (!m_snapshot.isValid() && !m_switchedTo.isValid())
        return {};
    Box b;
    b.title = tr("master");
    const TopologySnapshot::Master &m = m_snapshot.master;
    if (m_switchedTo.isValid() && m_switchedTo != m.address) {
        b.address = m_switchedTo.toString();
        b.lines = {tr("⇄ switched here (+switch-master)"), tr("was %1").arg(m.address.toString())};
        b.colour = warn;
        return {b};
    }
    b.address = m.address.toString();
    const bool down = m.flags.contains("s_down") || m.flags.contains("o_down");
    b.colour = down ? bad : good;
    b.problem = down;
    b.lines.append(down ? tr("✗ %1").arg(QString::fromLatin1(m.flags)) : tr("✓ up"));
    b.lines.append(tr("config epoch %1").arg(m.configEpoch));
    if (m.replicationOffset >= 0)
        b.lines.append(tr("offset %1").arg(QLocale().toString(m.replicationOffset)));
    else if (m.infoDenied)
        b.lines.append(tr("offset not permitted: this user may not run INFO"));
    if (!m.roleVerified)
        b.lines.append(ResolvedMaster::roleNotVerifiedText());
    return {b};
}

QList<TopologyView::Box> TopologyView::replicaBoxes() const
{
    QList<Box> boxes;
    for (const TopologySnapshot::Replica &r : m_snapshot.replicas) {
        Box b;
        b.title = tr("replica");
        b.address = r.address.toString();
        const bool down = r.flags.contains("s_down") || r.flags.contains("disconnected");
        const bool linkDown = r.masterLinkStatus != "ok";
        if (down) {
            b.colour = bad;
            b.lines.append(tr("✗ down (%1)").arg(QString::fromLatin1(r.flags)));
        } else if (linkDown) {
            b.colour = warn;
            b.lines.append(tr("⚠ link to master down"));
        } else {
            b.colour = good;
            b.lines.append(tr("✓ link up"));
        }
        b.problem = down || linkDown;
        if (r.lagBytes >= 0)
            b.lines.append(tr("lag %1").arg(bytes(r.lagBytes)));
        else if (m_snapshot.master.infoDenied)
            b.lines.append(tr("lag unknown: this user may not run INFO on the master"));
        b.lines.append(tr("ping %1").arg(ago(r.lastOkPingMs)));
        b.lines.append(tr("priority %1").arg(r.priority));
        boxes.append(b);
    }
    return boxes;
}

QList<TopologyView::Box> TopologyView::sentinelBoxes() const
{
    QList<Box> boxes;
    const HostPort master = m_snapshot.master.address;
    for (const TopologySnapshot::Sentinel &s : m_snapshot.sentinels) {
        Box b;
        b.title = tr("sentinel");
        b.address = s.address.toString();
        const bool unreachable = m_unreachable.contains(s.address) || s.flags.contains("s_down")
                                 || (!s.reportedMaster.isValid() && !s.error.isEmpty());
        const bool disagrees = s.reportedMaster.isValid() && s.reportedMaster != master;
        if (unreachable) {
            b.colour = bad;
            b.lines.append(tr("✗ unreachable"));
        } else if (disagrees) {
            b.colour = bad;
            b.lines.append(tr("⚠ disagrees: says %1").arg(s.reportedMaster.toString()));
        } else {
            b.colour = good;
            b.lines.append(tr("✓ reachable"));
        }
        b.problem = unreachable || disagrees;
        if (!disagrees && s.reportedMaster.isValid())
            b.lines.append(tr("says %1").arg(s.reportedMaster.toString()));
        b.lines.append(tr("flags %1").arg(QString::fromLatin1(s.flags.isEmpty() ? QByteArray("?") : s.flags)));
        b.lines.append(tr("ping %1").arg(ago(s.lastOkPingMs)));
        boxes.append(b);
    }
    return boxes;
}

QStringList TopologyView::nodeTexts() const
{
    QStringList texts;
    for (const QList<Box> &row : {sentinelBoxes(), masterBoxes(), replicaBoxes()})
        for (const Box &b : row)
            texts.append(b.title + QLatin1Char(' ') + b.address + QStringLiteral(" · ")
                         + b.lines.join(QStringLiteral(" · ")));
    return texts;
}

QString TopologyView::quorumText() const
{
    if (!m_watching)
        return tr("Not connected");
    if (!m_snapshot.isValid())
        return tr("Waiting for the first snapshot…");
    return tr("Quorum %1 of %2 · CKQUORUM: %3")
        .arg(m_snapshot.master.quorum)
        .arg(countOf(m_snapshot.sentinels.size(), tr("sentinel"), tr("sentinels")))
        .arg(m_snapshot.quorumOk ? QString::fromUtf8(m_snapshot.quorumText)
                                 : tr("✗ %1").arg(QString::fromUtf8(m_snapshot.quorumText)));
}

void TopologyView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QList<Box> sentinels = sentinelBoxes();
    const QList<Box> masters = masterBoxes();
    const QList<Box> replicas = replicaBoxes();
    const int margin = 10;
    const int rowHeight = (height() - 2 * margin - 24) / 3;
    const QFontMetrics fm(font());
    const int lineHeight = fm.height();

    const auto layoutRow = [&](const QList<Box> &row, int y) {
        QList<QRect> rects;
        if (row.isEmpty())
            return rects;
        const int n = static_cast<int>(row.size());
        const int w = qMin(220, (width() - 2 * margin) / n - 12);
        const int h = qMin(rowHeight - 16, lineHeight * (2 + static_cast<int>(row.first().lines.size())) + 10);
        const int total = n * w + (n - 1) * 12;
        int x = (width() - total) / 2;
        for (int i = 0; i < n; ++i) {
            rects.append(QRect(x, y + (rowHeight - h) / 2, w, h));
            x += w + 12;
        }
        return rects;
    };
    const QList<QRect> sRects = layoutRow(sentinels, margin);
    const QList<QRect> mRects = layoutRow(masters, margin + rowHeight);
    const QList<QRect> rRects = layoutRow(replicas, margin + 2 * rowHeight);

    // Edges first: monitoring (dashed), replication (solid, with the lag).
    if (!mRects.isEmpty()) {
        const QRect m = mRects.first();
        for (int i = 0; i < sRects.size(); ++i) {
            QPen pen(sentinels.at(i).problem ? bad : neutral, 1.2, Qt::DashLine);
            p.setPen(pen);
            p.drawLine(sRects.at(i).center().x(), sRects.at(i).bottom(), m.center().x(), m.top());
        }
        for (int i = 0; i < rRects.size(); ++i) {
            QPen pen(replicas.at(i).problem ? bad : good, 2, replicas.at(i).problem ? Qt::DotLine : Qt::SolidLine);
            p.setPen(pen);
            p.drawLine(m.center().x(), m.bottom(), rRects.at(i).center().x(), rRects.at(i).top());
        }
    }

    const auto drawBox = [&](const Box &b, const QRect &r) {
        p.setPen(QPen(b.colour, b.problem ? 2.5 : 1.5));
        p.setBrush(palette().base());
        p.drawRoundedRect(r, 6, 6);
        p.fillRect(QRect(r.left() + 1, r.top() + 1, 6, r.height() - 2), b.colour);
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(palette().text().color());
        const QRect text = r.adjusted(12, 4, -6, -4);
        p.drawText(text.left(), text.top() + fm.ascent(),
                   fm.elidedText(b.title + QLatin1Char(' ') + b.address, Qt::ElideRight, text.width()));
        p.setFont(font());
        int y = text.top() + fm.ascent() + lineHeight;
        for (int i = 0; i < b.lines.size() && y < r.bottom(); ++i, y += lineHeight) {
            p.setPen(i == 0 ? b.colour.darker(120) : palette().text().color());
            p.drawText(text.left(), y, fm.elidedText(b.lines.at(i), Qt::ElideRight, text.width()));
        }
    };
    for (int i = 0; i < sentinels.size(); ++i)
        drawBox(sentinels.at(i), sRects.at(i));
    for (int i = 0; i < masters.size(); ++i)
        drawBox(masters.at(i), mRects.at(i));
    for (int i = 0; i < replicas.size(); ++i)
        drawBox(replicas.at(i), rRects.at(i));

    p.setPen(!m_snapshot.isValid() ? palette().placeholderText().color()
             : m_snapshot.quorumOk ? palette().text().color()
                                   : bad);
    const QRect quorumLine(margin, height() - margin - 20, width() - 2 * margin, 20);
    p.drawText(quorumLine, Qt::AlignCenter, fm.elidedText(quorumText(), Qt::ElideRight, quorumLine.width()));
}
