#include "common/naturalorder.h"
#include "keytreemodel_p.h"

#include <algorithm>

std::vector<PackedEntry> KeyTreeStorage::entriesOf(const PackedList &list, QByteArrayView separator)
{
    std::vector<PackedEntry> entries;
    entries.reserve(static_cast<size_t>(list.left));
    list.forEach([&](QByteArrayView rest) {
        const qsizetype at = rest.indexOf(separator);
        entries.push_back({rest, at >= 0 ? rest.first(at) : rest, at >= 0});
    });
    return entries;
}

bool KeyTreeStorage::entryBefore(const PackedEntry &a, const PackedEntry &b)
{
    if (a.isNamespace != b.isNamespace)
        return a.isNamespace;
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

void PageChoice::read(PackedList &from, qint64 count, QByteArrayView separator, PackedList &out)
{
    count = qMin(count, from.left);
    size_t chunk = from.readChunk;
    qsizetype offset = from.readOffset;
    const PackedEntry last{boundary, boundary, boundaryIsNamespace};
    for (qint64 i = 0; i < count; ++i) {
        const QByteArrayView rest = from.peek(&chunk, &offset);
        const qsizetype at = rest.indexOf(separator);
        const PackedEntry entry{rest, at >= 0 ? rest.first(at) : rest, at >= 0};
        if (entry.isNamespace) {
            // A candidate namespace row takes all its members: the row is in the page or not as a whole.
            const auto row = namespaces.find(QByteArray::fromRawData(entry.segment.data(), entry.segment.size()));
            if (row != namespaces.end()) {
                row->append(rest);
                continue;
            }
        }
        if (bounded && KeyTreeStorage::entryBefore(last, entry))
            out.append(rest);
        else if (entry.isNamespace)
            namespaces[entry.segment.toByteArray()].append(rest);
        else
            keys.append(rest);
    }
    // Everything read is copied: the reader moves on, and frees the chunks at the end.
    from.readChunk = chunk;
    from.readOffset = offset;
    from.left -= count;
    if (from.left == 0)
        from.release();
    // Cut when the candidates are twice the page: each cut costs the candidates, so this keeps the cuts linear.
    if (rows() >= 2 * qMax<qint64>(rowLimit, 1024))
        cut(out);
}

void PageChoice::cut(PackedList &out)
{
    if (rows() <= rowLimit)
        return;
    std::vector<PackedEntry> rowsNow;
    rowsNow.reserve(static_cast<size_t>(rows()));
    keys.forEach([&](QByteArrayView rest) { rowsNow.push_back({rest, rest, false}); });
    for (auto it = namespaces.cbegin(); it != namespaces.cend(); ++it)
        rowsNow.push_back({{}, it.key(), true});
    // Every row is there once (a key once, a namespace once): the first rowLimit are the page.
    const auto page = rowsNow.begin() + static_cast<std::ptrdiff_t>(rowLimit);
    std::nth_element(rowsNow.begin(), page, rowsNow.end(), KeyTreeStorage::entryBefore);
    const PackedEntry &last = *std::max_element(rowsNow.begin(), page, KeyTreeStorage::entryBefore);
    boundary = last.segment.toByteArray();
    boundaryIsNamespace = last.isNamespace;
    bounded = true;
    PackedList kept;
    QList<QByteArray> dropped; // copied before any is erased: erasing moves the others' keys
    for (auto it = rowsNow.begin(); it != rowsNow.end(); ++it) {
        const bool inPage = it < page;
        if (it->isNamespace) {
            if (!inPage)
                dropped.append(it->segment.toByteArray());
        } else {
            (inPage ? kept : out).append(it->rest);
        }
    }
    rowsNow.clear();
    keys = std::move(kept);
    for (const QByteArray &segment : std::as_const(dropped)) {
        const auto row = namespaces.find(segment);
        row->forEach([&](QByteArrayView rest) { out.append(rest); });
        namespaces.erase(row);
    }
}

bool PageChoice::remove(QByteArrayView rest, QByteArrayView separator)
{
    const qsizetype at = rest.indexOf(separator);
    if (at < 0)
        return keys.remove(rest);
    const auto row = namespaces.find(rest.first(at).toByteArray());
    if (row == namespaces.end() || !row->remove(rest))
        return false;
    if (row->left == 0)
        namespaces.erase(row);
    return true;
}
