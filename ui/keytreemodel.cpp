#include "keytreemodel.h"

#include "keydisplay.h"
#include "plural.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QStyle>
#include <QTimer>

#include <algorithm>
#include <cstring>

namespace {
// Byte strings back to back, each a varint length then the bytes, read in order. Chunks of at most 64 KiB: one big
// array would be copied whole each time it grows (hundreds of MB at 10M keys, a long stall).
struct PackedList
{
    static constexpr qsizetype chunkLimit = 64 * 1024;
    std::vector<QByteArray> chunks;
    size_t readChunk = 0;
    qsizetype readOffset = 0;
    qint64 left = 0; // entries not read yet

    void append(QByteArrayView bytes)
    {
        if (chunks.empty() || (!chunks.back().isEmpty() && chunks.back().size() + bytes.size() + 10 > chunkLimit))
            chunks.emplace_back();
        QByteArray &chunk = chunks.back();
        quint64 n = static_cast<quint64>(bytes.size());
        while (n >= 0x80) {
            chunk.append(static_cast<char>((n & 0x7f) | 0x80));
            n >>= 7;
        }
        chunk.append(static_cast<char>(n));
        chunk.append(bytes.data(), bytes.size());
        ++left;
    }

    // Reads the entry at (*chunk, *offset) and moves past it, without consuming it.
    QByteArrayView peek(size_t *chunk, qsizetype *offset) const
    {
        while (*offset >= chunks[*chunk].size()) {
            ++*chunk;
            *offset = 0;
        }
        const QByteArray &c = chunks[*chunk];
        quint64 n = 0;
        int shift = 0;
        for (;;) {
            const auto b = static_cast<quint8>(c.at((*offset)++));
            n |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                break;
            shift += 7;
        }
        const QByteArrayView view(c.constData() + *offset, static_cast<qsizetype>(n));
        *offset += static_cast<qsizetype>(n);
        return view;
    }

    // Consumes the next entry; the chunks are freed once everything is read.
    QByteArray take()
    {
        const QByteArray entry = peek(&readChunk, &readOffset).toByteArray();
        if (--left == 0)
            release();
        return entry;
    }

    template<typename F>
    void forEach(F f) const
    {
        size_t chunk = readChunk;
        qsizetype offset = readOffset;
        for (qint64 i = 0; i < left; ++i)
            f(peek(&chunk, &offset));
    }

    // Drops the first entry equal to `bytes`; false if there is none. Rewrites the chunks: O(entries), for the rare
    // single-key removal (a user's delete), never on the scan's path.
    bool remove(QByteArrayView bytes)
    {
        if (left == 0)
            return false;
        PackedList kept;
        bool found = false;
        forEach([&](QByteArrayView entry) {
            if (!found && entry == bytes)
                found = true;
            else
                kept.append(entry);
        });
        if (found)
            *this = std::move(kept);
        return found;
    }

    void release() { *this = {}; }
};
} // namespace

struct KeyTreeModel::Node
{
    Node *parent = nullptr;
    QByteArray name;  // this segment only
    qint64 count = 0; // keys at or below; 1 for a key
    bool isNamespace = false;
    bool populated = false; // its rows exist (fetchMore ran)
    bool attached = false;  // it is in its parent's children (a row, or hidden past the parent's window)
    bool missing = false;
    bool isMore = false; // the "N more" row of its parent
    int row = 0;         // index in the parent's children
    // The rows the view sees are children[0, shown); past a limit the rest wait behind a "more" row, so that a huge
    // expanded namespace costs the view (which lays out every visible row on each change) a bounded amount.
    int shown = 0;
    int limit = 0;
    bool moreShown = false;
    qint64 moreCount = 0; // what the "more" row says; changed only with a dataChanged, never behind the view's back
    std::unique_ptr<Node> more;
    size_t sortedCount = 0; // children[0, sortedCount) are in order; the rest arrived since the last sort
    std::vector<std::unique_ptr<Node>> children;
    QHash<QByteArray, Node *> namespaces; // namespace children by name, once populated
    // The rest of each key below that has no row yet. A collapsed namespace holds all its keys here; a namespace
    // being populated drains it a slice at a time.
    PackedList pending;
    // Populated, with a full window: the rest of each key that sorts past the window's last row, packed instead of
    // built (no row object, no hash entry). They become rows when the user opens the next page.
    PackedList overflow;
};

// Namespaces first, then keys; each in natural order (compareNames).
int KeyTreeModel::compareNames(QByteArrayView a, QByteArrayView b)
{
    // Natural order: a run of ASCII digits compares by its value ("user:2" before "user:10"); every other byte
    // compares as a byte; when all else is equal, fewer leading zeros first. Equal only when the bytes are.
    //
    // This runs in every sort of a namespace's rows, so the common case is kept at the speed of a byte compare: skip
    // the common prefix, and only where the first difference touches a run of digits compare the rest naturally
    // (from the start of that run; the equal prefix before it cannot decide anything).
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const qsizetype common = qMin(a.size(), b.size());
    qsizetype p = 0;
    while (p < common && a[p] == b[p])
        ++p;
    qsizetype run = p;
    while (run > 0 && digit(a[run - 1]))
        --run;
    const bool digitA = p < a.size() && digit(a[p]);
    const bool digitB = p < b.size() && digit(b[p]);
    if (run == p && !(digitA && digitB)) {
        if (p == common)
            return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
        return static_cast<unsigned char>(a[p]) < static_cast<unsigned char>(b[p]) ? -1 : 1;
    }
    qsizetype i = run;
    qsizetype j = run;
    int zeros = 0; // the first difference in leading zeros: the last tie-break
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            const qsizetype startA = i;
            const qsizetype startB = j;
            while (i < a.size() && digit(a[i]))
                ++i;
            while (j < b.size() && digit(b[j]))
                ++j;
            qsizetype zeroA = startA;
            qsizetype zeroB = startB;
            while (zeroA < i - 1 && a[zeroA] == '0')
                ++zeroA;
            while (zeroB < j - 1 && b[zeroB] == '0')
                ++zeroB;
            if (i - zeroA != j - zeroB)
                return i - zeroA < j - zeroB ? -1 : 1;
            if (const int c = std::memcmp(a.data() + zeroA, b.data() + zeroB, static_cast<size_t>(i - zeroA)))
                return c;
            if (zeros == 0 && i - startA != j - startB)
                zeros = i - startA < j - startB ? -1 : 1;
            continue;
        }
        if (a[i] != b[j])
            return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
        ++i;
        ++j;
    }
    const qsizetype restA = a.size() - i;
    const qsizetype restB = b.size() - j;
    return restA != restB ? (restA < restB ? -1 : 1) : zeros;
}

bool KeyTreeModel::lessThan(const Node *a, const Node *b)
{
    if (a->isNamespace != b->isNamespace)
        return a->isNamespace;
    return compareNames(a->name, b->name) < 0;
}

bool KeyTreeModel::isVisibleRow(const Node *node) const
{
    // A row is in the model if it is inside its parent's window, and so is every ancestor: a namespace pushed out of
    // the window by rows sorting before it takes its own rows out with it.
    if (!node || node == m_root.get())
        return false;
    for (; node && node != m_root.get(); node = node->parent) {
        if (!node->attached || !node->parent)
            return false;
        if (node->isMore ? !node->parent->moreShown : node->row >= node->parent->shown)
            return false;
    }
    return node == m_root.get();
}

void KeyTreeModel::setRowLimit(int rows)
{
    m_rowLimit = qMax(1, rows);
}

void KeyTreeModel::announceCount(Node *node)
{
    if (!isVisibleRow(node))
        return;
    const QModelIndex count = indexOf(node, CountColumn);
    Q_EMIT dataChanged(count, count, {Qt::DisplayRole, KeyCountRole});
    if (node->moreShown)
        updateWindow(node); // keys behind its "more" row may have changed too
}

void KeyTreeModel::updateSpilledWindows()
{
    // Keys packed past a window, and the root's own count: the "more" rows say how many keys they hold.
    m_spilledInto.insert(m_root.get());
    const QSet<Node *> nodes = std::exchange(m_spilledInto, {});
    for (Node *node : nodes)
        if (node->moreShown || node->overflow.left > 0)
            updateWindow(node);
}

void KeyTreeModel::updateWindow(Node *parent)
{
    if (parent->limit == 0)
        parent->limit = m_rowLimit;
    const int total = static_cast<int>(parent->children.size());
    const int wanted = qMin(total, parent->limit);
    // A namespace that is not a row itself (pushed out of its parent's window) changes silently: the view has no
    // index under it, and inserting "under" its invalid index would mean the root.
    const bool announce = parent == m_root.get() || isVisibleRow(parent);
    const QModelIndex parentIndex = indexOf(parent);
    if (wanted > parent->shown) {
        if (announce)
            beginInsertRows(parentIndex, parent->shown, wanted - 1);
        parent->shown = wanted;
        if (announce)
            endInsertRows();
    } else if (wanted < parent->shown) {
        if (announce)
            beginRemoveRows(parentIndex, wanted, parent->shown - 1);
        parent->shown = wanted;
        if (announce)
            endRemoveRows();
    }
    const bool hidden = total > parent->shown || parent->overflow.left > 0
                        || (parent->populated && parent->pending.left > 0 && parent->shown >= parent->limit);
    // What the "more" row says: the keys behind it (a hidden namespace row stands for all of its keys).
    qint64 hiddenCount = parent->count;
    for (int i = 0; i < wanted; ++i)
        hiddenCount -= parent->children[static_cast<size_t>(i)]->count;
    if (hidden && !parent->moreShown) {
        if (!parent->more) {
            parent->more = std::make_unique<Node>();
            parent->more->parent = parent;
            parent->more->isMore = true;
            parent->more->attached = true;
        }
        if (announce)
            beginInsertRows(parentIndex, parent->shown, parent->shown);
        parent->moreShown = true;
        parent->moreCount = hiddenCount;
        if (announce)
            endInsertRows();
    } else if (!hidden && parent->moreShown) {
        if (announce)
            beginRemoveRows(parentIndex, parent->shown, parent->shown);
        parent->moreShown = false;
        if (announce)
            endRemoveRows();
    } else if (hidden && parent->moreCount != hiddenCount) {
        parent->moreCount = hiddenCount;
        if (announce) {
            const QModelIndex more = indexOf(parent->more.get());
            Q_EMIT dataChanged(more, indexOf(parent->more.get(), CountColumn));
        }
    }
}

bool KeyTreeModel::spills(const Node *node, const QByteArray &rest) const
{
    if (m_noSpill)
        return false;
    if (!m_pageEnds.isEmpty()) {
        // A first page still being built, or built but not sorted yet: its last entry is the boundary.
        if (const auto end = m_pageEnds.constFind(const_cast<Node *>(node)); end != m_pageEnds.cend()) {
            const qsizetype at = rest.indexOf(m_separator);
            const bool isNamespace = at >= 0;
            const QByteArrayView segment = isNamespace ? QByteArrayView(rest).first(at) : QByteArrayView(rest);
            if (isNamespace && node->namespaces.contains(segment.toByteArray()))
                return false;
            if (isNamespace != end->isNamespace)
                return !isNamespace;
            return compareNames(segment, end->segment) > 0;
        }
    }
    // Only past a full window whose rows are in order: its last row is the boundary.
    if (node->limit == 0 || node->shown < node->limit || node->sortedCount < static_cast<size_t>(node->shown))
        return false;
    const Node *last = node->children[static_cast<size_t>(node->shown) - 1].get();
    const qsizetype at = rest.indexOf(m_separator);
    const bool isNamespace = at >= 0;
    const QByteArrayView segment = isNamespace ? QByteArrayView(rest).first(at) : QByteArrayView(rest);
    if (isNamespace && node->namespaces.contains(segment.toByteArray()))
        return false; // a namespace that has a row object already counts its own keys
    if (isNamespace != last->isNamespace)
        return !isNamespace; // namespaces sort before keys
    return compareNames(segment, last->name) > 0;
}

// A packed entry seen as the row it would make: its first segment, and whether that is a namespace.
struct PackedEntry
{
    QByteArrayView rest;
    QByteArrayView segment;
    bool isNamespace;
};

namespace {
std::vector<PackedEntry> entriesOf(const PackedList &list, QByteArrayView separator)
{
    std::vector<PackedEntry> entries;
    entries.reserve(static_cast<size_t>(list.left));
    list.forEach([&](QByteArrayView rest) {
        const qsizetype at = rest.indexOf(separator);
        entries.push_back({rest, at >= 0 ? rest.first(at) : rest, at >= 0});
    });
    return entries;
}

// Row order: namespaces first, then keys, each natural; the entries of one namespace make one row.
bool entryBefore(const PackedEntry &a, const PackedEntry &b)
{
    if (a.isNamespace != b.isNamespace)
        return a.isNamespace;
    return KeyTreeModel::compareNames(a.segment, b.segment) < 0;
}

bool sameRow(const PackedEntry &a, const PackedEntry &b)
{
    return a.isNamespace == b.isNamespace && a.segment == b.segment;
}

// Moves the entries of the first `rows` rows (a whole namespace's entries at once) to the front, in no order, in
// linear time; returns how many entries that is. All of them when rows is 0.
size_t selectFirstRows(std::vector<PackedEntry> &entries, qint64 rows)
{
    if (rows <= 0 || static_cast<size_t>(rows) >= entries.size())
        return entries.size();
    std::nth_element(entries.begin(), entries.begin() + rows, entries.end(), entryBefore);
    const PackedEntry pivot = entries[static_cast<size_t>(rows)];
    const auto split = std::partition(entries.begin(), entries.end(),
                                      [&](const PackedEntry &e) { return entryBefore(e, pivot) || sameRow(e, pivot); });
    return static_cast<size_t>(split - entries.begin());
}
} // namespace

void KeyTreeModel::unspill(Node *node, qint64 rows, bool sortNow)
{
    m_pageEnds.remove(node); // rows past the page exist now: only the window's last row can be the boundary
    if (node->overflow.left == 0)
        return;
    // Build only the first `rows` rows' worth; the rest stay packed.
    std::vector<PackedEntry> entries = entriesOf(node->overflow, m_separator);
    const size_t take = selectFirstRows(entries, rows);
    QHash<Node *, std::vector<Node *>> added;
    PackedList rest;
    for (size_t i = take; i < entries.size(); ++i)
        rest.append(entries[i].rest);
    buildEntries(node, entries.data(), take, added);
    entries.clear();
    node->overflow = std::move(rest); // after building: the views above point into the old chunks
    attach(added);
    if (sortNow)
        flushSort();
}

void KeyTreeModel::buildEntries(Node *node, const PackedEntry *entries, size_t count,
                                QHash<Node *, std::vector<Node *>> &added)
{
    m_noSpill = true;
    node->namespaces.reserve(node->namespaces.size() + static_cast<qsizetype>(count));
    for (size_t i = 0; i < count; ++i) {
        --node->count; // route() counts it again
        route(node, entries[i].rest.toByteArray(), added);
    }
    m_noSpill = false;
}

void KeyTreeModel::buildFirstPage(Node *node)
{
    // The first page is exactly the rows that sort first, so the window's last row is a true boundary and the keys
    // the scan still brings almost all sort past it and stay packed. (A page of whatever came first ends near the
    // namespace's largest name: nearly every later key lands inside the window, to be built and sorted in.) Only the
    // top of the page is built now; the rest, already in order, is drained a slice per turn and appended without a
    // re-sort, and meanwhile the page's last entry is the boundary for the keys the scan brings (m_pageEnds). No
    // sort of other namespaces here: this runs from the view's fetchMore, inside its layout.
    const PackedList members = std::exchange(node->pending, {});
    std::vector<PackedEntry> entries = entriesOf(members, m_separator);
    const size_t page = selectFirstRows(entries, m_rowLimit);
    std::sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(page), entryBefore);
    size_t now = qMin(page, static_cast<size_t>(qBound<qint64>(qint64(1), qint64(m_rowLimit / 4), firstRowsNow)));
    while (now < page && sameRow(entries[now - 1], entries[now]))
        ++now;
    QHash<Node *, std::vector<Node *>> added;
    buildEntries(node, entries.data(), now, added);
    for (size_t i = now; i < page; ++i)
        node->pending.append(entries[i].rest);
    for (size_t i = page; i < entries.size(); ++i)
        node->overflow.append(entries[i].rest);
    attach(added);
    if (node->pending.left > 0) {
        const PackedEntry &last = entries[page - 1];
        m_pageEnds.insert(node, {last.segment.toByteArray(), last.isNamespace});
        m_draining.insert(node);
        if (!m_drainTimer->isActive())
            m_drainTimer->start();
    }
    m_spilledInto.insert(node);
    updateSpilledWindows();
}

void KeyTreeModel::showMore(const QModelIndex &parent)
{
    Node *node = nodeOf(parent);
    if (!node->isNamespace || !node->moreShown)
        return;
    // Rows become visible in order: what is still to be drained first (mostly packed past the window, cheaply),
    // then the next page's worth of packed entries, sorted in with the hidden rows.
    if (node->pending.left > 0) {
        drain(node, node->pending.left);
        m_draining.remove(node);
    }
    unspill(node, m_rowLimit);
    if (node->sortedCount != node->children.size())
        flushSort();
    node->limit = node->shown + m_rowLimit;
    updateWindow(node);
}

KeyTreeModel::KeyTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
    , m_sortTimer(new QTimer(this))
{
    m_root->isNamespace = true;
    m_root->populated = true;
    m_sortTimer->setSingleShot(true);
    m_sortTimer->setInterval(m_sortDelay);
    connect(m_sortTimer, &QTimer::timeout, this, &KeyTreeModel::flushSort);
    m_drainTimer = new QTimer(this);
    m_drainTimer->setInterval(0);
    connect(m_drainTimer, &QTimer::timeout, this, &KeyTreeModel::drainSome);
}

KeyTreeModel::~KeyTreeModel() = default;

void KeyTreeModel::setSortDelay(int milliseconds)
{
    m_sortDelay = milliseconds;
    m_sortTimer->setInterval(milliseconds);
}

qint64 KeyTreeModel::keyCount() const
{
    return m_root->count;
}

void KeyTreeModel::clear()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    m_root->isNamespace = true;
    m_root->populated = true;
    m_unsorted.clear();
    m_draining.clear();
    m_pageEnds.clear();
    m_missing.clear();
    m_spilledInto.clear();
    m_sortTimer->stop();
    m_drainTimer->stop();
    endResetModel();
}

void KeyTreeModel::collectKeys(const Node *node, const QByteArray &prefix, QList<QByteArray> *out) const
{
    const auto add = [&](QByteArrayView rest) { out->append(prefix + rest.toByteArray()); };
    node->pending.forEach(add);
    node->overflow.forEach(add);
    for (const auto &child : node->children) {
        if (child->isNamespace)
            collectKeys(child.get(), prefix + child->name + m_separator, out);
        else
            out->append(prefix + child->name);
    }
}

void KeyTreeModel::setSeparator(const QByteArray &separator)
{
    if (separator == m_separator || separator.isEmpty())
        return;
    QList<QByteArray> keys;
    keys.reserve(m_root->count);
    collectKeys(m_root.get(), {}, &keys);
    const QSet<QByteArray> missing = m_missing;
    clear();
    m_separator = separator;
    addKeys(keys);
    markMissing(QList<QByteArray>(missing.cbegin(), missing.cend()));
}

KeyTreeModel::Node *KeyTreeModel::namespaceChild(Node *node, const QByteArray &segment,
                                                 QHash<Node *, std::vector<Node *>> &added)
{
    if (Node *existing = node->namespaces.value(segment))
        return existing;
    auto *child = new Node;
    child->parent = node;
    child->name = segment;
    child->isNamespace = true;
    node->namespaces.insert(segment, child);
    added[node].push_back(child);
    return child;
}

void KeyTreeModel::route(Node *node, const QByteArray &rest, QHash<Node *, std::vector<Node *>> &added)
{
    for (;;) {
        ++node->count;
        if (!node->populated) {
            node->pending.append(rest);
            return;
        }
        if (spills(node, rest)) {
            node->overflow.append(rest);
            m_spilledInto.insert(node);
            return;
        }
        const qsizetype at = rest.indexOf(m_separator);
        if (at < 0) {
            auto *leaf = new Node;
            leaf->parent = node;
            leaf->name = rest;
            leaf->count = 1;
            leaf->missing = !m_missing.isEmpty() && m_missing.contains(fullPath(node) + rest);
            added[node].push_back(leaf);
            return;
        }
        Node *child = namespaceChild(node, rest.left(at), added);
        return route(child, rest.mid(at + m_separator.size()), added);
    }
}

void KeyTreeModel::addKeys(const QList<QByteArray> &keys)
{
    if (keys.isEmpty())
        return;
    QHash<Node *, std::vector<Node *>> added;
    // Counts of rows that exist change too: remember them to announce.
    QSet<Node *> touched;
    for (const QByteArray &key : keys) {
        Node *node = m_root.get();
        QByteArray rest = key;
        // Walk the populated part here to note the visible namespaces whose count changes; route() does the rest.
        while (node->populated) {
            const qsizetype at = rest.indexOf(m_separator);
            if (at < 0)
                break;
            Node *child = node->namespaces.value(rest.left(at));
            if (!child || !child->attached)
                break;
            touched.insert(child);
            ++node->count;
            node = child;
            rest = rest.mid(at + m_separator.size());
        }
        route(node, rest, added);
    }
    attach(added);
    for (Node *node : std::as_const(touched))
        announceCount(node);
    updateSpilledWindows();
}

void KeyTreeModel::scheduleSort(Node *node)
{
    if (node->sortedCount == node->children.size())
        return;
    m_unsorted.insert(node);
    // Coalesced, but not without bound: a sort's cost (and the view's relayout after it) grows with the rows waiting,
    // so a namespace taking thousands of rows a turn is sorted on the next turn instead of after the delay.
    constexpr size_t sortSoonAt = 4000;
    if (node->children.size() - node->sortedCount >= sortSoonAt && m_sortTimer->remainingTime() != 0)
        m_sortTimer->start(0);
    else if (!m_sortTimer->isActive())
        m_sortTimer->start(m_sortDelay);
}

void KeyTreeModel::mergeNewRows(Node *node, size_t from)
{
    // Sort what arrived since the last sort and merge it into the sorted rows from `from` on. Only the stretch of
    // rows that the new ones fall among is compared: the rows after the largest new one just move along (in a huge
    // expanded namespace, the tens of thousands pushed past the window by rows sorting before them).
    const auto byOrder
        = [](const std::unique_ptr<Node> &a, const std::unique_ptr<Node> &b) { return lessThan(a.get(), b.get()); };
    auto &c = node->children;
    const auto first = c.begin() + static_cast<std::ptrdiff_t>(from);
    const auto middle = c.begin() + static_cast<std::ptrdiff_t>(node->sortedCount);
    std::sort(middle, c.end(), byOrder);
    if (middle != c.end() && first != middle) {
        const auto newRows = c.end() - middle;
        const auto after = std::upper_bound(first, middle, c.back(), byOrder);
        const auto start = std::upper_bound(first, after, *middle, byOrder);
        std::rotate(after, middle, c.end());
        std::inplace_merge(start, after, after + newRows, byOrder);
        from = static_cast<size_t>(start - c.begin());
    }
    for (size_t i = from; i < c.size(); ++i)
        c[i]->row = static_cast<int>(i);
    node->sortedCount = c.size();
}

void KeyTreeModel::sortChildren(Node *node)
{
    mergeNewRows(node, 0);
}

void KeyTreeModel::flushSort()
{
    m_sortTimer->stop();
    if (m_unsorted.isEmpty())
        return;
    const auto byOrder
        = [](const std::unique_ptr<Node> &a, const std::unique_ptr<Node> &b) { return lessThan(a.get(), b.get()); };
    // Where every new row lands past the window (the common case in a huge namespace), the rows the view sees do not
    // change: sort without telling it, so it does not lay out every visible row again.
    for (auto it = m_unsorted.begin(); it != m_unsorted.end();) {
        Node *node = *it;
        if (node->pending.left == 0)
            m_pageEnds.remove(node); // the page is built; once sorted, its window's last row is the boundary
        auto &c = node->children;
        if (node != m_root.get() && !isVisibleRow(node)) {
            sortChildren(node); // not a row: nothing the view shows can move
            it = m_unsorted.erase(it);
            continue;
        }
        if (node->sortedCount < static_cast<size_t>(node->shown)) {
            ++it;
            continue; // unsorted rows are visible
        }
        const auto middle = c.begin() + static_cast<std::ptrdiff_t>(node->sortedCount);
        std::sort(middle, c.end(), byOrder);
        if (node->shown > 0 && middle != c.end() && !byOrder(*middle, c[static_cast<size_t>(node->shown) - 1])) {
            mergeNewRows(node, static_cast<size_t>(node->shown));
            it = m_unsorted.erase(it);
            continue;
        }
        ++it; // new rows land inside the window: sorted below, with the view told
    }
    if (m_unsorted.isEmpty())
        return;
    QList<QPersistentModelIndex> parents;
    for (Node *node : std::as_const(m_unsorted))
        parents.append(QPersistentModelIndex(indexOf(node)));
    Q_EMIT layoutAboutToBeChanged(parents, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QList<QPair<Node *, int>> held;
    held.reserve(before.size());
    for (const QModelIndex &index : before)
        held.append({nodeOf(index), index.column()});
    for (Node *node : std::as_const(m_unsorted))
        sortChildren(node);
    QModelIndexList after;
    after.reserve(held.size());
    for (const auto &[node, column] : std::as_const(held))
        after.append(indexOf(node, column));
    changePersistentIndexList(before, after);
    m_unsorted.clear();
    Q_EMIT layoutChanged(parents, QAbstractItemModel::VerticalSortHint);
}

void KeyTreeModel::attach(QHash<Node *, std::vector<Node *>> &added)
{
    for (auto it = added.begin(); it != added.end(); ++it) {
        Node *parent = it.key();
        std::vector<Node *> &fresh = it.value();
        const bool firstFill = parent->children.empty();
        if (!firstFill && insertInPlace(parent, fresh))
            continue;
        if (firstFill) {
            // A namespace's first rows are shown sorted at once.
            std::sort(fresh.begin(), fresh.end(), [](const Node *a, const Node *b) { return lessThan(a, b); });
        }
        // Rows that arrive in order after the last one (the rest of a first page) need no sort, so no layout change.
        const auto byOrder = [](const Node *a, const Node *b) { return lessThan(a, b); };
        const bool inOrder = !firstFill && parent->sortedCount == parent->children.size()
                             && !byOrder(fresh.front(), parent->children.back().get())
                             && std::is_sorted(fresh.begin(), fresh.end(), byOrder);
        // New children go at the end; the window decides which of them are rows now.
        for (Node *child : fresh) {
            child->row = static_cast<int>(parent->children.size());
            child->attached = true;
            parent->children.emplace_back(child);
        }
        updateWindow(parent);
        if (firstFill || inOrder)
            parent->sortedCount = parent->children.size();
        else
            scheduleSort(parent);
    }
}

bool KeyTreeModel::insertInPlace(Node *parent, std::vector<Node *> &fresh)
{
    // A small, sorted namespace whose rows all show takes new rows where they belong, one insert each: no row flashes
    // at the end before the coalesced sort moves it. Big namespaces keep the append-then-sort path, where one insert
    // a row would relayout the view again and again.
    constexpr size_t inPlaceUpTo = 1000;
    auto &c = parent->children;
    const size_t after = c.size() + fresh.size();
    const int limit = parent->limit > 0 ? parent->limit : m_rowLimit;
    if (after > inPlaceUpTo || after > static_cast<size_t>(limit) || parent->sortedCount != c.size()
        || parent->shown != static_cast<int>(c.size()) || parent->moreShown)
        return false;
    const auto byOrder = [](const Node *a, const Node *b) { return lessThan(a, b); };
    std::sort(fresh.begin(), fresh.end(), byOrder);
    const bool announce = parent == m_root.get() || isVisibleRow(parent);
    const QModelIndex parentIndex = announce ? indexOf(parent) : QModelIndex();
    for (Node *child : fresh) {
        const auto at = std::upper_bound(c.begin(), c.end(), child, [](const Node *n, const std::unique_ptr<Node> &e) {
            return lessThan(n, e.get());
        });
        const int row = static_cast<int>(at - c.begin());
        if (announce)
            beginInsertRows(parentIndex, row, row);
        child->attached = true;
        c.insert(at, std::unique_ptr<Node>(child));
        for (size_t i = static_cast<size_t>(row); i < c.size(); ++i)
            c[i]->row = static_cast<int>(i);
        parent->shown = static_cast<int>(c.size());
        parent->sortedCount = c.size();
        if (announce)
            endInsertRows();
    }
    updateWindow(parent);
    return true;
}

void KeyTreeModel::populate(Node *node)
{
    if (node->populated)
        return;
    node->populated = true;
    if (node->pending.left == 0)
        return;
    if (node->pending.left > m_rowLimit && node->pending.left <= exactFirstPageUpTo) {
        buildFirstPage(node);
        return;
    }
    // Build the first slice now, so the expanded namespace shows rows at once; the rest follows from the event
    // loop, a slice at a time, so a namespace of a million keys never freezes the window.
    drain(node, qMin<qint64>(drainSlice, m_rowLimit));
    if (node->pending.left > 0) {
        m_draining.insert(node);
        if (!m_drainTimer->isActive())
            m_drainTimer->start();
    }
}

void KeyTreeModel::drain(Node *node, qint64 budget)
{
    QHash<Node *, std::vector<Node *>> added;
    QSet<Node *> touched;
    const QByteArray prefix = m_missing.isEmpty() ? QByteArray() : fullPath(node);
    while (node->pending.left > 0 && budget-- > 0) {
        const QByteArray rest = node->pending.take();
        if (spills(node, rest)) {
            node->overflow.append(rest);
            m_spilledInto.insert(node);
            continue;
        }
        const qsizetype at = rest.indexOf(m_separator);
        if (at < 0) {
            auto *leaf = new Node;
            leaf->parent = node;
            leaf->name = rest;
            leaf->count = 1;
            leaf->missing = !m_missing.isEmpty() && m_missing.contains(prefix + rest);
            added[node].push_back(leaf);
            continue;
        }
        Node *child = namespaceChild(node, rest.left(at), added);
        if (child->attached)
            touched.insert(child);
        route(child, rest.mid(at + m_separator.size()), added);
    }
    attach(added);
    for (Node *n : std::as_const(touched))
        announceCount(n);
    updateSpilledWindows();
}

void KeyTreeModel::drainSome()
{
    // About 5 ms a turn, like the key browser's ingestion, in pieces of 2,000 members.
    QElapsedTimer spent;
    spent.start();
    const QList<Node *> nodes(m_draining.cbegin(), m_draining.cend());
    for (Node *node : nodes) {
        while (node->pending.left > 0 && spent.elapsed() < 5)
            drain(node, 2000);
        if (node->pending.left == 0)
            m_draining.remove(node);
        if (spent.elapsed() >= 5)
            break;
    }
    if (m_draining.isEmpty())
        m_drainTimer->stop();
}

void KeyTreeModel::markMissing(const QList<QByteArray> &keys)
{
    for (const QByteArray &key : keys) {
        m_missing.insert(key);
        // Mark the row if it exists; rows built later look the key up in m_missing.
        Node *node = m_root.get();
        QByteArray rest = key;
        while (node && node->populated) {
            const qsizetype at = rest.indexOf(m_separator);
            if (at < 0) {
                for (const auto &child : node->children) {
                    if (!child->isNamespace && child->name == rest) {
                        child->missing = true;
                        if (isVisibleRow(child.get()))
                            Q_EMIT dataChanged(indexOf(child.get()), indexOf(child.get(), CountColumn));
                    }
                }
                break;
            }
            node = node->namespaces.value(rest.left(at));
            rest = rest.mid(at + m_separator.size());
        }
    }
}

int KeyTreeModel::removeKeys(const QList<QByteArray> &keys)
{
    int removed = 0;
    for (const QByteArray &key : keys) {
        if (removeBelow(m_root.get(), key))
            ++removed;
        m_missing.remove(key);
    }
    updateSpilledWindows(); // the root's "more" row, if it has one, counts fewer keys
    return removed;
}

bool KeyTreeModel::removeBelow(Node *node, const QByteArray &rest)
{
    bool found = false;
    if (node->populated) {
        const qsizetype at = rest.indexOf(m_separator);
        if (at < 0) {
            for (size_t i = 0; i < node->children.size(); ++i) {
                const Node *child = node->children[i].get();
                if (!child->isNamespace && child->name == rest) {
                    removeChildRow(node, static_cast<int>(i));
                    found = true;
                    break;
                }
            }
        } else if (Node *child = node->namespaces.value(rest.left(at)); child && child->attached) {
            if (removeBelow(child, rest.mid(at + m_separator.size()))) {
                found = true;
                if (child->count == 0) {
                    removeChildRow(node, child->row);
                } else {
                    announceCount(child);
                }
            }
        }
    }
    // Not a row yet: still packed in the namespace's pending members (collapsed, or being drained).
    if (!found)
        found = node->pending.remove(rest) || node->overflow.remove(rest);
    if (found)
        --node->count;
    return found;
}

void KeyTreeModel::removeChildRow(Node *parent, int row)
{
    auto &children = parent->children;
    Node *child = children[static_cast<size_t>(row)].get();
    const bool visible = row < parent->shown;
    const bool announce = visible && (parent == m_root.get() || isVisibleRow(parent));
    if (announce)
        beginRemoveRows(indexOf(parent), row, row);
    if (child->isNamespace)
        parent->namespaces.remove(child->name);
    m_unsorted.remove(child);
    m_draining.remove(child);
    m_pageEnds.remove(child);
    children.erase(children.begin() + row);
    if (static_cast<size_t>(row) < parent->sortedCount)
        --parent->sortedCount;
    for (size_t i = static_cast<size_t>(row); i < children.size(); ++i)
        children[i]->row = static_cast<int>(i);
    if (visible)
        --parent->shown;
    if (announce)
        endRemoveRows();
    // The next row in order may be packed past the window: build those before one moves up.
    if (visible)
        unspill(parent);
    // A hidden row moves up into the window, or the "more" row goes.
    updateWindow(parent);
}

void KeyTreeModel::exposeRow(Node *node)
{
    Node *parent = node->parent;
    if (!parent || node->row < parent->shown)
        return;
    if (parent->sortedCount != parent->children.size())
        flushSort();
    parent->limit = qMax(parent->limit, node->row + 1);
    updateWindow(parent);
}

QList<QByteArray> KeyTreeModel::missingKeys() const
{
    QList<QByteArray> keys(m_missing.cbegin(), m_missing.cend());
    std::sort(keys.begin(), keys.end());
    return keys;
}

QModelIndex KeyTreeModel::indexOfKey(const QByteArray &key)
{
    Node *node = m_root.get();
    QByteArray rest = key;
    for (;;) {
        if (!node->populated)
            populate(node);
        if (node->pending.left > 0) {
            drain(node, node->pending.left);
            m_draining.remove(node);
        }
        unspill(node);
        const qsizetype at = rest.indexOf(m_separator);
        if (at < 0) {
            for (const auto &child : node->children) {
                if (!child->isNamespace && child->name == rest) {
                    exposeRow(child.get()); // a row past the window is opened up to it
                    return indexOf(child.get());
                }
            }
            return {};
        }
        node = node->namespaces.value(rest.left(at));
        if (!node || !node->attached)
            return {};
        exposeRow(node);
        rest = rest.mid(at + m_separator.size());
    }
}

KeyTreeModel::Node *KeyTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex KeyTreeModel::indexOf(Node *node, int column) const
{
    if (!isVisibleRow(node))
        return {};
    return createIndex(node->isMore ? node->parent->shown : node->row, column, node);
}

QByteArray KeyTreeModel::fullPath(const Node *node) const
{
    // The prefix of a namespace ends with the separator; a key is its path plus its name.
    QList<const Node *> chain;
    for (const Node *n = node; n && n != m_root.get(); n = n->parent)
        chain.prepend(n);
    QByteArray path;
    for (const Node *n : chain) {
        path += n->name;
        if (n->isNamespace)
            path += m_separator;
    }
    return path;
}

QModelIndex KeyTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *p = nodeOf(parent);
    if (row < 0 || column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    if (row < p->shown)
        return createIndex(row, column, p->children[static_cast<size_t>(row)].get());
    if (row == p->shown && p->moreShown)
        return createIndex(row, column, p->more.get());
    return {};
}

QModelIndex KeyTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent);
}

int KeyTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    const Node *node = nodeOf(parent);
    return node->shown + (node->moreShown ? 1 : 0);
}

int KeyTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool KeyTreeModel::hasChildren(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return false;
    const Node *node = nodeOf(parent);
    return node->isNamespace && (node->count > 0 || !node->children.empty());
}

bool KeyTreeModel::canFetchMore(const QModelIndex &parent) const
{
    // Only the first build of a namespace. Not the rows behind "more": QTreeView calls fetchMore() from inside its
    // own layout, for every expanded namespace that says it can, until the viewport is full; opening a page there
    // (which may sort, a layoutChanged) changes the model under the view's feet. The "more" row is clicked instead.
    const Node *node = nodeOf(parent);
    return node->isNamespace && !node->populated;
}

void KeyTreeModel::fetchMore(const QModelIndex &parent)
{
    populate(nodeOf(parent));
}

Qt::ItemFlags KeyTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (nodeOf(index)->isMore)
        return Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!nodeOf(index)->isNamespace)
        f |= Qt::ItemNeverHasChildren;
    return f;
}

QVariant KeyTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    if (node->isMore)
        return moreData(node->parent, index.column(), role);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn) {
            if (node->name.isEmpty())
                return QStringLiteral("\"\"");
            // A huge name is cut before it is escaped: the view elides what is left in the middle.
            constexpr qsizetype shown = 512;
            if (node->name.size() > shown)
                return QString(KeyDisplay::escape(QByteArrayView(node->name).first(shown))
                               + tr("… (%1 bytes)").arg(QLocale().toString(node->name.size())));
            return KeyDisplay::escape(node->name);
        }
        return node->isNamespace ? QLocale().toString(node->count) : QVariant();
    case Qt::DecorationRole:
        if (index.column() != NameColumn)
            return {};
        // Made once: the view asks for every painted row, and the header for a thousand rows each time it sizes
        // the count column; a fresh standardIcon() each time was a third of a scan's GUI time with namespaces open.
        if (m_icons.isEmpty())
            m_icons = {QApplication::style()->standardIcon(QStyle::SP_DirIcon),
                       QApplication::style()->standardIcon(QStyle::SP_FileIcon),
                       QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning)};
        return m_icons.at(node->missing ? 2 : node->isNamespace ? 0 : 1);
    case Qt::ToolTipRole: {
        QString tip = KeyDisplay::escape(fullPath(node));
        if (node->isNamespace)
            tip += QLatin1Char('\n') + countOf(node->count, tr("key"), tr("keys"));
        if (node->missing)
            tip += tr("\nListed before the failover, and not found on the new master: a write that asynchronous "
                      "replication may have lost, or a key deleted meanwhile.");
        return tip;
    }
    case Qt::ForegroundRole:
        if (node->missing)
            return QColor(0xdc, 0x32, 0x2f);
        return {};
    case Qt::FontRole:
        if (node->missing) {
            QFont font;
            font.setItalic(true);
            font.setStrikeOut(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == CountColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case KeyBytesRole:
        return fullPath(node);
    case IsNamespaceRole:
        return node->isNamespace;
    case KeyCountRole:
        return node->count;
    case IsMissingRole:
        return node->missing;
    case IsMoreRole:
        return false;
    default:
        return {};
    }
}

QVariant KeyTreeModel::moreData(const Node *parent, int column, int role) const
{
    const qint64 hidden = parent->moreCount;
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return tr("… %1 more %2: click to show %3 more rows")
                .arg(QLocale().toString(hidden), hidden == 1 ? tr("key") : tr("keys"), QLocale().toString(m_rowLimit));
        return {};
    case Qt::ToolTipRole:
        return tr("Vigil shows a namespace's rows %1 at a time, so that a huge namespace cannot slow the window "
                  "down. Click to show more, or narrow the scan with a pattern.")
            .arg(QLocale().toString(m_rowLimit));
    case Qt::ForegroundRole:
        return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
    case Qt::FontRole: {
        QFont font;
        font.setItalic(true);
        return font;
    }
    case IsMoreRole:
        return true;
    case KeyCountRole:
        return hidden;
    case IsNamespaceRole:
    case IsMissingRole:
        return false;
    default:
        return {};
    }
}

QVariant KeyTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Key") : tr("Keys");
}
