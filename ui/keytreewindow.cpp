// KeyTreeModel's windows of rows: a namespace shows at most rowLimit() rows, the rest wait behind an "N more" row,
// and keys that sort past a full window are packed instead of built (see keytreemodel.h and docs/architecture.md).

#include "common/naturalorder.h"
#include "keydisplay.h"
#include "keytreemodel_p.h"
#include "plural.h"

#include <QApplication>
#include <QFont>
#include <QLocale>
#include <QPalette>
#include <QTimer>

#include <algorithm>

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
    noteSpill(m_root.get());
    const QSet<Node *> nodes = std::exchange(m_spilledInto, {});
    for (Node *node : nodes)
        node->spillNoted = false;
    for (Node *node : nodes)
        if (node->moreShown || node->overflow.left > 0)
            updateWindow(node);
}

void KeyTreeModel::updateWindow(Node *parent)
{
    if (parent->limit == 0)
        parent->limit = m_rowLimit;
    const int total = static_cast<int>(parent->children.size());
    int wanted = qMin(total, parent->limit);
    // Rows that arrived out of order enter the window once sorted (flushSort grows it then): the view lays out its
    // rows again once a sort, not once a batch, and no row shows at the end only to move a moment later.
    if (wanted > parent->shown)
        wanted = qMax(parent->shown, qMin(wanted, static_cast<int>(parent->sortedCount)));
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
    const bool hidden = total > parent->limit || parent->overflow.left > 0 || (parent->choice && parent->choice->more)
                        || (parent->populated && parent->pending.left > 0 && parent->shown >= parent->limit);
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
        parent->moreCount = hiddenKeys(parent);
        if (announce)
            endInsertRows();
    } else if (!hidden && parent->moreShown) {
        if (announce)
            beginRemoveRows(parentIndex, parent->shown, parent->shown);
        parent->moreShown = false;
        if (announce)
            endRemoveRows();
    } else if (hidden) {
        // Its count is recounted with the others, soon (refreshMoreCounts).
        m_moreCountsDue.insert(parent);
        if (!m_moreCountTimer->isActive())
            m_moreCountTimer->start();
    }
}

qint64 KeyTreeModel::hiddenKeys(const Node *parent)
{
    // The keys behind the "more" row: all but those of the rows shown (a hidden namespace row stands for all of its
    // keys). A key row holds one key, so only the namespace rows are read: in sorted rows they come first.
    const auto shown = static_cast<size_t>(parent->shown);
    const size_t namespaces = shown <= parent->sortedCount ? qMin(namespaceRows(parent), shown) : shown;
    qint64 hidden = parent->count - static_cast<qint64>(shown - namespaces);
    for (size_t i = 0; i < namespaces; ++i)
        hidden -= parent->children[i]->count;
    return hidden;
}

void KeyTreeModel::countsChanged(const QSet<Node *> &nodes)
{
    if (nodes.isEmpty())
        return;
    m_countsDue.unite(nodes);
    if (!m_moreCountTimer->isActive())
        m_moreCountTimer->start();
}

void KeyTreeModel::refreshMoreCounts()
{
    m_moreCountTimer->stop();
    // The namespaces' own counts first: announcing one may make its "more" row due too.
    const QSet<Node *> counted = std::exchange(m_countsDue, {});
    for (Node *node : counted)
        announceCount(node);
    const QSet<Node *> nodes = std::exchange(m_moreCountsDue, {});
    for (Node *parent : nodes) {
        if (!parent->moreShown)
            continue;
        const qint64 hidden = hiddenKeys(parent);
        if (hidden == parent->moreCount)
            continue;
        parent->moreCount = hidden;
        if (parent == m_root.get() || isVisibleRow(parent)) {
            const QModelIndex more = indexOf(parent->more.get());
            Q_EMIT dataChanged(more, indexOf(parent->more.get(), CountColumn));
        }
    }
}

bool KeyTreeModel::hasFullWindow(const Node *node) const
{
    // Only past a full window whose rows are in order is anything packed: its last row is the boundary.
    return !m_noSpill && node->limit > 0 && node->shown >= node->limit
           && node->sortedCount >= static_cast<size_t>(node->shown);
}

void KeyTreeModel::noteSpill(Node *node)
{
    if (node->spillNoted)
        return;
    node->spillNoted = true;
    m_spilledInto.insert(node);
}

bool KeyTreeModel::spills(const Node *node, QByteArrayView rest) const
{
    if (!hasFullWindow(node))
        return false;
    const qsizetype at = rest.indexOf(m_separator);
    const bool isNamespace = at >= 0;
    const QByteArrayView segment = isNamespace ? rest.first(at) : rest;
    if (isNamespace && node->namespaces.contains(QByteArray::fromRawData(segment.data(), segment.size())))
        return false; // a namespace that has a row object already counts its own keys
    return sortsPastWindow(node, segment, isNamespace);
}

bool KeyTreeModel::sortsPastWindow(const Node *node, QByteArrayView segment, bool isNamespace) const
{
    if (!hasFullWindow(node))
        return false;
    const Node *last = node->children[static_cast<size_t>(node->shown) - 1].get();
    if (isNamespace != last->isNamespace)
        return !isNamespace; // namespaces sort before keys
    return NaturalOrder::compare(segment, last->name) > 0;
}

void KeyTreeModel::unspill(Node *node, qint64 rows, bool sortNow)
{
    if (node->overflow.left == 0)
        return;
    // Build only the first `rows` rows' worth; the rest stay packed.
    std::vector<PackedEntry> entries = KeyTreeStorage::entriesOf(node->overflow, m_separator);
    const size_t take = KeyTreeStorage::selectFirstRows(entries, rows);
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
        route(node, entries[i].rest, added);
    }
    m_noSpill = false;
}

void KeyTreeModel::stepChoice(Node *node)
{
    PageChoice &choice = *node->choice;
    switch (choice.stage) {
    case PageChoice::Stage::Reading:
        if (choice.needsCut())
            choice.cut(node->overflow);
        else if (node->choiceSource().left > 0)
            choice.read(node->choiceSource(), choiceSlice, node->overflow);
        else {
            choice.cut(node->overflow);
            choice.stage = PageChoice::Stage::Cut;
        }
        return;
    case PageChoice::Stage::Cut:
        choice.sortRows();
        choice.stage = PageChoice::Stage::Sorted;
        return;
    case PageChoice::Stage::Sorted:
        // A slice of the build a turn: a page of 10,000 rows took 12-24 ms at once with a CPU hog on the other core.
        // The last slice is built with the rest of the page's work (finishChoice).
        if (choice.built.size() + buildSlice < choice.order.size())
            buildRows(node, choice, choice.built.size() + buildSlice);
        else
            finishChoice(node);
        return;
    }
}

void KeyTreeModel::buildRows(Node *node, PageChoice &choice, size_t end)
{
    // A key row is a new leaf; a namespace row takes its members as they are packed, or, in a next page of a namespace
    // that has a row for it already (made by the drain after its first members had spilled), they are routed into
    // that row.
    const QByteArray prefix = m_missing.isEmpty() ? QByteArray() : fullPath(node);
    if (choice.built.empty()) {
        choice.built.reserve(choice.order.size());
        makeRoomForNamespaces(node, static_cast<qsizetype>(choice.namespaces.size()));
    }
    QHash<Node *, std::vector<Node *>> added;
    for (size_t i = choice.built.size(); i < std::min(end, choice.order.size()); ++i) {
        const PageChoice::Row &page = choice.order[i];
        Node *existing = page.entry.isNamespace ? node->namespaces.value(page.entry.segment.toByteArray()) : nullptr;
        if (!existing) {
            choice.built.emplace_back(newPageRow(node, page.entry, page.members, prefix));
            continue;
        }
        page.members->forEach([&](QByteArrayView rest) { route(existing, rest, added); });
        noteSpill(existing);
        announceCount(existing);
        choice.built.emplace_back(nullptr);
    }
    attach(added);
}

void KeyTreeModel::finishChoice(Node *node)
{
    // The first page is exactly the rows that sort first, so the window's last row is a true boundary and the keys
    // the scan still brings almost all sort past it and stay packed. (A page of whatever came first ends near the
    // namespace's largest name: nearly every later key lands inside the window, to be built and sorted in.)
    if (node->choice->stage == PageChoice::Stage::Reading) {
        PackedList &from = node->choiceSource();
        while (from.left > 0) {
            node->choice->read(from, choiceSlice, node->overflow);
            if (node->choice->needsCut())
                node->choice->cut(node->overflow);
        }
    }
    if (node->choice->stage != PageChoice::Stage::Sorted) {
        node->choice->cut(node->overflow);
        node->choice->sortRows();
        node->choice->stage = PageChoice::Stage::Sorted;
    }
    buildRows(node, *node->choice, node->choice->order.size());
    const std::unique_ptr<PageChoice> choice = std::move(node->choice);
    m_choosing.remove(node);
    if (choice->more) {
        buildNextPage(node, *choice);
        return;
    }
    // The whole page at once, in order.
    node->populated = true;
    QHash<Node *, std::vector<Node *>> added;
    std::vector<Node *> &rows = added[node];
    rows.reserve(choice->built.size());
    for (std::unique_ptr<Node> &row : choice->built)
        rows.push_back(row.release());
    // Members that came while the page was cut, sorted and built: drained from the next turn on, against the window.
    if (node->pending.left > 0) {
        m_draining.insert(node);
        if (!m_drainTimer->isActive())
            m_drainTimer->start();
    }
    attach(added);
    fillShortWindow(node);
    noteSpill(node);
    updateSpilledWindows();
}

void KeyTreeModel::fillShortWindow(Node *node)
{
    // A key deleted during a choice, after a cut, leaves the page a row short, and the row that should close it is
    // packed past the window (the cut sent it there). It is built now: a pass over the packed keys, only in this case.
    if (node->limit == 0 || node->shown >= node->limit || node->overflow.left == 0)
        return;
    unspill(node, node->limit - node->shown, false);
    if (m_unsorted.contains(node))
        sortOnly(node);
    updateWindow(node);
}

KeyTreeModel::Node *KeyTreeModel::newPageRow(Node *parent, const PackedEntry &row, PackedList *members,
                                             const QByteArray &prefix)
{
    // A key row is a leaf; a namespace row takes its members as they are packed (moving the list).
    auto *node = new Node;
    node->parent = parent;
    node->value = row.value;
    if (!row.isNamespace) {
        node->name = row.rest.toByteArray();
        node->count = 1;
        node->missing = !m_missing.isEmpty() && m_missing.contains(prefix + node->name);
        return node;
    }
    node->name = row.segment.toByteArray();
    node->isNamespace = true;
    node->pending = std::move(*members);
    node->count = node->pending.left;
    parent->namespaces.insert(node->name, node);
    return node;
}

void KeyTreeModel::buildNextPage(Node *node, PageChoice &choice)
{
    // The chosen rows (built by buildRows) join the namespace's rows.
    QHash<Node *, std::vector<Node *>> added;
    std::vector<Node *> &fresh = added[node];
    for (std::unique_ptr<Node> &row : choice.built)
        if (row)
            fresh.push_back(row.release());
    if (fresh.empty())
        added.remove(node);
    // Members that spilled while the page was cut, sorted and built: drained from the next turn on, against the
    // window the page makes.
    choice.source.forEach([&](QByteArrayView rest) { node->pending.append(rest); });
    if (node->pending.left > 0) {
        m_draining.insert(node);
        if (!m_drainTimer->isActive())
            m_drainTimer->start();
    }
    attach(added);
    if (m_unsorted.contains(node))
        sortOnly(node);
    node->limit = node->shown + m_rowLimit;
    updateWindow(node);
    fillShortWindow(node);
    noteSpill(node);
    updateSpilledWindows();
    if (choice.clicksQueued > 0 && node->moreShown)
        openNextPage(node, choice.clicksQueued - 1);
    else
        announceMoreRow(node); // no longer finding
}

void KeyTreeModel::announceMoreRow(Node *node)
{
    if (!node->moreShown || (node != m_root.get() && !isVisibleRow(node)))
        return;
    const QModelIndex more = indexOf(node->more.get());
    Q_EMIT dataChanged(more, more, {Qt::DisplayRole});
}

void KeyTreeModel::showMore(const QModelIndex &parent)
{
    Node *node = nodeOf(parent);
    if (!node->isNamespace || !node->moreShown)
        return;
    if (node->choice) {
        // A click while the next page is being chosen: one more page once it is built.
        if (node->choice->more)
            ++node->choice->clicksQueued;
        return;
    }
    openNextPage(node, 0);
}

void KeyTreeModel::openNextPage(Node *node, int clicksQueued)
{
    if (node->overflow.left > 0) {
        // The next page is chosen from the keys packed past the window, as a first page is: a slice per turn when
        // there are many (choosing it at once from a namespace of a million keys froze the window for most of a
        // second), and sorted in with the rows built but hidden. Keys still draining go on meanwhile.
        node->choice = std::make_unique<PageChoice>();
        node->choice->more = true;
        node->choice->rowLimit = m_rowLimit;
        node->choice->separator = m_separator;
        node->choice->source = std::exchange(node->overflow, {});
        node->choice->clicksQueued = clicksQueued;
        if (node->choice->source.left <= choiceNow) {
            finishChoice(node);
            return;
        }
        m_choosing.insert(node);
        if (!m_drainTimer->isActive())
            m_drainTimer->start();
        announceMoreRow(node); // it says it is finding them
        return;
    }
    // Only rows built already wait behind the "more" row, or keys still draining (the window grows as they come).
    if (node->sortedCount != node->children.size())
        sortOnly(node);
    node->limit = node->shown + (1 + clicksQueued) * m_rowLimit;
    updateWindow(node);
}

QVariant KeyTreeModel::moreData(const Node *parent, int column, int role) const
{
    const qint64 hidden = parent->moreCount;
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn && parent->choice && parent->choice->more)
            return tr("… %1 more %2: finding the next %3 rows")
                .arg(QLocale().toString(hidden), hidden == 1 ? tr("key") : tr("keys"), QLocale().toString(m_rowLimit));
        if (column == NameColumn)
            return tr("… %1 more %2: click for the next %3")
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
