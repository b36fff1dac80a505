#include "keytreemodel.h"

#include "common/naturalorder.h"
#include "keydisplay.h"
#include "keytreemodel_p.h"
#include "plural.h"
#include "theme.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QScopeGuard>
#include <QStyle>
#include <QTimer>

#include <algorithm>
#include <bit>

bool KeyTreeModel::lessThan(const Node *a, const Node *b)
{
    if (a->isNamespace != b->isNamespace)
        return a->isNamespace;
    if (a->value >= 0 && b->value >= 0 && a->value != b->value)
        return a->value < b->value;
    return NaturalOrder::compare(a->name, b->name) < 0;
}

KeyTreeModel::KeyTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
    , m_sortTimer(new QTimer(this))
{
    m_root->isNamespace = true;
    m_root->populated = true;
    // Named for the benchmark's stall log (BENCH_STALL_LOG), which says which one a long event was.
    m_sortTimer->setObjectName(QStringLiteral("sort"));
    m_sortTimer->setSingleShot(true);
    m_sortTimer->setInterval(m_sortDelay);
    // The sort is a turn of workSome() of its own, one namespace at a time within the turn's budget: when both timers
    // fired in one pass of the event loop, the sort, the turn and the view's relayout came back to back, with no input
    // between; and a sort of every namespace at once, from this timer between two batches, took 15-19 ms at 10M keys.
    connect(m_sortTimer, &QTimer::timeout, this, [this] {
        m_sortDue = true;
        if (!m_drainTimer->isActive())
            m_drainTimer->start();
    });
    m_drainTimer = new QTimer(this);
    m_drainTimer->setObjectName(QStringLiteral("work"));
    // Not 0. A pass of Qt's timer list counts the timers due when it began, then fires that many, each due again at
    // the pass's start plus its interval. A zero timer is due again at once: when its turn stopped another due timer
    // (the sort's, the counts'), it fired a second time in that timer's place, two turns back to back with no repaint
    // or input between (at 10M keys with a CPU hog, a third of the gaps of 40 ms or more). At 1 ms the next turn waits
    // for the next pass; a busy model loses nothing, its turns being longer than that.
    m_drainTimer->setInterval(1);
    connect(m_drainTimer, &QTimer::timeout, this, &KeyTreeModel::workSome);
    m_moreCountTimer = new QTimer(this);
    m_moreCountTimer->setObjectName(QStringLiteral("more counts"));
    m_moreCountTimer->setSingleShot(true);
    m_moreCountTimer->setInterval(moreCountDelayMs);
    connect(m_moreCountTimer, &QTimer::timeout, this, &KeyTreeModel::refreshMoreCounts);
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
    m_choosing.clear();
    m_missing.clear();
    m_gone.clear();
    m_notPermitted.clear();
    m_listedType.clear(); // m_types stays: the same deployment's keys keep their types across a rescan
    m_spilledInto.clear();
    m_moreCountsDue.clear();
    m_countsDue.clear();
    m_moreCountTimer->stop();
    m_incoming.clear();
    m_incomingOffset = 0;
    m_sortTimer->stop();
    m_sortDue = false;
    m_drainTimer->stop();
    endResetModel();
}

void KeyTreeModel::collectKeys(const Node *node, const QByteArray &prefix, QList<QByteArray> *out) const
{
    const auto add = [&](QByteArrayView rest) { out->append(prefix + rest.toByteArray()); };
    node->pending.forEach(add);
    node->overflow.forEach(add);
    if (node->choice) {
        node->choice->forEach(add);
        for (const auto &row : node->choice->built) {
            if (row && row->isNamespace)
                collectKeys(row.get(), prefix + row->name + m_separator, out);
            else if (row)
                out->append(prefix + row->name);
        }
    }
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
    const QByteArray listed = m_listedType;
    clear();
    m_listedType = listed;
    m_separator = separator;
    addKeys(keys);
    markMissing(QList<QByteArray>(missing.cbegin(), missing.cend()));
}

KeyTreeModel::Node *KeyTreeModel::namespaceChild(Node *node, QByteArrayView segment,
                                                 QHash<Node *, std::vector<Node *>> &added)
{
    // Looked up without a copy of the name: this runs for every key the scan brings into an expanded namespace.
    if (Node *existing = node->namespaces.value(QByteArray::fromRawData(segment.data(), segment.size())))
        return existing;
    auto *child = new Node;
    child->parent = node;
    child->name = segment.toByteArray();
    child->value = NaturalOrder::valueOf(segment);
    child->isNamespace = true;
    makeRoomForNamespaces(node, 1);
    node->namespaces.insert(child->name, child);
    added[node].push_back(child);
    return child;
}

void KeyTreeModel::makeRoomForNamespaces(Node *node, qsizetype more)
{
    // A hash that grows doubles, and hashes every name again, reading each from memory: growing a namespace's past
    // 32,768 rows took 20-25 ms in one turn at 10M keys (its window keeps building namespace rows that sort into it,
    // and the rows it pushes out stay built). Past a thousand it is given room at once for what a window makes over a
    // whole scan of millions of keys, so the one rehash is of a thousand names.
    const qsizetype wanted = node->namespaces.size() + more;
    if (wanted > node->namespaces.capacity() && wanted >= 1024)
        node->namespaces.reserve(qMax<qsizetype>(2 * wanted, 8 * qsizetype(m_rowLimit)));
}

void KeyTreeModel::route(Node *node, QByteArrayView rest, QHash<Node *, std::vector<Node *>> &added)
{
    for (;;) {
        ++node->count;
        if (!node->populated) {
            node->pending.append(rest);
            return;
        }
        if (spills(node, rest)) {
            node->spillTarget().append(rest);
            noteSpill(node);
            return;
        }
        const qsizetype at = rest.indexOf(m_separator);
        if (at < 0) {
            auto *leaf = new Node;
            leaf->parent = node;
            leaf->name = rest.toByteArray();
            leaf->value = NaturalOrder::valueOf(rest);
            leaf->count = 1;
            leaf->missing = !m_missing.isEmpty() && m_missing.contains(fullPath(node).append(rest));
            added[node].push_back(leaf);
            return;
        }
        Node *child = namespaceChild(node, rest.first(at), added);
        return route(child, rest.sliced(at + m_separator.size()), added);
    }
}

void KeyTreeModel::addKeys(const QByteArray *keys, qsizetype count)
{
    if (count == 0)
        return;
    QHash<Node *, std::vector<Node *>> added;
    // Counts of rows that exist change too: remember them to announce, each once (a flag on the node, not a set
    // lookup for every key).
    std::vector<Node *> touched;
    for (qsizetype i = 0; i < count; ++i) {
        const QByteArray &key = keys[i];
        Node *node = m_root.get();
        qsizetype from = 0; // where the rest of the key below `node` starts
        qsizetype at = -1;  // where its first segment ends
        bool noRow = false; // `node` is populated and has no row for that segment
        // Walk the populated part here to note the visible namespaces whose count changes; route() does the rest.
        // The names are looked up in place: no copy of a segment for each key.
        while (node->populated) {
            at = key.indexOf(m_separator, from);
            if (at < 0) {
                noRow = true; // a key, never a row yet (the scan reports each once)
                break;
            }
            Node *child = node->namespaces.value(QByteArray::fromRawData(key.constData() + from, at - from));
            if (!child) {
                noRow = true;
                break;
            }
            if (!child->attached)
                break;
            if (!child->countNoted) {
                child->countNoted = true;
                touched.push_back(child);
            }
            ++node->count;
            node = child;
            from = at + m_separator.size();
        }
        const QByteArrayView rest = QByteArrayView(key).sliced(from);
        // Most keys of a scan into an expanded namespace sort past its full window: packed here, without route()
        // looking the segment up a second time.
        if (noRow && sortsPastWindow(node, at < 0 ? rest : rest.first(at - from), at >= 0)) {
            ++node->count;
            node->spillTarget().append(rest);
            noteSpill(node);
            continue;
        }
        route(node, rest, added);
    }
    QSet<Node *> counted;
    counted.reserve(static_cast<qsizetype>(touched.size()));
    for (Node *node : touched) {
        node->countNoted = false;
        counted.insert(node);
    }
    attach(added);
    countsChanged(counted);
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

void KeyTreeModel::mergeNewRows(Node *node, size_t from, bool newRowsSorted)
{
    // Sort what arrived since the last sort and merge it into the sorted rows from `from` on. Only the stretch of
    // rows that the new ones fall among is compared: the rows after the largest new one just move along (in a huge
    // expanded namespace, the tens of thousands pushed past the window by rows sorting before them).
    const auto byOrder
        = [](const std::unique_ptr<Node> &a, const std::unique_ptr<Node> &b) { return lessThan(a.get(), b.get()); };
    auto &c = node->children;
    const auto first = c.begin() + static_cast<std::ptrdiff_t>(from);
    const auto middle = c.begin() + static_cast<std::ptrdiff_t>(node->sortedCount);
    if (!newRowsSorted)
        std::sort(middle, c.end(), byOrder);
    if (middle != c.end() && first != middle) {
        const auto newRows = c.end() - middle;
        const auto after = std::upper_bound(first, middle, c.back(), byOrder);
        const auto start = std::upper_bound(first, after, *middle, byOrder);
        from = static_cast<size_t>(start - c.begin());
        // A merge compares every row of the stretch; a search for each new row's place compares about log2 of it. At
        // 10M keys with the biggest namespaces expanded, merges of a few dozen rows into windows of 10,000 made 3.5M of
        // the model's 5.5M comparisons; with the search, 1.2M of 2.9M.
        const auto stretch = after - start;
        if (newRows * (std::bit_width(static_cast<size_t>(stretch)) + 1) >= static_cast<size_t>(stretch)) {
            std::rotate(after, middle, c.end());
            std::inplace_merge(start, after, after + newRows, byOrder);
        } else {
            // From the last new row back: each finds its place among the rows not yet passed, and the rows after that
            // place move once, to their final slots.
            std::vector<std::unique_ptr<Node>> fresh(std::make_move_iterator(middle), std::make_move_iterator(c.end()));
            // The old rows past the largest new one move straight to the end.
            auto free = std::move_backward(after, middle, c.end()); // the slots from here on are final
            auto unplaced = after; // the old rows [start, unplaced) stay where they are for now
            for (auto row = fresh.rbegin(); row != fresh.rend(); ++row) {
                const auto place = std::upper_bound(start, unplaced, *row, byOrder);
                free = std::move_backward(place, unplaced, free);
                *--free = std::move(*row);
                unplaced = place;
            }
        }
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
    m_sortDue = false;
    // Sorting moves rows in and out of windows; the "more" counts follow, with the other changes still due.
    const auto recount = qScopeGuard([this] { refreshMoreCounts(); });
    if (m_unsorted.isEmpty())
        return;
    // Rows wait for their sort to enter a window that has room (updateWindow): the windows grow now.
    const auto grow = qScopeGuard([this, sorted = QList<Node *>(m_unsorted.cbegin(), m_unsorted.cend())] {
        for (Node *node : sorted)
            updateWindow(node);
    });
    const auto byOrder
        = [](const std::unique_ptr<Node> &a, const std::unique_ptr<Node> &b) { return lessThan(a.get(), b.get()); };
    // Where every new row lands past the window (the common case in a huge namespace), the rows the view sees do not
    // change: sort without telling it, so it does not lay out every visible row again. The new rows are sorted once.
    QSet<Node *> newRowsSorted;
    for (auto it = m_unsorted.begin(); it != m_unsorted.end();) {
        Node *node = *it;
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
            mergeNewRows(node, static_cast<size_t>(node->shown), true);
            it = m_unsorted.erase(it);
            continue;
        }
        newRowsSorted.insert(node);
        ++it; // new rows land inside the window: merged below, with the view told
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
        mergeNewRows(node, 0, newRowsSorted.contains(node));
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
            // A namespace's first rows are shown sorted at once (a chosen first page comes sorted already).
            const auto byOrder = [](const Node *a, const Node *b) { return lessThan(a, b); };
            if (!std::is_sorted(fresh.begin(), fresh.end(), byOrder))
                std::sort(fresh.begin(), fresh.end(), byOrder);
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
        if (firstFill || inOrder)
            parent->sortedCount = parent->children.size();
        else
            scheduleSort(parent);
        updateWindow(parent);
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
    if (node->populated || node->choice)
        return;
    if (node->pending.left > 0 && node->pending.left <= exactFirstPageUpTo) {
        // Its first page is chosen from all its members, a slice per turn, and shown whole and in order: expanding
        // three namespaces of 60,000 keys at once took 40 ms in one go. A small one is done here and now.
        node->choice = std::make_unique<PageChoice>();
        node->choice->rowLimit = m_rowLimit;
        node->choice->separator = m_separator;
        if (node->pending.left <= choiceNow)
            finishChoice(node);
        if (node->choice) {
            m_choosing.insert(node);
            if (!m_drainTimer->isActive())
                m_drainTimer->start();
        }
        return;
    }
    node->populated = true;
    if (node->pending.left == 0)
        return;
    // Too big to choose from in a moment: build a first slice now, so the expanded namespace shows rows at once; the
    // rest follows from the event loop, a slice at a time, so a namespace of a million keys never freezes the window.
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
    // Read in place: nothing in the loop appends to this list (the node is populated; its keys go to rows,
    // namespaces below it, or its overflow).
    while (node->pending.left > 0 && budget-- > 0) {
        const QByteArrayView rest = node->pending.next();
        if (spills(node, rest)) {
            node->spillTarget().append(rest);
            noteSpill(node);
            continue;
        }
        const qsizetype at = rest.indexOf(m_separator);
        if (at < 0) {
            auto *leaf = new Node;
            leaf->parent = node;
            leaf->name = rest.toByteArray();
            leaf->value = NaturalOrder::valueOf(rest);
            leaf->count = 1;
            leaf->missing = !m_missing.isEmpty() && m_missing.contains(QByteArray(prefix).append(rest));
            added[node].push_back(leaf);
            continue;
        }
        Node *child = namespaceChild(node, rest.first(at), added);
        if (child->attached)
            touched.insert(child);
        route(child, rest.sliced(at + m_separator.size()), added);
    }
    if (node->pending.left == 0)
        node->pending.release();
    attach(added);
    countsChanged(touched);
    updateSpilledWindows();
}

void KeyTreeModel::enqueueKeys(const QList<QByteArray> &keys, const QByteArray &type)
{
    m_listedType = type;
    m_incoming.append(keys);
    if (!m_drainTimer->isActive())
        m_drainTimer->start();
}

void KeyTreeModel::ingestQueued()
{
    while (!m_incoming.isEmpty()) {
        const QList<QByteArray> head = m_incoming.takeFirst();
        addKeys(head.constData() + m_incomingOffset, head.size() - m_incomingOffset);
        m_incomingOffset = 0;
    }
}

qsizetype KeyTreeModel::queuedKeyCount() const
{
    // A few dozen batches at most: the GUI keeps up with the scan.
    qsizetype keys = -m_incomingOffset;
    for (const QList<QByteArray> &batch : m_incoming)
        keys += batch.size();
    return keys;
}

void KeyTreeModel::sortOnly(Node *node)
{
    const bool timerWasActive = m_sortTimer->isActive();
    const bool wasDue = m_sortDue;
    QSet<Node *> later = std::exchange(m_unsorted, {node});
    later.remove(node);
    flushSort();
    m_unsorted.unite(later);
    // The others' sort stays as it was: due, or waiting for the timer.
    if (!m_unsorted.isEmpty()) {
        m_sortDue = wasDue;
        if (timerWasActive)
            m_sortTimer->start();
    }
}

void KeyTreeModel::workSome()
{
    // One budget a turn for everything the model does from the event loop, in pieces of 2,000: first the rows of the
    // namespaces the user expanded (what they look at), then the scan's queued keys. A count of keys is no bound: a
    // key that lands in an expanded namespace costs many times one that lands in a collapsed one.
    constexpr qsizetype piece = 2000;
    QElapsedTimer spent;
    spent.start();
    // Between two turns the view lays out and paints, in time that grows with the rows of the expanded namespaces (it
    // asks every row for its flags). A turn is given at least as long as that took, so that the layouts cannot take
    // most of the thread (with 1M keys and the biggest namespaces expanded they took a third of it, in 5 ms turns).
    const qint64 budget
        = std::clamp<qint64>(m_sinceTurn.isValid() ? m_sinceTurn.elapsed() : 0, turnBudgetMs, maxTurnBudgetMs);
    if (m_sortDue) {
        // The namespaces one at a time, as many as the budget allows; the rest on the next turns.
        while (!m_unsorted.isEmpty() && spent.elapsed() < budget)
            sortOnly(*m_unsorted.cbegin());
        m_sortDue = !m_unsorted.isEmpty();
        m_sinceTurn.start();
        return;
    }
    const QList<Node *> choosing(m_choosing.cbegin(), m_choosing.cend());
    for (Node *node : choosing) {
        // Reading is sliced; each cut, the sort and each slice of the build is a turn of its own: the build of a page
        // of 10,000 rows took 10 ms or more, and the queued keys taken after it in the same turn made events of
        // 20-25 ms of CPU (50 ms of wall time with a CPU hog on the other core).
        while (node->choice && spent.elapsed() < budget) {
            const PageChoice &choice = *node->choice;
            const bool reading
                = choice.stage == PageChoice::Stage::Reading && node->choiceSource().left > 0 && !choice.needsCut();
            if (!reading && spent.elapsed() > 0)
                break;
            stepChoice(node);
            if (!reading) {
                m_sinceTurn.start();
                return;
            }
        }
        if (spent.elapsed() >= budget)
            break;
    }
    const QList<Node *> nodes(m_draining.cbegin(), m_draining.cend());
    for (Node *node : nodes) {
        while (node->pending.left > 0 && spent.elapsed() < budget)
            drain(node, piece);
        if (node->pending.left == 0)
            m_draining.remove(node);
        if (spent.elapsed() >= budget)
            break;
    }
    const bool hadQueued = !m_incoming.isEmpty();
    while (!m_incoming.isEmpty() && spent.elapsed() < budget) {
        const QList<QByteArray> head = m_incoming.constFirst(); // shared, not copied: a piece is added where it lies
        const qsizetype count = qMin(head.size() - m_incomingOffset, piece);
        addKeys(head.constData() + m_incomingOffset, count);
        m_incomingOffset += count;
        if (m_incomingOffset == head.size()) {
            m_incoming.removeFirst();
            m_incomingOffset = 0;
        }
    }
    if (m_draining.isEmpty() && m_incoming.isEmpty() && m_choosing.isEmpty()) {
        m_drainTimer->stop();
        m_sinceTurn.invalidate();
        refreshMoreCounts(); // the last counts of a scan show at once
    } else {
        m_sinceTurn.start();
    }
    if (hadQueued && m_incoming.isEmpty())
        Q_EMIT ingested();
}

bool KeyTreeModel::isNotPermitted(const Node *node) const
{
    return !m_notPermitted.isEmpty() && !node->isNamespace && m_notPermitted.contains(fullPath(node));
}

void KeyTreeModel::markNotPermitted(const QByteArray &key)
{
    if (m_notPermitted.contains(key))
        return;
    m_notPermitted.insert(key);
    const QModelIndex index = indexOfKey(key);
    if (index.isValid())
        Q_EMIT dataChanged(index.siblingAtColumn(NameColumn), index.siblingAtColumn(CountColumn));
}

void KeyTreeModel::markMissing(const QList<QByteArray> &keys)
{
    for (const QByteArray &key : keys) {
        m_missing.insert(key);
        strikeOut(key);
    }
}

void KeyTreeModel::markGone(const QByteArray &key)
{
    m_gone.insert(key);
    m_types.remove(key); // no badge on a key that is not there
    strikeOut(key);
}

void KeyTreeModel::markPresent(const QByteArray &key)
{
    if (!m_gone.remove(key) || m_missing.contains(key))
        return;
    if (Node *node = findKeyNode(key)) {
        node->missing = false;
        if (isVisibleRow(node))
            Q_EMIT dataChanged(indexOf(node), indexOf(node, CountColumn));
    }
}

QModelIndex KeyTreeModel::indexOfNamespace(const QByteArray &prefix) const
{
    if (!prefix.endsWith(m_separator))
        return {};
    const Node *node = m_root.get();
    QByteArrayView rest = QByteArrayView(prefix).chopped(m_separator.size());
    for (;;) {
        if (!node->populated)
            return {};
        const qsizetype at = rest.indexOf(m_separator);
        const QByteArrayView segment = at < 0 ? rest : rest.first(at);
        Node *child = node->namespaces.value(QByteArray::fromRawData(segment.data(), segment.size()));
        if (!child || !isVisibleRow(child))
            return {};
        if (at < 0)
            return indexOf(child);
        node = child;
        rest = rest.sliced(at + m_separator.size());
    }
}

KeyTreeModel::Node *KeyTreeModel::findKeyNode(const QByteArray &key) const
{
    Node *node = m_root.get();
    QByteArrayView rest = key;
    while (node && node->populated) {
        const qsizetype at = rest.indexOf(m_separator);
        if (at < 0) {
            for (const auto &child : node->children)
                if (!child->isNamespace && child->name == rest)
                    return child.get();
            return nullptr;
        }
        node = node->namespaces.value(rest.first(at).toByteArray());
        rest = rest.sliced(at + m_separator.size());
    }
    return nullptr;
}

void KeyTreeModel::strikeOut(const QByteArray &key)
{
    // Mark the row if it exists; rows built later look the key up in m_missing.
    if (Node *node = findKeyNode(key)) {
        node->missing = true;
        if (isVisibleRow(node))
            Q_EMIT dataChanged(indexOf(node), indexOf(node, CountColumn));
    }
}

void KeyTreeModel::setKeyType(const QByteArray &key, const QByteArray &type)
{
    if (type.isEmpty() || type == "none") {
        m_types.remove(key);
    } else {
        qsizetype at = m_typeNames.indexOf(type);
        if (at < 0) {
            if (m_typeNames.size() > 255) // a hostile server inventing types: no badge rather than a wrong one
                return;
            at = m_typeNames.size();
            m_typeNames.append(type);
        }
        const auto index = static_cast<quint8>(at);
        if (m_types.value(key) == index && !m_gone.contains(key))
            return;
        // About 190 bytes a key (tree_bench.sh): bounded, so scrolling through ten million keys cannot grow it without
        // end. Starting over costs the rows in view one more TYPE round, which the loader sends as it finds them.
        if (m_types.size() >= typeCacheLimit)
            m_types.clear();
        m_types.insert(key, index);
        markPresent(key); // a key with a type exists
    }
    if (Node *node = findKeyNode(key); node && isVisibleRow(node))
        Q_EMIT dataChanged(indexOf(node), indexOf(node));
}

QByteArray KeyTreeModel::keyType(const QByteArray &key) const
{
    return m_typeNames.value(m_types.value(key));
}

QByteArray KeyTreeModel::typeOf(const Node *node) const
{
    if (node->isNamespace || node->missing)
        return {};
    if (!m_types.isEmpty())
        if (const quint8 index = m_types.value(fullPath(node)))
            return m_typeNames.at(index);
    return m_listedType;
}

int KeyTreeModel::removeKeys(const QList<QByteArray> &keys)
{
    int removed = 0;
    for (const QByteArray &key : keys) {
        if (removeBelow(m_root.get(), key))
            ++removed;
        m_missing.remove(key);
        m_gone.remove(key);
        m_types.remove(key);
    }
    updateSpilledWindows(); // the root's "more" row, if it has one, counts fewer keys
    return removed;
}

bool KeyTreeModel::removeBelow(Node *node, const QByteArray &rest)
{
    // A page half built: the rest of it now, so that the key is in a row or still packed, not in between.
    if (node->choice && !node->choice->built.empty())
        finishChoice(node);
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
        found
            = node->pending.remove(rest) || node->overflow.remove(rest) || (node->choice && node->choice->remove(rest));
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
    m_choosing.remove(child);
    m_moreCountsDue.remove(child);
    m_countsDue.remove(child);
    m_spilledInto.remove(child); // a page finished by this removal may have noted it
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
        if (node->choice)
            finishChoice(node);
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
    if (!index.isValid())
        return m_root.get();
    return reinterpret_cast<Node *>(index.internalId() & ~rowKindMask);
}

KeyTreeModel::RowKind KeyTreeModel::kindOf(const QModelIndex &index)
{
    return static_cast<RowKind>(index.internalId() & rowKindMask);
}

QModelIndex KeyTreeModel::makeIndex(int row, int column, const Node *node, RowKind kind) const
{
    static_assert(alignof(Node) > rowKindMask, "the row's kind lives in the low bits of its node's address");
    return createIndex(row, column, reinterpret_cast<quintptr>(node) | kind);
}

QModelIndex KeyTreeModel::indexOf(Node *node, int column) const
{
    if (!isVisibleRow(node))
        return {};
    if (node->isMore)
        return makeIndex(node->parent->shown, column, node, MoreRow);
    return makeIndex(node->row, column, node, node->isNamespace ? NamespaceRow : KeyRow);
}

size_t KeyTreeModel::namespaceRows(const Node *parent)
{
    // The sorted children are namespaces, then keys: the count is where the one kind ends. The count last found still
    // holds if the rows on each side of it are of the right kind (two reads, of rows the layout keeps in cache).
    const auto &c = parent->children;
    const size_t sorted = parent->sortedCount;
    const size_t seen = parent->namespaceRowsSeen;
    if (seen <= sorted && (seen == 0 || c[seen - 1]->isNamespace) && (seen == sorted || !c[seen]->isNamespace))
        return seen;
    const auto end = c.begin() + static_cast<std::ptrdiff_t>(sorted);
    const auto firstKey
        = std::partition_point(c.begin(), end, [](const std::unique_ptr<Node> &n) { return n->isNamespace; });
    parent->namespaceRowsSeen = static_cast<size_t>(firstKey - c.begin());
    return parent->namespaceRowsSeen;
}

KeyTreeModel::RowKind KeyTreeModel::kindOfRow(const Node *parent, int row)
{
    const auto at = static_cast<size_t>(row);
    if (at < parent->sortedCount)
        return at < namespaceRows(parent) ? NamespaceRow : KeyRow;
    return parent->children[at]->isNamespace ? NamespaceRow : KeyRow; // not sorted yet: read it
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
        return makeIndex(row, column, p->children[static_cast<size_t>(row)].get(), kindOfRow(p, row));
    if (row == p->shown && p->moreShown)
        return makeIndex(row, column, p->more.get(), MoreRow);
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
    if (parent.column() > 0 || (parent.isValid() && kindOf(parent) != NamespaceRow))
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
    return node->isNamespace && !node->populated && !node->choice;
}

void KeyTreeModel::fetchMore(const QModelIndex &parent)
{
    populate(nodeOf(parent));
}

Qt::ItemFlags KeyTreeModel::flags(const QModelIndex &index) const
{
    // From the index alone: the view asks this of every expanded row on each layout.
    if (!index.isValid())
        return Qt::NoItemFlags;
    switch (kindOf(index)) {
    case MoreRow:
        return Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
    case NamespaceRow:
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    case KeyRow:
        break;
    }
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
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
        if (node->isNamespace)
            return QLocale().toString(node->count);
        return isNotPermitted(node) ? tr("not permitted") : QVariant();
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
        else if (const QByteArray type = typeOf(node); !type.isEmpty())
            tip += tr("\nType: %1").arg(QString::fromUtf8(type));
        if (isNotPermitted(node))
            tip += tr("\nNot permitted: this user's ACL key patterns exclude this key (SCAN lists it all the same).");
        if (node->missing && !m_gone.isEmpty() && m_gone.contains(fullPath(node)))
            tip += tr("\nNo longer exists: it expired, or was deleted elsewhere, while it was listed.");
        else if (node->missing)
            tip += tr("\nListed before the failover, and not found on the new master: a write that asynchronous "
                      "replication may have lost, or a key deleted meanwhile.");
        return tip;
    }
    case Qt::ForegroundRole:
        if (node->missing)
            return Theme::colour(Theme::Role::Fault);
        if (isNotPermitted(node))
            return Theme::colour(Theme::Role::Muted);
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
    case IsNotPermittedRole:
        return isNotPermitted(node);
    case IsMoreRole:
        return false;
    case KeyTypeRole:
        return typeOf(node);
    case Qt::AccessibleTextRole:
        // A screen reader hears the badge's word with the name: "user:1, hash".
        if (index.column() == NameColumn && !node->isNamespace) {
            const QByteArray type = typeOf(node);
            if (!type.isEmpty())
                return tr("%1, %2").arg(data(index, Qt::DisplayRole).toString(), QString::fromUtf8(type));
        }
        return {};
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
