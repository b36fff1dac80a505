#pragma once

#include "sentinel/failovertracker.h"
#include "sentinel/sentinelevent.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QStandardItemModel;
class QTableView;
class QTimer;

// The failover records on a time axis each: one row per failover, its phases as ticks from detection to the end, its
// duration; a failover in progress grows live.
class FailoverChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FailoverChart)

public:
    explicit FailoverChart(QWidget *parent = nullptr);
    void setRecord(const FailoverRecord &record); // adds or updates it, by id
    const QList<FailoverRecord> &records() const { return m_records; }
    QStringList recordTexts() const;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString headline(const FailoverRecord &record) const;
    QList<FailoverRecord> m_records;
    QTimer *m_live = nullptr;
};

class EventFilter;

// The Sentinel events (time, sentinel, event, instance, text), filterable by kind and by instance, above the
// failover chart. Both can be exported as JSON or CSV.
//
// Sentinels push events for as long as the tab is open, and a flapping (or hostile) one pushes many: the table is a
// ring of the last capacity() events, and a line above it says how many older ones were dropped. A filter is a proxy
// model that checks each event once as it arrives; only a change of the filter checks them all again.
class EventTimeline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventTimeline)

public:
    enum class Kind { All, DownUp, Failover, Topology, Other };
    static Kind kindOf(const QByteArray &eventName);

    explicit EventTimeline(QWidget *parent = nullptr);

    static constexpr int defaultCapacity = 10000;

    void addEvent(const SentinelEvent &event);
    int capacity() const { return m_capacity; }
    void setCapacity(int events);
    // Events dropped from the front of the ring since the timeline was made.
    qint64 droppedEventCount() const { return m_dropped; }
    QString droppedText() const;
    // How often the filter has checked an event (the tests read it: one event added, one check).
    qint64 filterChecks() const;
    void setRecord(const FailoverRecord &record) { m_chart->setRecord(record); }
    FailoverChart *chart() const { return m_chart; }
    int visibleEventCount() const;
    QStringList visibleEventNames() const;
    void setKindFilter(Kind kind);
    void setInstanceFilter(const QString &text);

    // Writes the events and the failover records; the format follows the extension (.json or .csv). The CSV holds the
    // events; the records go in a second file beside it, NAME-failovers.csv.
    bool exportTo(const QString &path, QString *error) const;

private:
    void applyFilters();
    void exportInteractively();
    void dropOldest();

    QStandardItemModel *m_model = nullptr;
    EventFilter *m_proxy = nullptr;
    QLabel *m_droppedLabel = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_instance = nullptr;
    FailoverChart *m_chart = nullptr;
    QList<SentinelEvent> m_events; // the rows of m_model, in order
    int m_capacity = defaultCapacity;
    qint64 m_dropped = 0;
};
