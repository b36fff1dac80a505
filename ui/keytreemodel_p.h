#pragma once

// KeyTreeModel's storage, shared by its two source files and no one else (as qfilesystemmodel_p.h is): the node of a
// row, and the packed lists that hold collapsed namespaces' members and the keys past a window, without row objects.

#include "keytreemodel.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

#include <memory>
#include <vector>

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
        if (chunks.empty() || (!chunks.back().isEmpty() && chunks.back().size() + bytes.size() + 10 > chunkLimit)) {
            // A list that has filled a chunk is a big one: its next chunks are made whole at once, not grown by
            // copies (growing took 6% of the GUI thread at 10M keys). The first grows, for the many small lists.
            const bool big = !chunks.empty();
            chunks.emplace_back();
            if (big)
                chunks.back().reserve(chunkLimit);
        }
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

    // Consumes the next entry, seen where it lies: the view holds until the list is appended to or released (which
    // the caller does once `left` is 0).
    QByteArrayView next()
    {
        --left;
        return peek(&readChunk, &readOffset);
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

    // Moves past the next `n` entries without reading them; the chunks are freed once everything is read.
    void skip(qint64 n)
    {
        for (qint64 i = 0; i < n && left > 0; ++i) {
            peek(&readChunk, &readOffset);
            --left;
        }
        if (left == 0)
            release();
    }
    void release() { *this = {}; }
};

// A packed entry seen as the row it would make: its first segment, and whether that is a namespace.
struct PackedEntry
{
    QByteArrayView rest;
    QByteArrayView segment;
    bool isNamespace;
    qint64 value = -1; // NaturalOrder::valueOf(segment) where it was worked out (numeric IDs compare without reading)
};

// The first page of a big namespace, chosen a step at a time (KeyTreeModel::stepChoice): the rows that sort first
// among the members read so far, and the members that can no longer make the page (sent to the overflow). A candidate
// namespace row keeps its members as they will be packed below it, so building it moves them in one go. Each member
// is copied at most twice (into a candidate row, then maybe out to the overflow): the whole choice is linear, and no
// step is longer than a slice read, one cut, one sort of a page, or a slice of its build.
struct PageChoice
{
    // Reading (in slices, with a cut whenever the candidates reach 1.5 pages), then one step each: the last cut,
    // the sort; then the build, a slice a step. Members that arrive after the reading stay in the namespace's pending
    // list, for after.
    enum class Stage { Reading, Cut, Sorted };
    Stage stage = Stage::Reading;
    struct Row
    {
        PackedEntry entry;
        PackedList *members; // a namespace row's, in `namespaces`
    };
    std::vector<Row> order; // Sorted: the page's rows in order (views into keys and namespaces)
    // Sorted: the row objects of order[0, built.size()), not attached until the last is built (the page shows whole).
    // A namespace row takes its members out of `namespaces`; a null entry is a namespace of a next page that had a
    // row already, its members routed into that row.
    std::vector<std::unique_ptr<KeyTreeModel::Node>> built;

    // The next page of a populated namespace (the user clicked its "more" row): the members are read from `source`,
    // its overflow moved here, instead of from its pending list; members that spill past its window meanwhile are
    // appended to `source` too. The page's rows are built next to the rows the namespace has already.
    bool more = false;
    PackedList source;
    int clicksQueued = 0; // "more" clicked again meanwhile: a page each, once this one is built

    PackedList keys;                          // candidate key rows: the key's rest
    QHash<QByteArray, PackedList> namespaces; // candidate namespace rows: each member's rest below the namespace
    QByteArray separator;
    qint64 rowLimit = 0;
    // Once the candidates have been cut down to rowLimit rows, the last of them: a member sorting after it is out.
    bool bounded = false;
    QByteArray boundary;
    bool boundaryIsNamespace = false;
    qint64 boundaryValue = -1;

    qint64 rows() const { return keys.left + namespaces.size(); }
    bool needsCut() const { return rows() >= rowLimit + qMax<qint64>(rowLimit, 1024) / 2; }
    // Reads the next `count` members of `from`; those that can no longer make the page go to `out`.
    void read(PackedList &from, qint64 count, PackedList &out);
    // Keeps the first rowLimit rows; the members of the others go to `out`.
    void cut(PackedList &out);
    // Sorts the page's rows into `order`.
    void sortRows();
    // Every candidate row, each with its value and (a namespace's) member list; points into keys and namespaces.
    std::vector<Row> candidateRows();
    // Drops one member (a key the user deleted while the page was chosen); false if it is not a candidate. Not once
    // the build has begun (the model finishes the build first).
    bool remove(QByteArrayView rest);
    // Every member, as the namespace packs it, but those of the rows built already (KeyTreeModel::collectKeys reads
    // those from their row objects).
    template<typename F>
    void forEach(F f) const
    {
        source.forEach(f);
        QByteArray full;
        const auto below = [&](QByteArrayView name, const PackedList &members) {
            const qsizetype prefix = name.size() + separator.size();
            full = name.toByteArray() + separator;
            members.forEach([&](QByteArrayView rest) {
                full.truncate(prefix);
                full.append(rest);
                f(QByteArrayView(full));
            });
        };
        if (stage == Stage::Sorted) {
            for (size_t i = built.size(); i < order.size(); ++i) {
                if (order[i].entry.isNamespace)
                    below(order[i].entry.segment, *order[i].members);
                else
                    f(order[i].entry.rest);
            }
            return;
        }
        keys.forEach(f);
        for (auto it = namespaces.cbegin(); it != namespaces.cend(); ++it)
            below(it.key(), it.value());
    }
};

struct KeyTreeModel::Node
{
    Node *parent = nullptr;
    QByteArray name;   // this segment only
    qint64 value = -1; // NaturalOrder::valueOf(name): rows named by numbers sort without reading their names
    qint64 count = 0;  // keys at or below; 1 for a key
    bool isNamespace = false;
    bool populated = false; // its rows exist (fetchMore ran)
    bool attached = false;  // it is in its parent's children (a row, or hidden past the parent's window)
    bool missing = false;
    // Noted once a batch, by a flag rather than a set lookup for every key: a row whose count changed
    // (KeyTreeModel::addKeys), a node in KeyTreeModel::m_spilledInto.
    bool countNoted = false;
    bool spillNoted = false;
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
    // How many of the sorted children are namespaces (they sort first), as last found: KeyTreeModel::namespaceRows()
    // checks it against the two rows at the boundary before it trusts it, and looks again when they disagree.
    mutable size_t namespaceRowsSeen = 0;
    std::vector<std::unique_ptr<Node>> children;
    QHash<QByteArray, Node *> namespaces; // namespace children by name, once populated
    // The rest of each key below that has no row yet. A collapsed namespace holds all its keys here; a namespace
    // being populated drains it a slice at a time.
    PackedList pending;
    // Populated, with a full window: the rest of each key that sorts past the window's last row, packed instead of
    // built (no row object, no hash entry). They become rows when the user opens the next page.
    PackedList overflow;
    // A big namespace just expanded: its first page is being chosen from `pending`, a slice per turn. Not populated
    // yet; its keys still go to `pending` meanwhile. Or, populated, the next page after a "more" click is being
    // chosen from its overflow (PageChoice::more).
    std::unique_ptr<PageChoice> choice;

    // Where a member that sorts past the full window goes: the overflow, or the page being chosen from it.
    PackedList &spillTarget() { return choice && choice->more ? choice->source : overflow; }
    // What a choice reads from.
    PackedList &choiceSource() { return choice->more ? choice->source : pending; }
};

namespace KeyTreeStorage {
// The entries of a packed list, each seen as the row it would make.
std::vector<PackedEntry> entriesOf(const PackedList &list, QByteArrayView separator);
// Row order: namespaces first, then keys, each natural; the entries of one namespace make one row.
bool entryBefore(const PackedEntry &a, const PackedEntry &b);
bool sameRow(const PackedEntry &a, const PackedEntry &b);
// Moves the entries of the first `rows` rows (a whole namespace's entries at once) to the front, in no order, in
// linear time; returns how many entries that is. All of them when rows is 0.
size_t selectFirstRows(std::vector<PackedEntry> &entries, qint64 rows);
} // namespace KeyTreeStorage
