#include "eventtimeline.h"

#include "plural.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
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
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace {
enum Column { TimeColumn, SentinelColumn, EventColumn, InstanceColumn, TextColumn, ColumnCount };
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

const QColor good(0x2a, 0xa1, 0x98);
const QColor warn(0xb5, 0x89, 0x00);
const QColor bad(0xdc, 0x32, 0x2f);
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
    m_live->setInterval(250);
    connect(m_live, &QTimer::timeout, this, qOverload<>(&QWidget::update));
}

QSize FailoverChart::sizeHint() const
{
    return {560, qMax(60, 58 * static_cast<int>(m_records.size()) + 8)};
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
        text += tr("  ·  ⏳ in progress, %1 s")
                    .arg(r.at.at(FailoverRecord::Started).msecsTo(QDateTime::currentDateTimeUtc()) / 1000.0, 0, 'f', 1);
    return text;
}

QStringList FailoverChart::recordTexts() const
{
    QStringList texts;
    for (const FailoverRecord &r : m_records) {
        QStringList phases;
        for (int p = 0; p < FailoverRecord::PhaseCount; ++p)
            if (r.reached(FailoverRecord::Phase(p)))
                phases.append(FailoverRecord::phaseName(FailoverRecord::Phase(p)));
        texts.append(headline(r) + QStringLiteral(" · ") + phases.join(QStringLiteral(" > ")));
    }
    return texts;
}

void FailoverChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm(font());
    if (m_records.isEmpty()) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect(), Qt::AlignCenter, tr("No failover yet. Each one appears here with its phases and duration."));
        return;
    }
    static const QList<QPair<FailoverRecord::Phase, QString>> ticks
        = {{FailoverRecord::Started, QStringLiteral("detect")},
           {FailoverRecord::LeaderElected, QStringLiteral("leader")},
           {FailoverRecord::ReplicaSelected, QStringLiteral("select")},
           {FailoverRecord::ReplicaPromoted, QStringLiteral("promote")},
           {FailoverRecord::SwitchMaster, QStringLiteral("switch")},
           {FailoverRecord::ReplicasReconfigured, QStringLiteral("reconf")},
           {FailoverRecord::Ended, QStringLiteral("end")},
           {FailoverRecord::Aborted, QStringLiteral("abort")}};
    int y = 4;
    for (const FailoverRecord &r : m_records) {
        p.setPen(palette().text().color());
        p.drawText(8, y + fm.ascent(), headline(r));
        const QDateTime start = r.at.at(FailoverRecord::Started);
        QDateTime end = QDateTime::currentDateTimeUtc();
        if (r.isFinished()) {
            end = start;
            for (int ph = 0; ph < FailoverRecord::PhaseCount; ++ph)
                if (r.reached(FailoverRecord::Phase(ph)) && r.at.at(ph) > end)
                    end = r.at.at(ph);
        }
        const double span = qMax<qint64>(1, start.msecsTo(end));
        const QRect bar(12, y + fm.height() + 4, width() - 24, 8);
        p.setPen(Qt::NoPen);
        p.setBrush(r.isAborted() ? bad : r.isFinished() ? good : warn);
        p.drawRoundedRect(bar, 3, 3);
        int lastLabelRight = -1000;
        for (const auto &[phase, label] : ticks) {
            if (!r.reached(phase))
                continue;
            const int x = bar.left() + static_cast<int>(bar.width() * start.msecsTo(r.at.at(phase)) / span);
            p.setPen(QPen(palette().text().color(), 1.5));
            p.drawLine(x, bar.top() - 2, x, bar.bottom() + 3);
            const QString text
                = QStringLiteral("%1 +%2s").arg(label).arg(start.msecsTo(r.at.at(phase)) / 1000.0, 0, 'f', 1);
            const int w = fm.horizontalAdvance(text);
            const int tx = qBound(0, x - w / 2, width() - w);
            if (tx > lastLabelRight + 4) {
                p.drawText(tx, bar.bottom() + 4 + fm.ascent(), text);
                lastLabelRight = tx + w;
            }
        }
        y += 58;
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
    m_model->setHorizontalHeaderLabels({tr("Time"), tr("Sentinel"), tr("Event"), tr("Instance"), tr("Text")});
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
    // Addresses end in the port, which is what tells nodes apart here: cut them in the middle, not at the end.
    // (One line a row: with word wrap, "slave 127.0.0.1:6380" broke at the space and showed only "slave ...".)
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_chart = new FailoverChart(splitter);
    splitter->addWidget(m_table);
    splitter->addWidget(m_chart);
    layout->addWidget(splitter, 1);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &EventTimeline::applyFilters);
    connect(m_instance, &QLineEdit::textChanged, this, &EventTimeline::applyFilters);
    connect(exportButton, &QPushButton::clicked, this, &EventTimeline::exportInteractively);
}

void EventTimeline::addEvent(const SentinelEvent &e)
{
    m_events.append(e);
    QList<QStandardItem *> row;
    row << new QStandardItem(e.received.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")))
        << new QStandardItem(e.reporter.toString()) << new QStandardItem(QString::fromUtf8(e.name))
        << new QStandardItem(e.instance.isValid()
                                 ? QString::fromUtf8(e.instanceType) + QLatin1Char(' ') + e.instance.toString()
                                 : QString())
        << new QStandardItem(QString::fromUtf8(e.raw));
    row.first()->setData(int(kindOf(e.name)), KindRole);
    const Kind kind = kindOf(e.name);
    const QColor colour = e.name.startsWith('-') && kind != Kind::Failover ? good
                          : kind == Kind::DownUp                           ? bad
                          : kind == Kind::Failover                         ? warn
                                                                           : QColor();
    if (colour.isValid())
        row.at(EventColumn)->setForeground(colour);
    m_model->appendRow(row);
    dropOldest();
    m_table->scrollToBottom();
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
