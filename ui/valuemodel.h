#pragma once

#include "values/valuepager.h"

#include <QAbstractTableModel>

#include <optional>

class MasterLink;

// The rows of one collection (hash, list, set, zset, stream), read a page at a time through a ValuePager over the
// MasterLink. loadMore() reads the next page: the view calls it when the user scrolls to the end or presses "Load
// more", so a hash of a million fields costs one HSCAN until someone scrolls. (Not canFetchMore/fetchMore: QTableView
// calls those whenever it thinks the last row might be visible, which includes moments when its header is not laid out
// yet, and reads pages nobody looked at.) With a filter that matches little, one request reads up to 20 pages until it
// has rows to show.
//
// Cells show text escaped (KeyDisplay) and elided; binary values show as hex bytes. RawRole gives the bytes.
class ValueModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValueModel)

public:
    enum Role {
        RawRole = Qt::UserRole + 1, // QByteArray: the cell's bytes
    };

    explicit ValueModel(MasterLink *link, QObject *parent = nullptr);
    ~ValueModel() override;

    // Starts over on a key: clears the rows and reads the first page.
    void load(const QByteArray &key, ValueType type, const QByteArray &pattern = {});
    void clear();
    void reload();
    // Reads the next page now (the "Load more" button).
    void loadMore();

    QByteArray key() const { return m_key; }
    ValueType type() const { return m_type; }
    QByteArray pattern() const { return m_pattern; }
    bool isLoading() const { return m_loading; }
    bool atEnd() const { return !m_pager || m_pager->atEnd(); }
    // Elements read from the server so far (before a client-side filter).
    qint64 fetched() const { return m_pager ? m_pager->fetched() : 0; }
    const ValueRow &valueRow(int row) const { return m_rows.at(row); }
    QString errorText() const { return m_error; }

    // What one cell shows, for a value of any length: text escaped and cut at maxChars, binary as hex bytes.
    static QString cellText(const QByteArray &bytes, int maxChars = 200);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A page arrived (or the last page did); the view updates its counts.
    void pageLoaded();
    void loadFailed(const QString &message);

private:
    void requestPage(int pagesLeft);
    void append(QList<ValueRow> rows);
    QByteArray rawCell(const ValueRow &row, int column) const;

    MasterLink *m_link;
    QByteArray m_key;
    ValueType m_type = ValueType::Other;
    QByteArray m_pattern;
    std::optional<ValuePager> m_pager;
    QList<ValueRow> m_rows;
    bool m_loading = false;
    quint64 m_generation = 0; // replies for an older key or filter are dropped
    QString m_error;
};
