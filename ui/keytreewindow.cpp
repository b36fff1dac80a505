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
    // keys).
    qint64 hidden = parent->count;
    for (int i = 0; i < parent->shown; ++i)
        hidden -= parent->children[static_cast<size_t>(i)]->count;
    return hidden;
}

void KeyTreeModel::refreshMoreCounts()
{
    m_moreCountTimer->stop();
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
            return NaturalOrder::compare(segment, end->segment) > 0;
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
    return NaturalOrder::compare(segment, last->name) > 0;
}

void KeyTreeModel::unspill(Node *node, qint64 rows, bool sortNow)
{
    m_pageEnds.remove(node); // rows past the page exist now: only the window's last row can be the boundary
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
        route(node, entries[i].rest.toByteArray(), added);
    }
    m_noSpill = false;
}

void KeyTreeModel::choose(Node *node, qint64 members)
{
    node->choice->read(node->pending, members, m_separator, node->overflow);
    if (node->pending.left == 0)
        finishChoice(node);
}

void KeyTreeModel::finishChoice(Node *node)
{
    const std::unique_ptr<PageChoice> choice = std::move(node->choice);
    m_choosing.remove(node);
    choice->read(node->pending, node->pending.left, m_separator, node->overflow);
    choice->cut(node->overflow);
    // The page's rows in order, then each row's members (all of a namespace's, together).
    std::vector<PackedEntry> rows;
    rows.reserve(static_cast<size_t>(choice->rows()));
    choice->keys.forEach([&](QByteArrayView rest) { rows.push_back({rest, rest, false}); });
    for (auto it = choice->namespaces.cbegin(); it != choice->namespaces.cend(); ++it)
        rows.push_back({{}, it.key(), true});
    std::sort(rows.begin(), rows.end(), KeyTreeStorage::entryBefore);
    std::vector<PackedEntry> page;
    for (const PackedEntry &row : rows) {
        if (!row.isNamespace) {
            page.push_back(row);
            continue;
        }
        choice->namespaces.constFind(QByteArray::fromRawData(row.segment.data(), row.segment.size()))
            ->forEach([&](QByteArrayView rest) {
                page.push_back({rest, row.segment, true});
            });
    }
    node->populated = true;
    buildFirstPage(node, page);
}

void KeyTreeModel::buildFirstPage(Node *node, const std::vector<PackedEntry> &entries)
{
    // The first page is exactly the rows that sort first, so the window's last row is a true boundary and the keys
    // the scan still brings almost all sort past it and stay packed. (A page of whatever came first ends near the
    // namespace's largest name: nearly every later key lands inside the window, to be built and sorted in.) Only the
    // top of the page is built now; the rest, already in order, is drained a slice per turn and appended without a
    // re-sort, and meanwhile the page's last entry is the boundary for the keys the scan brings (m_pageEnds). No
    // sort of other namespaces here: this may run from the view's fetchMore, inside its layout.
    const size_t page = entries.size();
    m_spilledInto.insert(node);
    if (page == 0) { // every candidate was deleted meanwhile
        updateSpilledWindows();
        return;
    }
    size_t now = qMin(page, static_cast<size_t>(qBound<qint64>(qint64(1), qint64(m_rowLimit / 4), firstRowsNow)));
    while (now < page && KeyTreeStorage::sameRow(entries[now - 1], entries[now]))
        ++now;
    QHash<Node *, std::vector<Node *>> added;
    buildEntries(node, entries.data(), now, added);
    for (size_t i = now; i < page; ++i)
        node->pending.append(entries[i].rest);
    attach(added);
    if (node->pending.left > 0) {
        const PackedEntry &last = entries[page - 1];
        m_pageEnds.insert(node, {last.segment.toByteArray(), last.isNamespace});
        m_draining.insert(node);
        if (!m_drainTimer->isActive())
            m_drainTimer->start();
    }
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
