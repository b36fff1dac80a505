#include "eventtimeline.h"

#include "plural.h"
#include "theme.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

namespace {
// What tells events apart comes first: at 1024 px the text may be off to the right, the event and its node are not.
enum Column { TimeColumn, EventColumn, InstanceColumn, SentinelColumn, TextColumn, ColumnCount };
constexpr int KindRole = Qt::UserRole + 1;

// One cell of an export that is safe to open. What sentinels send is text from the network, and a spreadsheet runs a
// cell that starts with =, +, -, @ (or a tab or CR before one) as a formula: such a cell starts with a ' instead,
// which spreadsheets show as text (OWASP's advice; event names such as "+sdown" get it too). A plain number is left as
// it is. A cell with a comma, a quote, a line feed or a carriage return is quoted.
QString csvField(const QString &text)
{
    static const QRegularExpression number(QStringLiteral("^-?[0-9]+(\\.[0-9]+)?$"));
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    QString cell = text;
    if (!cell.isEmpty() && formulaStarts.contains(cell.front()) && !number.match(cell).hasMatch())
        cell.prepend(QLatin1Char('\''));
    if (!cell.contains(QLatin1Char(',')) && !cell.contains(QLatin1Char('"')) && !cell.contains(QLatin1Char('\n'))
        && !cell.contains(QLatin1Char('\r')))
        return cell;
    return QLatin1Char('"') + cell.replace(QLatin1String("\""), QLatin1String("\"\"")) + QLatin1Char('"');
}

// The colour of an event's name, as a Theme::Role (none: the text's own colour). Kept as a role, not a colour, so the
// table follows the palette when it turns light or dark.
constexpr int ToneRole = Qt::UserRole + 2;
} // namespace

// Kind and instance at once. As a proxy it checks each event once, when it arrives (QSortFilterProxyModel filters
// the rows inserted, not the others); it used to hide rows itself, and went over every row for every event.
class EventFilter final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setFilter(EventTimeline::Kind kind, const QString &instance)
    {
        if (kind == m_kind && instance == m_instance)
            return;
        m_kind = kind;
        m_instance = instance;
        invalidateFilter();
    }
    qint64 checks() const { return m_checks; }

    // Every cell's tooltip is its full text: a column may still be too narrow for a hostile sentinel's payload.
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::ToolTipRole)
            return QSortFilterProxyModel::data(index, Qt::DisplayRole);
        if (role == Qt::ForegroundRole) {
            const QVariant tone = QSortFilterProxyModel::data(index, ToneRole);
            return tone.isValid() ? QVariant(Theme::colour(Theme::Role(tone.toInt()))) : QVariant();
        }
        return QSortFilterProxyModel::data(index, role);
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        ++m_checks;
        const QAbstractItemModel *model = sourceModel();
        const auto kind = EventTimeline::Kind(model->index(row, TimeColumn, parent).data(KindRole).toInt());
        if (m_kind != EventTimeline::Kind::All && kind != m_kind)
            return false;
        return m_instance.isEmpty() || model->index(row, InstanceColumn, parent).data().toString().contains(m_instance)
               || model->index(row, SentinelColumn, parent).data().toString().contains(m_instance);
    }

private:
    EventTimeline::Kind m_kind = EventTimeline::Kind::All;
    QString m_instance;
    mutable qint64 m_checks = 0;
};

FailoverChart::FailoverChart(QWidget *parent)
    : QWidget(parent)
    , m_live(new QTimer(this))
{
    setObjectName(QStringLiteral("failovers"));
    setAccessibleName(tr("Failover timeline"));
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    m_live->setInterval(250);
    connect(m_live, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    stateChanged();
}

namespace {
// The phases each record shows, in the order they happen: the others announce the switch before the leader has
// reconfigured the last replica and ends.
struct PhaseLabel
{
    FailoverRecord::Phase phase;
    const char *label;
};
constexpr PhaseLabel phaseLabels[] = {
    {FailoverRecord::Started, QT_TRANSLATE_NOOP("FailoverChart", "detect")},
    {FailoverRecord::LeaderElected, QT_TRANSLATE_NOOP("FailoverChart", "leader")},
    {FailoverRecord::ReplicaSelected, QT_TRANSLATE_NOOP("FailoverChart", "select")},
    {FailoverRecord::ReplicaPromoted, QT_TRANSLATE_NOOP("FailoverChart", "promote")},
    {FailoverRecord::SwitchMaster, QT_TRANSLATE_NOOP("FailoverChart", "switch")},
    {FailoverRecord::ReplicasReconfigured, QT_TRANSLATE_NOOP("FailoverChart", "reconf")},
    {FailoverRecord::Ended, QT_TRANSLATE_NOOP("FailoverChart", "end")},
    {FailoverRecord::Aborted, QT_TRANSLATE_NOOP("FailoverChart", "abort")},
};

const char *phaseLabelSource(FailoverRecord::Phase phase)
{
    for (const PhaseLabel &label : phaseLabels)
        if (label.phase == phase)
            return label.label;
    return "";
}

QList<PhaseLabel> shownPhases(const FailoverRecord &r)
{
    QList<PhaseLabel> shown;
    for (const PhaseLabel &label : phaseLabels)
        if (label.phase != FailoverRecord::Aborted || r.isAborted())
            shown.append(label);
    return shown;
}

QString sinceStart(const FailoverRecord &r, FailoverRecord::Phase phase)
{
    if (!r.reached(phase))
        return QStringLiteral("–");
    return QObject::tr("+%1 s").arg(r.at.at(FailoverRecord::Started).msecsTo(r.at.at(phase)) / 1000.0, 0, 'f', 2);
}

// The end of a record's axis: its last phase, or now while it is open.
QDateTime axisEnd(const FailoverRecord &r)
{
    const QDateTime start = r.at.at(FailoverRecord::Started);
    if (!r.isFinished())
        return QDateTime::currentDateTimeUtc();
    QDateTime end = start;
    for (int ph = 0; ph < FailoverRecord::PhaseCount; ++ph)
        if (r.reached(FailoverRecord::Phase(ph)) && r.at.at(ph) > end)
            end = r.at.at(ph);
    return end;
}

constexpr int side = 12;     // left and right margin
constexpr int barHeight = 6; // the time axis
constexpr int fan = 8;       // room for the lines from the ticks to the labels
constexpr int dot = 6;       // the mark above a label
} // namespace

struct FailoverChart::Layout
{
    struct Record
    {
        int index = 0; // in m_records
        QRect rect;
        QRect headline;
        QRect bar;
        QList<QPair<FailoverRecord::Phase, QRect>> labels;
    };
    QList<Record> records; // newest first
    int height = 0;
};

FailoverChart::Layout FailoverChart::layoutFor(int width) const
{
    Layout layout;
    const QFontMetrics fm(font());
    const int usable = qMax(1, width - 2 * side);
    int y = 4;
    for (int i = static_cast<int>(m_records.size()) - 1; i >= 0; --i) {
        const FailoverRecord &r = m_records.at(i);
        Layout::Record rec;
        rec.index = i;
        rec.headline = QRect(side - 4, y, usable + 8, fm.height());
        rec.bar = QRect(side, rec.headline.bottom() + 4, usable, barHeight);
        // Every phase gets a column of the same width; when they do not fit in one row, they take two (or more).
        const QList<PhaseLabel> shown = shownPhases(r);
        int labelWidth = fm.horizontalAdvance(QStringLiteral("+0.00 s"));
        for (const PhaseLabel &label : shown)
            labelWidth = std::max({labelWidth, fm.horizontalAdvance(phaseLabel(label.phase)),
                                   fm.horizontalAdvance(sinceStart(r, label.phase))});
        labelWidth += 4;
        const int n = static_cast<int>(shown.size());
        const int perRow = qBound(1, usable / labelWidth, n);
        const int rows = (n + perRow - 1) / perRow;
        const int columnWidth = usable / perRow;
        const int labelHeight = dot + 2 * fm.height();
        int top = rec.bar.bottom() + fan;
        for (int k = 0; k < n; ++k) {
            const int row = k / perRow;
            const int column = k % perRow;
            rec.labels.append({shown.at(k).phase, QRect(side + column * columnWidth, top + row * (labelHeight + 2),
                                                        columnWidth, labelHeight)});
        }
        top += rows * (labelHeight + 2);
        rec.rect = QRect(0, y, width, top - y);
        layout.records.append(rec);
        y = rec.rect.bottom() + 6;
    }
    layout.height = m_records.isEmpty() ? 2 * fm.height() + 8 : y;
    return layout;
}

QString FailoverChart::phaseLabel(FailoverRecord::Phase phase)
{
    return tr(phaseLabelSource(phase));
}

int FailoverChart::heightForWidth(int width) const
{
    return layoutFor(width).height;
}

QSize FailoverChart::sizeHint() const
{
    return {480, heightForWidth(480)};
}

QSize FailoverChart::minimumSizeHint() const
{
    // Room for one record, the newest, whole.
    const Layout layout = layoutFor(qMax(width(), 200));
    return {200, layout.records.isEmpty() ? layout.height : layout.records.constFirst().rect.bottom() + 4};
}

void FailoverChart::setRecord(const FailoverRecord &record)
{
    bool found = false;
    for (FailoverRecord &r : m_records) {
        if (r.id == record.id) {
            r = record;
            found = true;
        }
    }
    if (!found) {
        m_records.append(record);
        if (m_records.size() > FailoverTracker::maxRecords)
            m_records.removeFirst(); // the tracker keeps no more either
    }
    bool open = false;
    for (const FailoverRecord &r : std::as_const(m_records))
        open = open || !r.isFinished();
    if (open)
        m_live->start();
    else
        m_live->stop();
    updateGeometry();
    stateChanged();
    if (!found)
        Q_EMIT recordAdded(record.id);
}

// What a screen reader reads: every record, newest first, with its phases.
void FailoverChart::stateChanged()
{
    setAccessibleDescription(m_records.isEmpty() ? tr("No failover yet.") : recordTexts().join(QLatin1Char('\n')));
    update();
}

QString FailoverChart::headline(const FailoverRecord &r) const
{
    QString text = tr("#%1  %2 → %3")
                       .arg(r.id)
                       .arg(r.oldMaster.toString(), r.newMaster.isValid() ? r.newMaster.toString() : tr("?"));
    if (r.isAborted())
        text += tr("  ·  ✗ aborted (%1)").arg(QString::fromLatin1(r.abortReason));
    else if (r.isFinished())
        text += tr("  ·  ✓ %1 s").arg(r.durationMs() / 1000.0, 0, 'f', 2);
    else
        text += tr("  ·  ⟳ in progress, %1 s")
                    .arg(r.at.at(FailoverRecord::Started).msecsTo(QDateTime::currentDateTimeUtc()) / 1000.0, 0, 'f', 1);
    text += tr("  ·  %1").arg(r.at.at(FailoverRecord::Started).toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    return text;
}

QStringList FailoverChart::recordTexts() const
{
    QStringList texts;
    for (auto it = m_records.crbegin(); it != m_records.crend(); ++it) {
        const FailoverRecord &r = *it;
        QStringList phases;
        for (int p = 0; p < FailoverRecord::PhaseCount; ++p)
            if (r.reached(FailoverRecord::Phase(p)))
                phases.append(FailoverRecord::phaseName(FailoverRecord::Phase(p)));
        texts.append(headline(r) + QStringLiteral(" · ") + phases.join(QStringLiteral(" > ")));
    }
    return texts;
}

QRect FailoverChart::recordRect(int id) const
{
    const Layout layout = layoutFor(width());
    for (const Layout::Record &rec : layout.records)
        if (m_records.at(rec.index).id == id)
            return rec.rect;
    return {};
}

QRect FailoverChart::phaseRect(int id, FailoverRecord::Phase phase) const
{
    const Layout layout = layoutFor(width());
    for (const Layout::Record &rec : layout.records) {
        if (m_records.at(rec.index).id != id)
            continue;
        for (const auto &[p, rect] : rec.labels)
            if (p == phase)
                return rect;
    }
    return {};
}

QString FailoverChart::phaseToolTip(int id, FailoverRecord::Phase phase) const
{
    for (const FailoverRecord &r : m_records) {
        if (r.id != id)
            continue;
        const QString name = FailoverRecord::phaseName(phase);
        if (!r.reached(phase))
            return r.isFinished() ? tr("%1: not reached").arg(name) : tr("%1: not yet").arg(name);
        const SentinelEvent &marker = r.markedBy.at(phase);
        QString text = tr("%1 at %2 (%3)")
                           .arg(name, r.at.at(phase).toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                                sinceStart(r, phase));
        if (!marker.name.isEmpty())
            text += QLatin1Char('\n') + tr("marked by %1").arg(marker.describe());
        return text;
    }
    return {};
}

bool FailoverChart::event(QEvent *e)
{
    if (e->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(e);
        const Layout layout = layoutFor(width());
        for (qsizetype k = 0; k < layout.records.size(); ++k) {
            const Layout::Record &rec = layout.records.at(k);
            const FailoverRecord &r = m_records.at(rec.index);
            for (const auto &[phase, rect] : rec.labels) {
                if (rect.contains(help->pos())) {
                    QToolTip::showText(help->globalPos(), phaseToolTip(r.id, phase), this, rect);
                    return true;
                }
            }
            if (rec.rect.contains(help->pos())) {
                QToolTip::showText(help->globalPos(), recordTexts().at(k), this, rec.rect);
                return true;
            }
        }
        QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

void FailoverChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm(font());
    if (m_records.isEmpty()) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect().adjusted(side, 0, -side, 0), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No failover yet. Each one appears here with its phases and duration."));
        return;
    }
    const Layout layout = layoutFor(width());
    QFont bold = font();
    bold.setBold(true);
    for (const Layout::Record &rec : layout.records) {
        const FailoverRecord &r = m_records.at(rec.index);
        const QColor state = Theme::colour(r.isAborted()    ? Theme::Role::Fault
                                           : r.isFinished() ? Theme::Role::Ok
                                                            : Theme::Role::Warning,
                                           palette());
        // "#3" in bold, then the rest.
        const QString number = tr("#%1").arg(r.id);
        const int numberWidth = QFontMetrics(bold).horizontalAdvance(number);
        p.setFont(bold);
        p.setPen(palette().text().color());
        p.drawText(rec.headline, Qt::AlignLeft | Qt::AlignVCenter, number);
        p.setFont(font());
        const QRect rest = rec.headline.adjusted(numberWidth, 0, 0, 0);
        p.drawText(rest, Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(headline(r).mid(number.size()), Qt::ElideRight, rest.width()));

        const QDateTime start = r.at.at(FailoverRecord::Started);
        const double span = qMax<qint64>(1, start.msecsTo(axisEnd(r)));
        p.setPen(Qt::NoPen);
        p.setBrush(state);
        p.drawRoundedRect(rec.bar, 3, 3);
        for (const auto &[phase, label] : rec.labels) {
            const bool reached = r.reached(phase);
            const QPoint mark(label.center().x(), label.top() + dot / 2);
            if (reached) {
                const int x = rec.bar.left() + static_cast<int>(rec.bar.width() * start.msecsTo(r.at.at(phase)) / span);
                p.setPen(QPen(palette().text().color(), 1.5));
                p.drawLine(x, rec.bar.top() - 2, x, rec.bar.bottom() + 2);
                // From the tick to its label: which phase happened when.
                p.setPen(QPen(palette().placeholderText().color(), 0.8));
                p.drawLine(x, rec.bar.bottom() + 2, mark.x(), mark.y());
            }
            p.setPen(reached ? palette().text().color() : palette().placeholderText().color());
            p.setBrush(reached ? QBrush(phase == FailoverRecord::Aborted ? Theme::colour(Theme::Role::Fault, palette())
                                                                         : palette().text().color())
                               : QBrush(Qt::NoBrush));
            p.drawEllipse(mark, dot / 2 - 1, dot / 2 - 1);
            const QRect name(label.left(), label.top() + dot, label.width(), fm.height());
            p.drawText(name, Qt::AlignHCenter | Qt::AlignTop,
                       fm.elidedText(phaseLabel(phase), Qt::ElideRight, name.width()));
            p.drawText(name.translated(0, fm.height()), Qt::AlignHCenter | Qt::AlignTop, sinceStart(r, phase));
        }
        p.setPen(QPen(palette().mid().color(), 1));
        p.drawLine(0, rec.rect.bottom() + 3, width(), rec.rect.bottom() + 3);
    }
}

EventTimeline::Kind EventTimeline::kindOf(const QByteArray &name)
{
    if (name == "+sdown" || name == "-sdown" || name == "+odown" || name == "-odown" || name == "+reboot")
        return Kind::DownUp;
    if (name.contains("failover") || name == "+new-epoch" || name == "+vote-for-leader" || name == "+elected-leader"
        || name == "+selected-slave" || name == "+promoted-slave" || name.startsWith("+slave-reconf")
        || name == "+switch-master" || name == "+config-update-from")
        return Kind::Failover;
    if (name == "+slave" || name == "+sentinel" || name == "-dup-sentinel" || name == "+convert-to-slave"
        || name == "+fix-slave-config" || name.endsWith("role-change") || name == "+monitor" || name == "-monitor"
        || name == "+reset-master")
        return Kind::Topology;
    return Kind::Other;
}

EventTimeline::EventTimeline(QWidget *parent)
    : QWidget(parent)
    , m_model(new QStandardItemModel(0, ColumnCount, this))
    , m_proxy(new EventFilter(this))
{
    m_model->setHorizontalHeaderLabels({tr("Time"), tr("Event"), tr("Instance"), tr("Sentinel"), tr("Text")});
    m_proxy->setSourceModel(m_model);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("eventKind"));
    m_kind->addItem(tr("All events"), int(Kind::All));
    m_kind->addItem(tr("Down and up"), int(Kind::DownUp));
    m_kind->addItem(tr("Failover"), int(Kind::Failover));
    m_kind->addItem(tr("Topology"), int(Kind::Topology));
    m_kind->addItem(tr("Other"), int(Kind::Other));
    m_instance = new QLineEdit(this);
    m_instance->setObjectName(QStringLiteral("eventInstance"));
    m_instance->setPlaceholderText(tr("Instance or sentinel, e.g. 127.0.0.1:6379"));
    m_instance->setClearButtonEnabled(true);
    auto *exportButton = new QPushButton(tr("Export…"), this);
    bar->addWidget(m_kind);
    bar->addWidget(m_instance, 1);
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    m_droppedLabel = new QLabel(this);
    m_droppedLabel->setObjectName(QStringLiteral("eventsDropped"));
    m_droppedLabel->setTextFormat(Qt::PlainText);
    m_droppedLabel->hide();
    layout->addWidget(m_droppedLabel);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("events"));
    m_table->setModel(m_proxy);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Every column but the text is as wide as its widest cell (fitColumns), so event names and addresses are never
    // cut; only the text, last, is elided on the right, and every cell's tooltip has it in full. (One line a row:
    // with word wrap, "127.0.0.1:6380 (slave)" broke at the space.)
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    // Until events come, each column is as wide as its title.
    for (int column = 0; column < TextColumn; ++column)
        m_table->horizontalHeader()->resizeSection(column, m_table->horizontalHeader()->fontMetrics().horizontalAdvance(
                                                               m_model->headerData(column, Qt::Horizontal).toString())
                                                               + 24);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Six rows at least, whatever the splitters do: fewer is not a log one can read.
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height()
                              + 6 * m_table->verticalHeader()->defaultSectionSize()
                              + m_table->horizontalScrollBar()->sizeHint().height() + 2 * m_table->frameWidth());
    // The failover records scroll (newest first) under the table, which keeps most of the height.
    m_chartArea = new QScrollArea(splitter);
    m_chartArea->setObjectName(QStringLiteral("failoverArea"));
    m_chartArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_chartArea->setFrameShape(QFrame::NoFrame);
    m_chart = new FailoverChart;
    m_chartArea->setWidget(m_chart);
    m_chartArea->viewport()->installEventFilter(this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_chartArea);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setCollapsible(0, false);
    splitter->setCollapsible(1, false);
    layout->addWidget(splitter, 1);
    connect(m_chart, &FailoverChart::recordAdded, this, [this] {
        fitChart();
        m_chartArea->verticalScrollBar()->setValue(0); // the newest is on top
    });

    connect(m_kind, &QComboBox::currentIndexChanged, this, &EventTimeline::applyFilters);
    connect(m_instance, &QLineEdit::textChanged, this, &EventTimeline::applyFilters);
    connect(exportButton, &QPushButton::clicked, this, &EventTimeline::exportInteractively);
}

void EventTimeline::addEvent(const SentinelEvent &e)
{
    m_events.append(e);
    QList<QStandardItem *> row;
    row.resize(ColumnCount);
    row[TimeColumn] = new QStandardItem(e.received.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")));
    row[EventColumn] = new QStandardItem(QString::fromUtf8(e.name));
    // The address first: when the pane is narrow, what the edge cuts off is the role, not the port.
    row[InstanceColumn] = new QStandardItem(
        e.instance.isValid() ? tr("%1 (%2)").arg(e.instance.toString(), QString::fromUtf8(e.instanceType)) : QString());
    row[SentinelColumn] = new QStandardItem(e.reporter.toString());
    row[TextColumn] = new QStandardItem(QString::fromUtf8(e.raw));
    row.first()->setData(int(kindOf(e.name)), KindRole);
    const Kind kind = kindOf(e.name);
    if (e.name.startsWith('-') && kind != Kind::Failover)
        row.at(EventColumn)->setData(int(Theme::Role::Ok), ToneRole);
    else if (kind == Kind::DownUp)
        row.at(EventColumn)->setData(int(Theme::Role::Fault), ToneRole);
    else if (kind == Kind::Failover)
        row.at(EventColumn)->setData(int(Theme::Role::Warning), ToneRole);
    fitColumns(row);
    m_model->appendRow(row);
    dropOldest();
    m_table->scrollToBottom();
}

// Widens a column to the widest cell it has held, so nothing but the text is ever cut: a few glyph widths an event,
// where letting the header size the columns to their contents would measure every row again. A sentinel can send an
// event name of any length; past maxColumnWidth the cell is cut on the right, and its tooltip has the rest.
void EventTimeline::fitColumns(const QList<QStandardItem *> &row)
{
    static constexpr int maxColumnWidth = 480;
    QHeaderView *header = m_table->horizontalHeader();
    const QFontMetrics fm(m_table->font());
    // The cell's margins as the style draws them, and a little air.
    const int padding = 2 * (m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 1) + 8;
    for (int column = 0; column < TextColumn; ++column) {
        const int wanted = qMin(maxColumnWidth, fm.horizontalAdvance(row.at(column)->text()) + padding);
        if (wanted > header->sectionSize(column))
            header->resizeSection(column, wanted);
    }
}

void EventTimeline::setRecord(const FailoverRecord &record)
{
    m_chart->setRecord(record);
    fitChart();
}

// The chart is as wide as the area and as tall as its records: the area scrolls it.
void EventTimeline::fitChart()
{
    m_chartArea->setMinimumHeight(m_chart->minimumSizeHint().height() + 2 * m_chartArea->frameWidth());
    const int width = m_chartArea->viewport()->width();
    m_chart->resize(width, qMax(m_chart->heightForWidth(width), m_chartArea->viewport()->height()));
}

bool EventTimeline::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_chartArea->viewport() && event->type() == QEvent::Resize)
        fitChart();
    return QWidget::eventFilter(watched, event);
}

void EventTimeline::setCapacity(int events)
{
    m_capacity = qMax(1, events);
    dropOldest();
}

void EventTimeline::dropOldest()
{
    const qsizetype excess = m_events.size() - m_capacity;
    if (excess <= 0)
        return;
    m_model->removeRows(0, static_cast<int>(excess));
    m_events.remove(0, excess);
    m_dropped += excess;
    m_droppedLabel->setText(droppedText());
    m_droppedLabel->show();
}

QString EventTimeline::droppedText() const
{
    if (m_dropped == 0)
        return {};
    return tr("%1 dropped: the table keeps the last %2.")
        .arg(countOf(m_dropped, tr("older event"), tr("older events")), QLocale().toString(m_capacity));
}

qint64 EventTimeline::filterChecks() const
{
    return m_proxy->checks();
}

void EventTimeline::applyFilters()
{
    m_proxy->setFilter(Kind(m_kind->currentData().toInt()), m_instance->text().trimmed());
}

void EventTimeline::setKindFilter(Kind kind)
{
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
}

void EventTimeline::setInstanceFilter(const QString &text)
{
    m_instance->setText(text);
}

int EventTimeline::visibleEventCount() const
{
    return m_proxy->rowCount();
}

QStringList EventTimeline::visibleEventNames() const
{
    QStringList names;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        names.append(m_proxy->index(row, EventColumn).data().toString());
    return names;
}

bool EventTimeline::exportTo(const QString &path, QString *error) const
{
    const auto write = [error](const QString &file, const QByteArray &data) {
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(data) != data.size() || !out.commit()) {
            *error = tr("Cannot write %1: %2").arg(file, out.errorString());
            return false;
        }
        return true;
    };
    if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        QJsonArray events;
        for (const SentinelEvent &e : m_events)
            events.append(QJsonDocument::fromJson(e.toJson()).object());
        QJsonArray failovers;
        for (const FailoverRecord &r : m_chart->records())
            failovers.append(QJsonDocument::fromJson(r.toJson()).object());
        return write(path, QJsonDocument(QJsonObject{{QStringLiteral("events"), events},
                                                     {QStringLiteral("dropped_events"), m_dropped},
                                                     {QStringLiteral("failovers"), failovers}})
                               .toJson());
    }
    QByteArray csv = "time,sentinel,event,instance_type,instance,master_name,text\n";
    for (const SentinelEvent &e : m_events) {
        const QStringList fields = {e.received.toString(Qt::ISODateWithMs),
                                    e.reporter.toString(),
                                    QString::fromUtf8(e.name),
                                    QString::fromUtf8(e.instanceType),
                                    e.instance.isValid() ? e.instance.toString() : QString(),
                                    QString::fromUtf8(e.masterName),
                                    QString::fromUtf8(e.raw)};
        QStringList quoted;
        for (const QString &f : fields)
            quoted.append(csvField(f));
        csv += quoted.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    if (!write(path, csv))
        return false;
    QByteArray records = "id,master_name,old_master,new_master,leader,started,ended,duration_ms,aborted\n";
    for (const FailoverRecord &r : m_chart->records()) {
        const QStringList fields = {QString::number(r.id),
                                    QString::fromUtf8(r.masterName),
                                    r.oldMaster.toString(),
                                    r.newMaster.isValid() ? r.newMaster.toString() : QString(),
                                    r.leader.isValid() ? r.leader.toString() : QString(),
                                    r.at.at(FailoverRecord::Started).toString(Qt::ISODateWithMs),
                                    r.at.at(FailoverRecord::Ended).toString(Qt::ISODateWithMs),
                                    QString::number(r.durationMs()),
                                    QString::fromUtf8(r.abortReason)};
        QStringList quoted;
        for (const QString &f : fields)
            quoted.append(csvField(f));
        records += quoted.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    QString recordsPath = path;
    recordsPath.insert(path.size() - 4, QStringLiteral("-failovers"));
    return write(recordsPath, records);
}

void EventTimeline::exportInteractively()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the event log"), QStringLiteral("sentinel-events.json"), tr("JSON (*.json);;CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, &error))
        QMessageBox::warning(this, tr("Export"), error);
}
