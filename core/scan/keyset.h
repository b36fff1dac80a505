#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <cstdint>
#include <memory>
#include <vector>

// An exact set of keys (binary byte strings), built for a scan's dedupe: a false positive would drop a key, so it
// compares whole keys, never just hashes.
//
// Compact: the keys' bytes live back to back in an arena of 4 MiB chunks (each entry is a flag byte, a varint length
// and the bytes), and an open-addressing table holds one 64-bit slot per key: a 28-bit hash tag and the entry's
// 36-bit arena offset (so at most 64 GiB of keys). At the table's maximum load of 3/4 that is about 11-21 bytes a key
// beyond the key itself.
//
// It also answers "which keys reported before the last restart have not been seen since": each entry's flag byte
// says whether the key came up again after markRestart(), and entries are in insertion order.
class KeySet final
{
public:
    KeySet();
    ~KeySet();
    Q_DISABLE_COPY_MOVE(KeySet)

    // Inserts the key; returns false when it was already there (and marks it as seen since the last restart).
    bool insert(QByteArrayView key);
    // Inserts n keys; isNew[i] says whether keys[i] was new. Faster than one by one: it hashes the whole batch first
    // and prefetches each key's slot, so the table's cache misses overlap instead of queueing.
    void insertMany(const QByteArrayView *keys, qsizetype n, bool *isNew);
    bool contains(QByteArrayView key) const;
    qint64 size() const { return m_size; }
    // Sizes the table for `keys` keys up front (a scan knows DBSIZE), so it does not grow while it fills.
    void reserve(qint64 keys);

    // From now on, keys inserted so far count as "before the restart", and none of them as seen since.
    void markRestart();
    // The keys inserted before the last markRestart() that have not come up again since; at most `limit` of them
    // are returned, and *count gets how many there are in all.
    QList<QByteArray> unseenSinceRestart(qsizetype limit, qint64 *count) const;

    // Bytes held: arena chunks and the table.
    qint64 memoryBytes() const;

private:
    static constexpr int chunkBits = 22; // 4 MiB
    static constexpr quint64 chunkSize = quint64(1) << chunkBits;
    static constexpr int offsetBits = 36;
    static constexpr int tagBits = 64 - offsetBits;
    static constexpr quint64 offsetMask = (quint64(1) << offsetBits) - 1;
    static constexpr quint64 maxArena = offsetMask; // a slot holds offset + 1

    struct Entry
    {
        quint8 *flags;
        const char *data;
        quint64 length;
    };

    Entry entryAt(quint64 offset) const;
    quint64 append(QByteArrayView key);
    quint64 home(quint64 hash) const;
    qint64 findSlot(QByteArrayView key, quint64 hash) const; // the slot holding key, or -1
    bool insertHashed(QByteArrayView key, quint64 hash);
    void grow();
    static quint64 hashOf(QByteArrayView key);

    // Big zeroed blocks straight from mmap, with transparent huge pages where the kernel offers them: the table and
    // the arena are touched at random, and 4 KiB pages would cost a page fault and a TLB miss each.
    struct Block
    {
        void *data = nullptr;
        size_t bytes = 0;
        Block() = default;
        explicit Block(size_t size);
        ~Block();
        Block(Block &&other) noexcept;
        Block &operator=(Block &&other) noexcept;
        Q_DISABLE_COPY(Block)
    };

    quint64 *table() const { return static_cast<quint64 *>(m_table.data); }

    Block m_table; // 0 = empty; else tag << 40 | (offset + 1)
    quint64 m_mask = 0;
    int m_bits = 0; // log2 of the table size
    qint64 m_size = 0;
    std::vector<Block> m_chunks;       // indexed by offset >> chunkBits; big keys own several indexes
    std::vector<quint64> m_chunkBytes; // bytes allocated for each chunk (0 for the extra indexes)
    quint64 m_end = 0;                 // the next free arena offset
    quint64 m_restartEnd = 0;          // entries below this offset were inserted before the restart
};
