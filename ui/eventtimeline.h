#pragma once

#include "sentinel/failovertracker.h"
#include "sentinel/sentinelevent.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QScrollArea;
class QStandardItem;
class QStandardItemModel;
class QTableView;
class QTimer;

// The failover records, newest first, each on a time axis: its headline (old and new master, duration), a bar with a
// tick where each phase was reached, and below it every phase labelled with its time since the start (a phase not
// reached is greyed, so a missing one shows). A tooltip over a phase gives its time of day and the Sentinel event that
// marked it. A failover in progress grows live. It sits in a scroll area: the wheel goes through older records.
class FailoverChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FailoverChart)

public:
    explicit FailoverChart(QWidget *parent = nullptr);
    void setRecord(const FailoverRecord &record);                      // adds or updates it, by id
    const QList<FailoverRecord> &records() const { return m_records; } // oldest first, as the tracker keeps them
    // One line a record, in the order drawn: newest first.
    QStringList recordTexts() const;
    // Where a record and one of its phase labels are drawn (empty when it is not), for tests and tooltips.
    QRect recordRect(int id) const;
    QRect phaseRect(int id, FailoverRecord::Phase phase) const;
    // What the tooltip over a phase says: "leader elected at 10:31:12.345 (+0.12 s)" and the event that marked it.
    QString phaseToolTip(int id, FailoverRecord::Phase phase) const;
    // The word under a phase's mark ("detect", "leader", …, "end").
    static QString phaseLabel(FailoverRecord::Phase phase);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

Q_SIGNALS:
    // A record that was not there before (the view scrolls to it).
    void recordAdded(int id);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    struct Layout;
    Layout layoutFor(int width) const;
    QString headline(const FailoverRecord &record) const;
    void stateChanged();
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
    void setRecord(const FailoverRecord &record);
    FailoverChart *chart() const { return m_chart; }
    QScrollArea *chartArea() const { return m_chartArea; }
    QTableView *table() const { return m_table; }
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
    void fitColumns(const QList<QStandardItem *> &row);
    void fitChart();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QStandardItemModel *m_model = nullptr;
    EventFilter *m_proxy = nullptr;
    QLabel *m_droppedLabel = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_instance = nullptr;
    FailoverChart *m_chart = nullptr;
    QScrollArea *m_chartArea = nullptr;
    QList<SentinelEvent> m_events; // the rows of m_model, in order
    int m_capacity = defaultCapacity;
    qint64 m_dropped = 0;
};
