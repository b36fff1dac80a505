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
