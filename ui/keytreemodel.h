#pragma once

#include <QAbstractItemModel>
#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QIcon>
#include <QSet>

#include <memory>
#include <vector>

class QTimer;
struct PackedEntry;
struct PageChoice;
struct PackedList;

// The namespace tree of a keyspace, fed in batches while a scan runs.
//
// Keys are split on a separator (":" by default). Rows sort naturally (NaturalOrder): namespaces first, then keys. A
// namespace row shows how many keys it holds; a key row is a leaf. A key "a" and a namespace "a" (from "a:b") are two
// rows. Everything is bytes: each node keeps only its own segment, so namespaces share their prefix, and the display
// escapes what it must (KeyDisplay).
//
// Collapsed namespaces keep only a count and their raw members (the rest of each key, packed in one byte array), and
// build their rows when the view asks (canFetchMore/fetchMore): the first 20,000 at once, the rest a slice per
// event-loop turn, so expanding a namespace of a million keys never freezes the window. In
// an expanded namespace, new rows are appended at the end in one insert per batch, and a coalescing timer sorts them
// in (layoutChanged, which keeps the view's expansion and selection). The model is changed only on its own thread,
// always inside begin/end pairs.
class KeyTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyTreeModel)

public:
    enum Role {
        KeyBytesRole = Qt::UserRole + 1, // QByteArray: the full key (or namespace prefix) as raw bytes
        IsNamespaceRole,                 // bool
        KeyCountRole,                    // qint64: keys in a namespace, 1 for a key
        IsMissingRole,                   // bool: listed before a failover and not found on the new master, or gone
        IsMoreRole,                      // bool: the "N more" row of a namespace past its row limit
        IsNotPermittedRole,              // bool: the ACL user may not read this key (outside its key patterns)
        KeyTypeRole, // QByteArray: a key's type as TYPE names it ("hash", "ReJSON-RL"); empty while not known
    };
    enum Column { NameColumn, CountColumn, ColumnCount };

    explicit KeyTreeModel(QObject *parent = nullptr);
    ~KeyTreeModel() override;

    QByteArray separator() const { return m_separator; }
    // Changes the separator and rebuilds the tree from the keys it holds.
    void setSeparator(const QByteArray &separator);
    void clear();
    void addKeys(const QList<QByteArray> &keys) { addKeys(keys.constData(), keys.size()); }
    // Queues a batch from a scan. Queued keys go into the tree from the event loop, in the same time budget per turn
    // (about 5 ms) as the rows of expanding namespaces, so a backlog never becomes one long stall; ingested() is
    // emitted when the queue is empty again.
    // `type`: the scan's TYPE filter, which every key of the batch has (shown as its badge without asking the server).
    void enqueueKeys(const QList<QByteArray> &keys, const QByteArray &type = {});
    // Moves everything queued into the tree now (a scan that failed keeps what it found).
    void ingestQueued();
    bool hasQueuedKeys() const { return !m_incoming.isEmpty(); }
    qsizetype queuedKeyCount() const;          // keys queued and not in the tree yet
    static constexpr int turnBudgetMs = 5;     // a turn's work, at least
    static constexpr int maxTurnBudgetMs = 10; // and at most, however long the view took since the last turn
    // Removes keys (a user deleted or renamed them); namespaces left empty go too. Returns how many were found.
    int removeKeys(const QList<QByteArray> &keys);
    void markMissing(const QList<QByteArray> &keys);
    QList<QByteArray> missingKeys() const;
    // A listed key that a read found gone (it expired, or someone else deleted it): struck out like a missing key,
    // with its own tooltip, and not one of missingKeys() (those are the failover's).
    void markGone(const QByteArray &key);
    // A key that was struck out as gone and is seen to exist again (created anew, or read): no longer struck out.
    void markPresent(const QByteArray &key);
    // A key the ACL user may not read: shown as "not permitted" (learned one key at a time, as the user selects them).
    void markNotPermitted(const QByteArray &key);
    qint64 keyCount() const;

    // Key types, for the badges (TypeBadgeDelegate). Learned for the rows in view (KeyTypeLoader), from New key…, a
    // rename and the key pane's reads, and kept across clear(): a rescan of the same deployment shows a key seen again
    // with its badge at once. A key removed or found gone forgets its type. Empty or "none" forgets it too. A known
    // type also un-strikes a key marked gone: it exists again.
    void setKeyType(const QByteArray &key, const QByteArray &type);
    // The cached type; empty when not known (listedType() may still say it).
    QByteArray keyType(const QByteArray &key) const;
    // The TYPE filter of the scan that filled the tree: every key listed has this type. Empty for all types.
    QByteArray listedType() const { return m_listedType; }
    qsizetype cachedTypeCount() const { return m_types.size(); }
    static constexpr qsizetype typeCacheLimit = 100000; // then the cache starts over (see setKeyType)
    // Sorts the rows that arrived since the last sort now, instead of when the timer fires.
    void flushSort();
    void setSortDelay(int milliseconds);
    // How many rows of one namespace the view gets at a time (10,000); the rest wait behind a "N more" row, which
    // showMore() opens a page further (the key browser calls it when that row is clicked).
    void setRowLimit(int rows);
    int rowLimit() const { return m_rowLimit; }
    void showMore(const QModelIndex &parent);

    // The index of a key's row, building the rows of the namespaces on its path if needed; invalid if absent.
    QModelIndex indexOfKey(const QByteArray &key);
    // The index of a namespace's row (its prefix ends with the separator) if it is a row now; builds nothing.
    QModelIndex indexOfNamespace(const QByteArray &prefix) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

Q_SIGNALS:
    // The keys queued with enqueueKeys() are all in the tree.
    void ingested();

private:
    // keys[0, count): a piece of a queued batch is added where it lies, not copied out.
    void addKeys(const QByteArray *keys, qsizetype count);
    void strikeOut(const QByteArray &key);
    struct Node;
    friend struct PageChoice; // holds the row objects of a page while it is built
    // The row object of a key, if it has one (nothing is built).
    Node *findKeyNode(const QByteArray &key) const;
    QByteArray typeOf(const Node *node) const;

    static bool lessThan(const Node *a, const Node *b);
    // Sorts the rows that arrived since the last sort (unless they are in order already) into the sorted ones.
    static void mergeNewRows(Node *node, size_t from, bool newRowsSorted = false);
    static void sortChildren(Node *node);
    bool isVisibleRow(const Node *node) const;
    void updateWindow(Node *parent);
    void announceCount(Node *node);
    void exposeRow(Node *node);
    bool spills(const Node *node, QByteArrayView rest) const;
    // spills() for a row that is known to have no row object (a key, or a namespace looked up already).
    bool sortsPastWindow(const Node *node, QByteArrayView segment, bool isNamespace) const;
    void noteSpill(Node *node); // into m_spilledInto, once
    bool hasFullWindow(const Node *node) const;
    // Builds the rows packed past a node's window: all of them, or the first `rows` in order.
    void unspill(Node *node, qint64 rows = 0, bool sortNow = true);
    // A first page chosen exactly up to this many members (a linear selection, a slice per turn); past it, built in
    // slices as they come.
    static constexpr qint64 exactFirstPageUpTo = 100000;
    static constexpr qint64 choiceSlice = 4096; // members a first page's choice reads at a time
    // A namespace up to this big is chosen at once when it is expanded (6,000 took 13 ms of CPU, and a click may expand
    // several).
    static constexpr qint64 choiceNow = 2048;
    static constexpr size_t buildSlice = 2000; // rows of a chosen page built a turn
    void stepChoice(Node *node); // the next step of a choice: a slice read, the cut, the sort, or a slice of the build
    void finishChoice(Node *node); // what is left of a choice at once, and the build
    // Builds the chosen rows of `choice.order` from the first not built yet up to `end`, into `choice.built`.
    void buildRows(Node *node, PageChoice &choice, size_t end);
    void fillShortWindow(Node *node); // after a page is built: the rows a deletion during its choice left out
    void buildNextPage(Node *node, PageChoice &choice); // the build of a page chosen after a "more" click
    // A chosen row of a page, new under `parent` (`prefix`: its path, when missing keys are marked).
    Node *newPageRow(Node *parent, const PackedEntry &row, PackedList *members, const QByteArray &prefix);
    void sortOnly(Node *node);                       // flushSort() of one namespace, the others left for later
    void openNextPage(Node *node, int clicksQueued); // showMore()'s work: a page, and `clicksQueued` more after it
    void announceMoreRow(Node *node);                // its "more" row's text changed
    void buildEntries(Node *node, const PackedEntry *entries, size_t count, QHash<Node *, std::vector<Node *>> &added);
    void updateSpilledWindows();
    QVariant moreData(const Node *parent, int column, int role) const;
    static qint64 hiddenKeys(const Node *parent);
    // Namespaces whose key count changed: announced with the "more" counts (refreshMoreCounts). A dataChanged per
    // namespace per batch cost the view a linear search of its rows each (QTreeViewPrivate::viewIndex), 4% of the GUI
    // thread at 10M keys with big namespaces expanded.
    void countsChanged(const QSet<Node *> &nodes);
    void refreshMoreCounts();
    void attach(QHash<Node *, std::vector<Node *>> &added);
    bool insertInPlace(Node *parent, std::vector<Node *> &fresh);
    void drain(Node *node, qint64 budget);
    // One turn of the event loop's work: rows of expanding namespaces, then queued keys, within a budget of
    // turnBudgetMs, or as long as the view took between the last turn and this one (up to maxTurnBudgetMs).
    void workSome();
    static constexpr qint64 drainSlice = 2000; // rows built at once when a namespace too big to choose from opens
    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(Node *node, int column = 0) const;
    // What a row is travels in its index: the low bits of the internal pointer (a Node is aligned to 8 bytes). On
    // each layout the view asks every expanded row for its flags and whether it has children; with six windows of
    // 10,000 rows at 10M keys, reading that many scattered nodes was two thirds of the layout's time. A row's kind
    // is found from its parent instead: in the sorted rows, namespaces come first (namespaceRows).
    enum RowKind : quintptr { KeyRow = 0, NamespaceRow = 1, MoreRow = 2 };
    static constexpr quintptr rowKindMask = 3;
    static RowKind kindOf(const QModelIndex &index);
    static RowKind kindOfRow(const Node *parent, int row);
    static size_t namespaceRows(const Node *parent);
    QModelIndex makeIndex(int row, int column, const Node *node, RowKind kind) const;
    QByteArray fullPath(const Node *node) const;
    bool isNotPermitted(const Node *node) const;
    void route(Node *node, QByteArrayView rest, QHash<Node *, std::vector<Node *>> &added);
    Node *namespaceChild(Node *node, QByteArrayView segment, QHash<Node *, std::vector<Node *>> &added);
    void makeRoomForNamespaces(Node *node, qsizetype more); // before `more` namespace rows are added to `node`
    void populate(Node *node);
    bool removeBelow(Node *node, const QByteArray &rest);
    void removeChildRow(Node *parent, int row);
    void scheduleSort(Node *node);
    void collectKeys(const Node *node, const QByteArray &prefix, QList<QByteArray> *out) const;

    QByteArray m_separator = QByteArrayLiteral(":");
    std::unique_ptr<Node> m_root;
    QSet<Node *> m_unsorted;
    QTimer *m_sortTimer = nullptr;
    bool m_sortDue = false;              // the sort timer fired while workSome() runs: the next turn is the sort
    QSet<Node *> m_draining;             // populated namespaces whose pending keys are still becoming rows
    QSet<Node *> m_choosing;             // expanded namespaces whose first page is being chosen (Node::choice)
    QElapsedTimer m_sinceTurn;           // since the end of the last turn; invalid when the queue was empty
    QTimer *m_drainTimer = nullptr;      // workSome(), while something is draining or queued
    QList<QList<QByteArray>> m_incoming; // batches queued by enqueueKeys()
    qsizetype m_incomingOffset = 0;      // keys of m_incoming.first() already in the tree
    int m_sortDelay = 150;
    QSet<QByteArray> m_missing;
    QSet<QByteArray> m_gone;
    QSet<QByteArray> m_notPermitted;
    QHash<QByteArray, quint8> m_types; // key -> index in m_typeNames; survives clear()
    QList<QByteArray> m_typeNames{QByteArray()};
    QByteArray m_listedType;
    int m_rowLimit = 10000;
    bool m_noSpill = false;
    mutable QList<QIcon> m_icons; // namespace, key, missing
    QSet<Node *> m_spilledInto;   // nodes that packed keys past their window in the current batch
    // "More" rows whose count changed: recounted together at most every moreCountDelayMs, and when the queue drains.
    // Recounting sums the window's rows, so doing it for every batch cost a tenth of the GUI thread's time.
    QSet<Node *> m_moreCountsDue;
    QSet<Node *> m_countsDue; // namespaces whose count changed since the last refreshMoreCounts()
    QTimer *m_moreCountTimer = nullptr;
    static constexpr int moreCountDelayMs = 200;
};
