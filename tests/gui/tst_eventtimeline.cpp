#include "eventtimeline.h"
#include "sentinel/failovertracker.h"

#include <QAccessible>
#include <QApplication>
#include <QFile>
#include <QHeaderView>
#include <QHelpEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <QWheelEvent>

// The event table under a flood, and its exports opened by a spreadsheet: a ring that says how many events it dropped,
// a filter that checks each new event once, and CSV cells that cannot run as formulas.
class TestEventTimeline final : public QObject
{
    Q_OBJECT

private:
    static const HostPort sentinel;

    static SentinelEvent event(const QByteArray &name, int port, const QByteArray &extra = {})
    {
        return SentinelEvent::parse(name,
                                    "slave 127.0.0.1:" + QByteArray::number(port) + " 127.0.0.1 "
                                        + QByteArray::number(port) + " @ vigil 127.0.0.1 6379" + extra,
                                    sentinel);
    }

    // The events of one failover as Sentinel publishes them, `ms` apart, with the master moving from `from` to `to`.
    static QList<SentinelEvent> failover(int from, int to, const QDateTime &start, int ms = 150)
    {
        const QByteArray old = "127.0.0.1 " + QByteArray::number(from);
        const QByteArray promoted = "127.0.0.1:" + QByteArray::number(to) + " 127.0.0.1 " + QByteArray::number(to);
        const QList<QPair<QByteArray, QByteArray>> steps = {
            {"+try-failover", "master vigil " + old},
            {"+elected-leader", "master vigil " + old},
            {"+failover-state-select-slave", "master vigil " + old},
            {"+selected-slave", "slave " + promoted + " @ vigil " + old},
            {"+promoted-slave", "slave " + promoted + " @ vigil " + old},
            {"+switch-master", "vigil " + old + " 127.0.0.1 " + QByteArray::number(to)},
            {"+slave-reconf-done", "slave 127.0.0.1:7000 127.0.0.1 7000 @ vigil " + old},
            {"+failover-end", "master vigil " + old},
        };
        QList<SentinelEvent> events;
        for (qsizetype i = 0; i < steps.size(); ++i)
            events.append(SentinelEvent::parse(steps.at(i).first, steps.at(i).second, sentinel,
                                               start.addMSecs(static_cast<int>(i) * ms)));
        return events;
    }

    static QStringList csvLines(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void keepsTheLastEventsAndSaysHowManyItDropped()
    {
        EventTimeline timeline;
        timeline.show();
        timeline.setCapacity(100);
        auto *dropped = timeline.findChild<QLabel *>(QStringLiteral("eventsDropped"));
        QVERIFY(dropped);
        for (int i = 0; i < 100; ++i)
            timeline.addEvent(event("+sdown", 10000 + i));
        QCOMPARE(timeline.visibleEventCount(), 100);
        QVERIFY(dropped->isHidden());

        for (int i = 100; i < 250; ++i)
            timeline.addEvent(event("+sdown", 10000 + i));
        QCOMPARE(timeline.visibleEventCount(), 100);
        QCOMPARE(timeline.droppedEventCount(), qint64(150));
        QVERIFY(dropped->isVisible());
        QCOMPARE(dropped->text(), QStringLiteral("150 older events dropped: the table keeps the last 100."));
        // The oldest went: the filter finds the newest, not the first.
        timeline.setInstanceFilter(QStringLiteral("127.0.0.1:10149"));
        QCOMPARE(timeline.visibleEventCount(), 0);
        timeline.setInstanceFilter(QStringLiteral("127.0.0.1:10150"));
        QCOMPARE(timeline.visibleEventCount(), 1);
        timeline.setInstanceFilter(QStringLiteral("127.0.0.1:10249"));
        QCOMPARE(timeline.visibleEventCount(), 1);

        QTemporaryDir dir;
        QString error;
        QVERIFY2(timeline.exportTo(dir.filePath(QStringLiteral("log.json")), &error), qPrintable(error));
        QFile json(dir.filePath(QStringLiteral("log.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(root.value(QStringLiteral("events")).toArray().size(), 100);
        QCOMPARE(root.value(QStringLiteral("dropped_events")).toInteger(), 150);
    }

    void filtersEachNewEventOnce()
    {
        EventTimeline timeline;
        timeline.setCapacity(1000);
        timeline.setKindFilter(EventTimeline::Kind::Failover);
        for (int i = 0; i < 1000; ++i)
            timeline.addEvent(event(i % 10 == 0 ? "+promoted-slave" : "+sdown", 10000 + i));
        QCOMPARE(timeline.visibleEventCount(), 100);

        // One more event, with the ring full: that event is checked, and none of the thousand before it.
        const qint64 before = timeline.filterChecks();
        timeline.addEvent(event("+switch-master", 20000));
        QCOMPARE(timeline.filterChecks() - before, qint64(1));
        QCOMPARE(timeline.visibleEventCount(), 100); // the oldest, a +promoted-slave, went; the switch came
        QCOMPARE(timeline.visibleEventNames().constLast(), QStringLiteral("+switch-master"));

        // A new filter is what checks them all again, and it finds the right ones.
        timeline.setKindFilter(EventTimeline::Kind::DownUp);
        QCOMPARE(timeline.visibleEventCount(), 900);
        timeline.setKindFilter(EventTimeline::Kind::All);
        timeline.setInstanceFilter(QStringLiteral("127.0.0.1:10999"));
        QCOMPARE(timeline.visibleEventNames(), QStringList{QStringLiteral("+sdown")});
    }

    // Three failovers: the newest is on top and in view, every phase of it is labelled in full with a tooltip that
    // says when and which event marked it, and the wheel scrolls down to the older ones.
    void showsTheNewestFailoverFirst()
    {
        EventTimeline timeline;
        timeline.resize(470, 330); // the Topology tab's timeline at 1024×700
        timeline.show();
        QVERIFY(QTest::qWaitForWindowExposed(&timeline));
        FailoverTracker tracker("vigil");
        connect(&tracker, &FailoverTracker::failoverStarted, &timeline, &EventTimeline::setRecord);
        connect(&tracker, &FailoverTracker::failoverUpdated, &timeline, &EventTimeline::setRecord);
        connect(&tracker, &FailoverTracker::failoverFinished, &timeline, &EventTimeline::setRecord);
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-60);
        const QList<QPair<int, int>> switches = {{6379, 6380}, {6380, 6381}, {6381, 6379}};
        for (qsizetype i = 0; i < switches.size(); ++i)
            for (const SentinelEvent &e :
                 failover(switches.at(i).first, switches.at(i).second, start.addSecs(10 * static_cast<int>(i))))
                tracker.handleEvent(e);
        FailoverChart *chart = timeline.chart();
        QCOMPARE(chart->records().size(), 3);
        QVERIFY(chart->records().constLast().isFinished());
        QVERIFY2(chart->recordTexts().first().startsWith(QStringLiteral("#3  127.0.0.1:6381 → 127.0.0.1:6379")),
                 qPrintable(chart->recordTexts().first()));

        // The newest record is in view, the oldest is not: the area scrolls.
        QScrollArea *area = timeline.chartArea();
        const QRect visible(area->viewport()->rect());
        const auto shown = [&](int id) {
            const QRect r = chart->recordRect(id);
            return QRect(chart->mapTo(area->viewport(), r.topLeft()), r.size());
        };
        QVERIFY2(visible.contains(shown(3)), qPrintable(QStringLiteral("record #3 at y %1, %2 px high, area %3 px")
                                                            .arg(shown(3).top())
                                                            .arg(shown(3).height())
                                                            .arg(visible.height())));
        QVERIFY(!visible.intersects(shown(1)));

        // Every phase of it has its label, whole, side by side with no overlap, inside the chart.
        const QFontMetrics fm(chart->font());
        QList<QRect> labels;
        for (FailoverRecord::Phase phase :
             {FailoverRecord::Started, FailoverRecord::LeaderElected, FailoverRecord::ReplicaSelected,
              FailoverRecord::ReplicaPromoted, FailoverRecord::SwitchMaster, FailoverRecord::ReplicasReconfigured,
              FailoverRecord::Ended}) {
            const QRect label = chart->phaseRect(3, phase);
            QVERIFY2(chart->rect().contains(label), qPrintable(FailoverRecord::phaseName(phase)));
            QVERIFY(fm.horizontalAdvance(FailoverChart::phaseLabel(phase)) <= label.width());
            QVERIFY(fm.horizontalAdvance(QStringLiteral("+1.05 s")) <= label.width());
            for (const QRect &other : std::as_const(labels))
                QVERIFY(!other.intersects(label));
            labels.append(label);
            QVERIFY(visible.contains(QRect(chart->mapTo(area->viewport(), label.topLeft()), label.size())));
        }

        // The tooltip of a phase: when, and the event that marked it.
        const FailoverRecord &newest = chart->records().constLast();
        const QString leader = chart->phaseToolTip(3, FailoverRecord::LeaderElected);
        QVERIFY2(leader.startsWith(QStringLiteral("leader-elected at %1 (+0.15 s)")
                                       .arg(newest.at.at(FailoverRecord::LeaderElected)
                                                .toLocalTime()
                                                .toString(QStringLiteral("HH:mm:ss.zzz")))),
                 qPrintable(leader));
        QVERIFY2(leader.contains(QStringLiteral("marked by +elected-leader")), qPrintable(leader));
        QVERIFY(
            chart->phaseToolTip(3, FailoverRecord::ReplicasReconfigured).contains(QStringLiteral("+slave-reconf-done")));
        const QPoint at = chart->phaseRect(3, FailoverRecord::ReplicaPromoted).center();
        QHelpEvent help(QEvent::ToolTip, at, chart->mapToGlobal(at));
        QApplication::sendEvent(chart, &help);
        QTRY_COMPARE(QToolTip::text(), chart->phaseToolTip(3, FailoverRecord::ReplicaPromoted));
        QVERIFY(QToolTip::text().contains(QStringLiteral("marked by +promoted-slave")));

        // The wheel scrolls to the oldest.
        QScrollBar *bar = area->verticalScrollBar();
        QCOMPARE(bar->value(), 0);
        for (int i = 0; i < 10 && !visible.contains(shown(1)); ++i) {
            const QPoint centre = area->viewport()->rect().center();
            QWheelEvent wheel(centre, area->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, -120), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(area->viewport(), &wheel);
        }
        QVERIFY(bar->value() > 0);
        QVERIFY(visible.contains(shown(1)));

        // A fourth failover brings the view back to the top, where it is.
        for (const SentinelEvent &e : failover(6379, 6380, start.addSecs(40)))
            tracker.handleEvent(e);
        QCOMPARE(bar->value(), 0);
        QVERIFY(visible.contains(shown(4)));

        // A screen reader hears them newest first.
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(chart);
        QCOMPARE(accessible->text(QAccessible::Name), QStringLiteral("Failover timeline"));
        QVERIFY(accessible->text(QAccessible::Description)
                    .startsWith(QStringLiteral("#4  127.0.0.1:6379 → 127.0.0.1:6380")));
    }

    // Event names are never cut, and every cell's tooltip is its full text.
    void eventNamesAreWholeAndEveryCellHasItsText()
    {
        EventTimeline timeline;
        timeline.resize(470, 330);
        timeline.show();
        QVERIFY(QTest::qWaitForWindowExposed(&timeline));
        const QList<QByteArray> names = {"+failover-state-wait-promotion", "-failover-abort-no-good-slave",
                                         "+failover-end-for-timeout", "+slave-reconf-inprog", "+sdown"};
        for (const QByteArray &name : names)
            timeline.addEvent(event(name, 41237));
        QTableView *table = timeline.table();
        const QAbstractItemModel *model = table->model();
        int eventColumn = -1;
        for (int c = 0; c < model->columnCount(); ++c)
            if (model->headerData(c, Qt::Horizontal).toString() == QStringLiteral("Event"))
                eventColumn = c;
        QVERIFY(eventColumn >= 0);
        const QFontMetrics fm(table->font());
        for (int row = 0; row < model->rowCount(); ++row) {
            for (int column = 0; column < model->columnCount(); ++column) {
                const QModelIndex index = model->index(row, column);
                QCOMPARE(index.data(Qt::ToolTipRole).toString(), index.data().toString());
                if (column == model->columnCount() - 1)
                    continue; // the text: elided on the right when it must be
                // The cell is wide enough for its text and the cell's margins.
                QVERIFY2(fm.horizontalAdvance(index.data().toString()) + 6 <= table->columnWidth(column),
                         qPrintable(index.data().toString()));
            }
        }
        QCOMPARE(model->index(1, eventColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("-failover-abort-no-good-slave"));
        // The event and its node's address come first, in view at this width; what is off to the right at worst is
        // the node's role, the reporting sentinel and the text.
        QVERIFY(table->columnViewportPosition(eventColumn) + table->columnWidth(eventColumn)
                <= table->viewport()->width());
        const int instanceColumn = eventColumn + 1;
        QCOMPARE(model->headerData(instanceColumn, Qt::Horizontal).toString(), QStringLiteral("Instance"));
        QCOMPARE(model->index(0, instanceColumn).data().toString(), QStringLiteral("127.0.0.1:41237 (slave)"));
        QVERIFY(table->columnViewportPosition(instanceColumn) + fm.horizontalAdvance(QStringLiteral("127.0.0.1:41237"))
                    + 3
                <= table->viewport()->width());
    }

    // The failover records keep events too: one record holds at most maxEvents of them (and counts the rest), and
    // the tracker at most maxRecords records.
    void failoverRecordsAreBoundedToo()
    {
        FailoverTracker tracker("vigil");
        const QByteArray masterDown = "master vigil 127.0.0.1 6379 #quorum 2/2";
        tracker.handleEvent(SentinelEvent::parse("+odown", masterDown, sentinel));
        tracker.handleEvent(SentinelEvent::parse("+try-failover", "master vigil 127.0.0.1 6379", sentinel));
        for (int i = 0; i < 5000; ++i)
            tracker.handleEvent(event("+sdown", 10000 + i % 50));
        QCOMPARE(tracker.records().size(), 1);
        const FailoverRecord &record = tracker.records().first();
        QCOMPARE(record.events.size(), qsizetype(FailoverRecord::maxEvents));
        QCOMPARE(record.droppedEvents, qint64(5002 - FailoverRecord::maxEvents));
        QVERIFY(QJsonDocument::fromJson(record.toJson()).object().value(QStringLiteral("events")).toInteger() == 5002);

        // Outages, one after another: the oldest records go.
        FailoverTracker flapping("vigil");
        for (int i = 0; i < FailoverTracker::maxRecords + 50; ++i) {
            flapping.handleEvent(SentinelEvent::parse("+sdown", masterDown, sentinel));
            flapping.handleEvent(SentinelEvent::parse("-sdown", "master vigil 127.0.0.1 6379", sentinel));
        }
        QCOMPARE(flapping.records().size(), qsizetype(FailoverTracker::maxRecords));
        QCOMPARE(flapping.records().constLast().id, FailoverTracker::maxRecords + 50);
        QVERIFY(flapping.records().constLast().isAborted()); // an outage, not a failover: no +try-failover in it
    }

    // What a sentinel (or whoever can publish on it) sends ends up in cells a spreadsheet opens.
    void csvCellsCannotRunAsFormulas()
    {
        EventTimeline timeline;
        const QList<QByteArray> texts
            = {" =HYPERLINK(\"http://evil\")", " +cmd|' /C calc'!A0", " -2+3", " @SUM(1)", " \tx", " \rx", " a\rb"};
        for (const QByteArray &text : texts) {
            SentinelEvent e = event("+sdown", 6380);
            e.raw = text.mid(1); // the payload as received: it starts with the dangerous byte
            timeline.addEvent(e);
        }
        FailoverRecord record;
        record.id = 1;
        record.masterName = "=cmd()";
        record.at[FailoverRecord::Started] = QDateTime::currentDateTimeUtc();
        record.at[FailoverRecord::Aborted] = record.at[FailoverRecord::Started];
        record.abortReason = "-failover-abort-not-elected";
        timeline.setRecord(record);

        QTemporaryDir dir;
        QString error;
        QVERIFY2(timeline.exportTo(dir.filePath(QStringLiteral("log.csv")), &error), qPrintable(error));
        QFile file(dir.filePath(QStringLiteral("log.csv")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(file.readAll());
        // Each text is the last cell of its row; the event name ("+sdown") is guarded too.
        QVERIFY2(csv.contains(QStringLiteral(",'+sdown,")), qPrintable(csv));
        QVERIFY2(csv.contains(QStringLiteral(",\"'=HYPERLINK(\"\"http://evil\"\")\"\n")), qPrintable(csv));
        QVERIFY2(csv.contains(QStringLiteral(",'+cmd|' /C calc'!A0\n")), qPrintable(csv));
        QVERIFY2(csv.contains(QStringLiteral(",'-2+3\n")), qPrintable(csv));
        QVERIFY2(csv.contains(QStringLiteral(",'@SUM(1)\n")), qPrintable(csv));
        QVERIFY2(csv.contains(QStringLiteral(",'\tx\n")), qPrintable(csv));
        QVERIFY2(csv.contains(QStringLiteral(",\"'\rx\"\n")), qPrintable(csv));
        // A CR inside a cell is quoted, so it cannot end the row.
        QVERIFY2(csv.contains(QStringLiteral(",\"a\rb\"\n")), qPrintable(csv));
        // No cell starts with a formula character outside the guard.
        for (const QString &line : csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            for (const QString &cell : line.split(QLatin1Char(','))) {
                const QString bare = cell.startsWith(QLatin1Char('"')) ? cell.mid(1) : cell;
                QVERIFY2(bare.isEmpty() || !QStringLiteral("=+-@\t\r").contains(bare.front()), qPrintable(line));
            }
        }

        const QStringList failovers = csvLines(dir.filePath(QStringLiteral("log-failovers.csv")));
        QCOMPARE(failovers.size(), 2);
        QVERIFY2(failovers.at(1).startsWith(QStringLiteral("1,'=cmd(),")), qPrintable(failovers.at(1)));
        QVERIFY2(failovers.at(1).endsWith(QStringLiteral(",'-failover-abort-not-elected")), qPrintable(failovers.at(1)));
        // A plain number is a number, not a formula: the duration stays as it is.
        QVERIFY2(failovers.at(1).contains(QStringLiteral(",0,")), qPrintable(failovers.at(1)));
    }
};

const HostPort TestEventTimeline::sentinel{QStringLiteral("127.0.0.1"), 26379};

QTEST_MAIN(TestEventTimeline)
#include "tst_eventtimeline.moc"
