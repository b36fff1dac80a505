#include "common/naturalorder.h"
#include "keytreemodel_p.h"

#include <algorithm>

std::vector<PackedEntry> KeyTreeStorage::entriesOf(const PackedList &list, QByteArrayView separator)
{
    std::vector<PackedEntry> entries;
    entries.reserve(static_cast<size_t>(list.left));
    list.forEach([&](QByteArrayView rest) {
        const qsizetype at = rest.indexOf(separator);
        const QByteArrayView segment = at >= 0 ? rest.first(at) : rest;
        entries.push_back({rest, segment, at >= 0, NaturalOrder::valueOf(segment)});
    });
    return entries;
}

bool KeyTreeStorage::entryBefore(const PackedEntry &a, const PackedEntry &b)
{
    if (a.isNamespace != b.isNamespace)
        return a.isNamespace;
    if (a.value >= 0 && b.value >= 0 && a.value != b.value)
        return a.value < b.value;
    return NaturalOrder::compare(a.segment, b.segment) < 0;
}

bool KeyTreeStorage::sameRow(const PackedEntry &a, const PackedEntry &b)
{
    return a.isNamespace == b.isNamespace && a.segment == b.segment;
}

size_t KeyTreeStorage::selectFirstRows(std::vector<PackedEntry> &entries, qint64 rows)
{
    if (rows <= 0 || static_cast<size_t>(rows) >= entries.size())
        return entries.size();
    std::nth_element(entries.begin(), entries.begin() + rows, entries.end(), entryBefore);
    const PackedEntry pivot = entries[static_cast<size_t>(rows)];
    const auto split = std::partition(entries.begin(), entries.end(),
                                      [&](const PackedEntry &e) { return entryBefore(e, pivot) || sameRow(e, pivot); });
    return static_cast<size_t>(split - entries.begin());
}

void PageChoice::read(PackedList &from, qint64 count, PackedList &out)
{
    count = qMin(count, from.left);
    size_t chunk = from.readChunk;
    qsizetype offset = from.readOffset;
    const PackedEntry last{boundary, boundary, boundaryIsNamespace, boundaryValue};
    for (qint64 i = 0; i < count; ++i) {
        const QByteArrayView rest = from.peek(&chunk, &offset);
        const qsizetype at = rest.indexOf(separator);
        const QByteArrayView segment = at >= 0 ? rest.first(at) : rest;
        const PackedEntry entry{rest, segment, at >= 0, bounded ? NaturalOrder::valueOf(segment) : -1};
        const QByteArrayView below = at >= 0 ? rest.sliced(at + separator.size()) : QByteArrayView();
        if (entry.isNamespace) {
            // A candidate namespace row takes all its members: the row is in the page or not as a whole.
            const auto row = namespaces.find(QByteArray::fromRawData(entry.segment.data(), entry.segment.size()));
            if (row != namespaces.end()) {
                row->append(below);
                continue;
            }
        }
        if (bounded && KeyTreeStorage::entryBefore(last, entry))
            out.append(rest);
        else if (entry.isNamespace)
            namespaces[entry.segment.toByteArray()].append(below);
        else
            keys.append(rest);
    }
    // Everything read is copied: the reader moves on, and frees the chunks at the end.
    from.readChunk = chunk;
    from.readOffset = offset;
    from.left -= count;
    if (from.left == 0)
        from.release();
}

void PageChoice::cut(PackedList &out)
{
    if (rows() <= rowLimit)
        return;
    std::vector<Row> rowsNow = candidateRows();
    // Every row is there once (a key once, a namespace once): the first rowLimit are the page.
    const auto before = [](const Row &a, const Row &b) { return KeyTreeStorage::entryBefore(a.entry, b.entry); };
    const auto page = rowsNow.begin() + static_cast<std::ptrdiff_t>(rowLimit);
    std::nth_element(rowsNow.begin(), page, rowsNow.end(), before);
    const PackedEntry &last = std::max_element(rowsNow.begin(), page, before)->entry;
    boundary = last.segment.toByteArray();
    boundaryIsNamespace = last.isNamespace;
    boundaryValue = last.value;
    bounded = true;
    // The page's keys move to a new list; the other rows' members go out, and their namespaces leave the hash (in
    // place: moving the kept ones to a new hash, and freeing the old, was most of a cut's time).
    PackedList keptKeys;
    std::vector<QByteArray> dropped; // views of the hash's own keys, each valid until its entry is removed
    dropped.reserve(rowsNow.end() - page);
    QByteArray full;
    for (auto it = rowsNow.begin(); it != rowsNow.end(); ++it) {
        const bool inPage = it < page;
        if (!it->entry.isNamespace) {
            (inPage ? keptKeys : out).append(it->entry.rest);
            continue;
        }
        if (inPage)
            continue;
        const QByteArray segment = QByteArray::fromRawData(it->entry.segment.data(), it->entry.segment.size());
        full = segment + separator;
        it->members->forEach([&](QByteArrayView rest) {
            full.truncate(segment.size() + separator.size());
            full.append(rest);
            out.append(full);
        });
        dropped.push_back(segment);
    }
    rowsNow.clear(); // its views of the hash go before the hash changes
    keys = std::move(keptKeys);
    for (const QByteArray &name : dropped)
        namespaces.remove(name);
}

std::vector<PageChoice::Row> PageChoice::candidateRows()
{
    std::vector<Row> all;
    all.reserve(static_cast<size_t>(rows()));
    keys.forEach([&](QByteArrayView rest) {
        all.push_back({{rest, rest, false, NaturalOrder::valueOf(rest)}, nullptr});
    });
    for (auto it = namespaces.begin(); it != namespaces.end(); ++it)
        all.push_back({{{}, it.key(), true, NaturalOrder::valueOf(it.key())}, &it.value()});
    return all;
}

void PageChoice::sortRows()
{
    order = candidateRows();
    std::sort(order.begin(), order.end(),
              [](const Row &a, const Row &b) { return KeyTreeStorage::entryBefore(a.entry, b.entry); });
}

bool PageChoice::remove(QByteArrayView rest)
{
    if (source.remove(rest))
        return true;
    if (stage == Stage::Sorted) { // the sorted rows point into what is about to change
        order.clear();
        stage = Stage::Cut;
    }
    const qsizetype at = rest.indexOf(separator);
    if (at < 0)
        return keys.remove(rest);
    const auto row = namespaces.find(rest.first(at).toByteArray());
    if (row == namespaces.end() || !row->remove(rest.sliced(at + separator.size())))
        return false;
    if (row->left == 0)
        namespaces.erase(row);
    return true;
}
