#pragma once

#include "sentinel/failovertracker.h"
#include "sentinel/sentinelevent.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
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

// Every Sentinel event (time, sentinel, event, instance, text), filterable by kind and by instance, above the
// failover chart. Both can be exported as JSON or CSV.
class EventTimeline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventTimeline)

public:
    enum class Kind { All, DownUp, Failover, Topology, Other };
    static Kind kindOf(const QByteArray &eventName);

    explicit EventTimeline(QWidget *parent = nullptr);

    void addEvent(const SentinelEvent &event);
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

    QStandardItemModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_instance = nullptr;
    FailoverChart *m_chart = nullptr;
    QList<SentinelEvent> m_events;
};
