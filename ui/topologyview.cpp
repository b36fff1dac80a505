#include "topologyview.h"

#include "plural.h"
#include "sentinel/masterresolver.h"
#include "theme.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QTextLayout>
#include <QToolTip>

namespace {
Theme::Role roleOf(TopologyView::State state)
{
    switch (state) {
    case TopologyView::State::Good:
        return Theme::Role::Ok;
    case TopologyView::State::Connecting:
        return Theme::Role::Muted;
    case TopologyView::State::Settling:
    case TopologyView::State::Warning:
        return Theme::Role::Warning;
    case TopologyView::State::Fault:
        return Theme::Role::Fault;
    }
    return Theme::Role::Muted;
}

QString span(qint64 ms)
{
    return ms < 1000 ? QObject::tr("%1 ms").arg(ms) : QObject::tr("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

// Sentinel's last-ok-ping-reply counts from the node's last good reply, or from when the sentinel listed it: a switch
// lists every node anew, so the master just killed shows "48 ms". The figure is a time since a reply only while the
// sentinel has a link that answers, and the age of an outage only once the sentinel itself flags the node s_down
// (then it is at least down-after). Anything else says nothing rather than something false.
QString pingLine(const QByteArray &flags, qint64 lastOkPingMs, bool saidDownElsewhere)
{
    if (lastOkPingMs < 0)
        return {};
    if (flags.contains("s_down"))
        return QObject::tr("no reply for %1").arg(span(lastOkPingMs));
    if (saidDownElsewhere || flags.contains("disconnected"))
        return {};
    return QObject::tr("ping %1 ago").arg(span(lastOkPingMs));
}

QString bytes(qint64 n)
{
    return QLocale().formattedDataSize(n, 1, QLocale::DataSizeTraditionalFormat);
}

bool isDown(const QByteArray &flags)
{
    return flags.contains("s_down") || flags.contains("o_down");
}

constexpr int margin = 6;
constexpr int gap = 8;
constexpr int quorumPadding = 4;
} // namespace

TopologyView::TopologyView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("topology"));
    setAutoFillBackground(true);
    setMouseTracking(true);
    setAccessibleName(tr("Topology diagram"));
    stateChanged();
}

void TopologyView::setSnapshot(const TopologySnapshot &snapshot)
{
    m_snapshot = snapshot;
    if (snapshot.master.address == m_switchedTo)
        m_switchedTo = {};
    // A sentinel that answered this poll is reachable.
    for (const TopologySnapshot::Sentinel &s : snapshot.sentinels)
        if (s.reach == TopologySnapshot::Sentinel::Reach::Answered)
            m_unreachable.remove(s.address);
    stateChanged();
}

void TopologyView::noteMasterSwitched(const HostPort &, const HostPort &newMaster)
{
    m_switchedTo = newMaster;
    stateChanged();
}

void TopologyView::setSentinelReachable(const HostPort &sentinel, bool reachable)
{
    if (reachable) {
        m_unreachable.remove(sentinel);
        m_subscribed.insert(sentinel);
    } else {
        m_unreachable.insert(sentinel);
        m_subscribed.remove(sentinel);
    }
    stateChanged();
}

void TopologyView::setWaitingText(const QString &text)
{
    if (text == m_waitingText)
        return;
    m_waitingText = text;
    stateChanged();
}

void TopologyView::setWatching(bool watching)
{
    m_watching = watching;
    stateChanged();
}

// The tooltip of the line under the diagram (wrapped when the pane is narrow) and what a screen reader reads.
void TopologyView::stateChanged()
{
    setToolTip(quorumText());
    QStringList description{quorumText()};
    const QStringList alarmed = alarms();
    description.append(alarmed.isEmpty() ? tr("No alarms.")
                                         : tr("%1:").arg(countOf(alarmed.size(), tr("alarm"), tr("alarms"))));
    description.append(alarmed);
    description.append(nodeTexts());
    setAccessibleDescription(description.join(QLatin1Char('\n')));
    update();
}

QList<TopologyView::Box> TopologyView::masterBoxes() const
{
    if (!m_snapshot.isValid() && !m_switchedTo.isValid())
        return {};
    Box b;
    b.title = tr("master");
    b.row = 1;
    const TopologySnapshot::Master &m = m_snapshot.master;
    if (m_switchedTo.isValid() && m_switchedTo != m.address) {
        b.node = m_switchedTo;
        b.address = m_switchedTo.toString();
        b.lines = {tr("⇄ switched here (+switch-master)"), tr("was %1").arg(m.address.toString())};
        b.state = State::Settling;
        return {b};
    }
    b.node = m.address;
    b.address = m.address.toString();
    if (isDown(m.flags)) {
        // In words: its raw flags ("master,s_down,o_down,failover_in_progress") were cut in the middle at 1024×700.
        b.state = State::Fault;
        b.lines.append(m.flags.contains("o_down") ? tr("✗ down (o_down)") : tr("✗ down (s_down)"));
        if (m.flags.contains("failover_in_progress"))
            b.lines.append(tr("⟳ failover under way"));
    } else if (m.flags.contains("failover_in_progress")) {
        b.state = State::Settling;
        b.lines.append(tr("⟳ failover under way"));
    } else if (m.connectionFailed) {
        // Vigil's own connection failed, and the sentinels have not judged yet (they wait down-after): a kill -9 read
        // "✓ up" here for a second while the Deployment tab said it cannot reach the master. Amber, not red: a
        // bastion or a firewall between Vigil and the master is not a fault of the deployment.
        b.state = State::Warning;
        b.lines.append(tr("⚠ not answering Vigil"));
        // The box names the node already: "master 127.0.0.1:37925: connection lost" was cut to "master
        // 127.0.0....connection lost" at 1024×700.
        const QString named = QStringLiteral("master %1: ").arg(m.address.toString());
        b.lines.append(m.error.startsWith(named) ? m.error.mid(named.size()) : m.error);
    } else {
        b.lines.append(tr("✓ up"));
    }
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
        b.row = 2;
        b.node = r.address;
        b.address = r.address.toString();
        if (isDown(r.flags)) {
            b.state = State::Fault;
            b.lines.append(tr("✗ down (%1)").arg(QString::fromLatin1(r.flags)));
        } else if (!r.downSaidBy.isEmpty()) {
            // The polled sentinel has not flagged it yet (after a switch it waits down-after before it does), but
            // another one said so on pub/sub, and nothing has a link to it: down, not re-syncing.
            b.state = State::Fault;
            b.lines.append(tr("✗ down (+sdown)"));
            b.lines.append(r.downSaidBy.size() == 1 ? tr("said by %1").arg(r.downSaidBy.first().toString())
                                                    : tr("said by %1 sentinels").arg(r.downSaidBy.size()));
        } else if (r.resyncing) {
            // Sentinel reconfigures it (or has just done so) and reconnects to it: expected, and it passes.
            b.state = State::Settling;
            b.lines.append(tr("⟳ re-syncing after the failover"));
        } else if (r.flags.contains("disconnected")) {
            // Sentinel has no link to it yet; it would flag it s_down if that lasted.
            b.state = State::Connecting;
            b.lines.append(tr("… connecting…"));
        } else if (r.masterLinkStatus != "ok") {
            b.state = State::Warning;
            b.lines.append(tr("⚠ link to master down"));
        } else {
            b.lines.append(tr("✓ link up"));
        }
        if (r.lagBytes >= 0)
            b.lines.append(tr("lag %1").arg(bytes(r.lagBytes)));
        else if (m_snapshot.master.infoDenied)
            b.lines.append(tr("lag unknown: this user may not run INFO on the master"));
        if (const QString ping = pingLine(r.flags, r.lastOkPingMs, !r.downSaidBy.isEmpty()); !ping.isEmpty())
            b.lines.append(ping);
        b.lines.append(tr("priority %1").arg(r.priority));
        boxes.append(b);
    }
    return boxes;
}

QList<TopologyView::Box> TopologyView::sentinelBoxes() const
{
    using Reach = TopologySnapshot::Sentinel::Reach;
    QList<Box> boxes;
    const HostPort master = m_snapshot.master.address;
    for (const TopologySnapshot::Sentinel &s : m_snapshot.sentinels) {
        Box b;
        b.title = tr("sentinel");
        b.row = 0;
        b.node = s.address;
        b.address = s.address.toString();
        const bool failed = m_unreachable.contains(s.address) || s.flags.contains("s_down") || s.reach == Reach::Failed;
        const bool answered = s.reach == Reach::Answered;
        const bool disagrees = answered && s.reportedMaster.isValid() && s.reportedMaster != master;
        if (failed) {
            b.state = State::Fault;
            b.lines.append(tr("✗ unreachable"));
            if (!s.error.isEmpty())
                b.lines.append(s.error);
        } else if (disagrees && m_snapshot.settling) {
            // During a failover the sentinels switch one by one, the leader names the old master until its very end,
            // and a sentinel reconfiguring the replicas already names the promoted one.
            b.state = State::Settling;
            b.lines.append(tr("⟳ says %1 (failover under way)").arg(s.reportedMaster.toString()));
        } else if (disagrees) {
            b.state = State::Fault;
            b.lines.append(tr("⚠ disagrees: says %1").arg(s.reportedMaster.toString()));
        } else if (answered) {
            b.lines.append(tr("✓ reachable"));
            // It names the master drawn below (the one that disagrees says which it names instead).
            if (s.reportedMaster.isValid())
                b.lines.append(tr("names the master"));
        } else if (m_subscribed.contains(s.address)) {
            b.lines.append(tr("✓ reachable"));
            b.lines.append(tr("waiting for its answer"));
        } else {
            b.state = State::Connecting;
            b.lines.append(tr("… connecting…"));
        }
        // Its flags as the polled sentinel sees them. "sentinel" the row says already; "master_down" (it voted the
        // master down, during a failover) is said in words: "flags sentinel,master_down" was cut to "flags
        // senti…master_down" in a box at 1024×700. Any other flag is shown as it is.
        QByteArrayList flags = s.flags.split(',');
        flags.removeAll("sentinel");
        flags.removeAll(QByteArray());
        // Its vote is refreshed only while the master is in doubt, and outlives a failover by seconds: under a master
        // the polled sentinel sees up, "says the master is down" was a stale vote shouting over a healthy master.
        if (flags.removeAll("master_down") > 0 && isDown(m_snapshot.master.flags))
            b.lines.append(tr("says the master is down"));
        if (!flags.isEmpty())
            b.lines.append(tr("flags %1").arg(QString::fromLatin1(flags.join(','))));
        if (const QString ping = pingLine(s.flags, s.lastOkPingMs, false); !ping.isEmpty())
            b.lines.append(ping);
        boxes.append(b);
    }
    return boxes;
}

QList<TopologyView::Box> TopologyView::boxes() const
{
    return sentinelBoxes() + masterBoxes() + replicaBoxes();
}

QString TopologyView::text(const Box &b)
{
    return b.title + QLatin1Char(' ') + b.address + QStringLiteral(" · ") + b.lines.join(QStringLiteral(" · "));
}

QStringList TopologyView::nodeTexts() const
{
    QStringList texts;
    for (const Box &b : boxes())
        texts.append(text(b));
    return texts;
}

QStringList TopologyView::alarms() const
{
    QStringList texts;
    for (const Box &b : boxes())
        if (b.state == State::Fault)
            texts.append(text(b));
    return texts;
}

TopologyView::State TopologyView::stateOf(const HostPort &address) const
{
    for (const Box &b : boxes())
        if (b.node == address)
            return b.state;
    return State::Connecting;
}

QString TopologyView::quorumText() const
{
    if (!m_watching)
        return tr("Not connected");
    if (!m_snapshot.isValid())
        return m_waitingText.isEmpty() ? tr("Waiting for the sentinels' first answer…") : m_waitingText;
    return tr("Quorum %1 of %2 · CKQUORUM: %3")
        .arg(m_snapshot.master.quorum)
        .arg(countOf(m_snapshot.sentinels.size(), tr("sentinel"), tr("sentinels")))
        .arg(m_snapshot.quorumOk ? QString::fromUtf8(m_snapshot.quorumText)
                                 : tr("✗ %1").arg(QString::fromUtf8(m_snapshot.quorumText)));
}

// Three rows (sentinels, master, replicas), each box as wide as the row allows up to 220 px, and as tall as its lines
// need while the row has room. The address is a line of its own, so a narrow box keeps the port in view.
QList<QRect> TopologyView::layout(const QList<Box> &all) const
{
    const int rowHeight = (height() - 2 * margin - quorumHeight()) / 3;
    const int lineHeight = fontMetrics().height();
    QList<QRect> rects(all.size());
    for (int row = 0; row < 3; ++row) {
        QList<int> members;
        int lines = 0;
        for (int i = 0; i < all.size(); ++i) {
            if (all.at(i).row == row) {
                members.append(i);
                lines = qMax(lines, static_cast<int>(all.at(i).lines.size()));
            }
        }
        if (members.isEmpty())
            continue;
        const int n = static_cast<int>(members.size());
        const int w = qMin(220, (width() - 2 * margin - (n - 1) * gap) / n);
        const int h = qMin(rowHeight - 8, lineHeight * (1 + lines) + 14);
        const int y = margin + row * rowHeight + (rowHeight - h) / 2;
        int x = (width() - (n * w + (n - 1) * gap)) / 2;
        for (int i : std::as_const(members)) {
            rects[i] = QRect(x, y, w, h);
            x += w + gap;
        }
    }
    return rects;
}

QRect TopologyView::nodeRect(const HostPort &address) const
{
    const QList<Box> all = boxes();
    const QList<QRect> rects = layout(all);
    for (int i = 0; i < all.size(); ++i)
        if (all.at(i).node == address)
            return rects.at(i);
    return {};
}

bool TopologyView::event(QEvent *e)
{
    // Over a node: its lines in full (a narrow box elides them). Elsewhere: the quorum line.
    if (e->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(e);
        const QList<Box> all = boxes();
        const QList<QRect> rects = layout(all);
        for (int i = 0; i < all.size(); ++i) {
            if (rects.at(i).contains(help->pos())) {
                const Box &b = all.at(i);
                QToolTip::showText(help->globalPos(),
                                   b.title + QLatin1Char(' ') + b.address + QLatin1Char('\n')
                                       + b.lines.join(QLatin1Char('\n')),
                                   this, rects.at(i));
                return true;
            }
        }
    }
    return QWidget::event(e);
}

void TopologyView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QList<Box> all = boxes();
    const QList<QRect> rects = layout(all);
    const QFontMetrics fm(font());
    const int lineHeight = fm.height();

    // Edges first: monitoring from each sentinel (dashed), replication to each replica (solid while the link is up).
    QRect master;
    for (int i = 0; i < all.size(); ++i)
        if (all.at(i).row == 1)
            master = rects.at(i);
    if (master.isValid()) {
        for (int i = 0; i < all.size(); ++i) {
            const Box &b = all.at(i);
            const QRect r = rects.at(i);
            if (b.row == 0) {
                const bool alarm = b.state == State::Fault || b.state == State::Warning;
                p.setPen(QPen(colourOf(alarm ? b.state : State::Connecting), 1.2, Qt::DashLine));
                p.drawLine(r.center().x(), r.bottom(), master.center().x(), master.top());
            } else if (b.row == 2) {
                const Qt::PenStyle style = b.state == State::Good                                 ? Qt::SolidLine
                                           : b.state == State::Fault || b.state == State::Warning ? Qt::DotLine
                                                                                                  : Qt::DashLine;
                p.setPen(QPen(colourOf(b.state), 2, style));
                p.drawLine(master.center().x(), master.bottom(), r.center().x(), r.top());
            }
        }
    }

    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics smallMetrics(small);
    const QFontMetrics boldMetrics(bold);
    for (int i = 0; i < all.size(); ++i) {
        const Box &b = all.at(i);
        const QRect r = rects.at(i);
        const QColor colour = colourOf(b.state);
        const bool alarm = b.state == State::Fault || b.state == State::Warning;
        p.setPen(QPen(colour, alarm ? 2.5 : 1.5, b.state == State::Connecting ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(palette().base());
        p.drawRoundedRect(r, 6, 6);
        p.fillRect(QRect(r.left() + 1, r.top() + 1, 6, r.height() - 2), colour);
        // The role, as a legend on the top border.
        const QString legend = b.title;
        const QRect legendRect(r.left() + 14, r.top() - smallMetrics.ascent() / 2 - 1,
                               smallMetrics.horizontalAdvance(legend) + 6, smallMetrics.height());
        p.fillRect(legendRect, palette().window());
        p.setFont(small);
        p.setPen(colourOf(State::Connecting));
        p.drawText(legendRect, Qt::AlignCenter, legend);

        const QRect text = r.adjusted(11, 6, -4, -4);
        p.setFont(bold);
        p.setPen(palette().text().color());
        int y = text.top() + fm.ascent();
        // Cut in the middle if ever it must: the port is what tells the nodes apart.
        p.drawText(text.left(), y, boldMetrics.elidedText(b.address, Qt::ElideMiddle, text.width()));
        p.setFont(font());
        y += lineHeight;
        for (int l = 0; l < b.lines.size() && y <= r.bottom() - 2; ++l, y += lineHeight) {
            // The state's words in the state's colour, which reads on the box's base in either theme.
            p.setPen(l == 0 ? colour : palette().text().color());
            p.drawText(text.left(), y, fm.elidedText(b.lines.at(l), Qt::ElideMiddle, text.width()));
        }
    }

    // The quorum line, or while there is no snapshot what the view waits for: wrapped, never cut, so the whole
    // sentence shows (the reason a deployment gives no picture can be long).
    p.setPen(!m_snapshot.isValid() ? colourOf(State::Connecting)
             : m_snapshot.quorumOk ? palette().text().color()
                                   : colourOf(State::Fault));
    const QStringList lines = quorumLines();
    int y = height() - margin - quorumHeight() + quorumPadding / 2;
    for (const QString &line : lines) {
        p.drawText(QRect(margin, y, width() - 2 * margin, lineHeight), Qt::AlignCenter, line);
        y += lineHeight;
    }
}

QColor TopologyView::colourOf(State state) const
{
    return Theme::colour(roleOf(state), palette());
}

QStringList TopologyView::quorumLines() const
{
    const QString text = quorumText();
    QTextLayout layout(text, font());
    QTextOption option(Qt::AlignCenter);
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    QStringList lines;
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(qMax(1, width() - 2 * margin));
        lines.append(text.mid(line.textStart(), line.textLength()).trimmed());
    }
    layout.endLayout();
    return lines;
}

int TopologyView::quorumHeight() const
{
    return static_cast<int>(qMax<qsizetype>(1, quorumLines().size())) * fontMetrics().height() + quorumPadding;
}
