#include "eventtimeline.h"
#include "sentinel/failovertracker.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

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
