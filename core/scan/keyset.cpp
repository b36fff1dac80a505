#include "keyset.h"

#include <QHashFunctions>

#include <cstring>
#include <new>
#include <sys/mman.h>

namespace {
int varintSize(quint64 value)
{
    int n = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++n;
    }
    return n;
}

char *writeVarint(char *out, quint64 value)
{
    while (value >= 0x80) {
        *out++ = static_cast<char>((value & 0x7f) | 0x80);
        value >>= 7;
    }
    *out++ = static_cast<char>(value);
    return out;
}

const char *readVarint(const char *in, quint64 *value)
{
    quint64 result = 0;
    int shift = 0;
    for (;;) {
        const auto byte = static_cast<quint8>(*in++);
        result |= quint64(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            break;
        shift += 7;
    }
    *value = result;
    return in;
}
} // namespace

KeySet::Block::Block(size_t size)
    : bytes(size)
{
    data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED)
        throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (size >= 2 * 1024 * 1024)
        ::madvise(data, size, MADV_HUGEPAGE);
#endif
}

KeySet::Block::~Block()
{
    if (data)
        ::munmap(data, bytes);
}

KeySet::Block::Block(Block &&other) noexcept
    : data(std::exchange(other.data, nullptr))
    , bytes(std::exchange(other.bytes, 0))
{
}

KeySet::Block &KeySet::Block::operator=(Block &&other) noexcept
{
    if (this != &other) {
        if (data)
            ::munmap(data, bytes);
        data = std::exchange(other.data, nullptr);
        bytes = std::exchange(other.bytes, 0);
    }
    return *this;
}

KeySet::KeySet()
    : m_table(1024 * sizeof(quint64))
    , m_mask(1023)
    , m_bits(10)
{
}

void KeySet::reserve(qint64 keys)
{
    int bits = m_bits;
    while (bits < 40 && (quint64(1) << bits) * 3 < static_cast<quint64>(keys) * 4)
        ++bits;
    while (bits > m_bits)
        grow();
}

KeySet::~KeySet() = default;

quint64 KeySet::hashOf(QByteArrayView key)
{
    // Qt's byte hash, seeded per process: a hostile keyspace cannot aim at our buckets.
    return qHashBits(key.data(), static_cast<size_t>(key.size()), qGlobalQHashSeed()) * 0x9e3779b97f4a7c15ULL;
}

KeySet::Entry KeySet::entryAt(quint64 offset) const
{
    char *chunk = static_cast<char *>(m_chunks[offset >> chunkBits].data);
    char *at = chunk + (offset & (chunkSize - 1));
    quint64 length = 0;
    const char *data = readVarint(at + 1, &length);
    return {reinterpret_cast<quint8 *>(at), data, length};
}

quint64 KeySet::append(QByteArrayView key)
{
    const quint64 length = static_cast<quint64>(key.size());
    const quint64 need = 1 + static_cast<quint64>(varintSize(length)) + length;
    if (m_end + chunkSize + need >= maxArena)
        throw std::bad_alloc(); // 64 GiB of key names: the slots cannot address more
    quint64 within = m_end & (chunkSize - 1);
    if (m_chunks.empty() || (within != 0 && within + need > chunkSize) || m_end >> chunkBits >= m_chunks.size()) {
        // Start a new chunk at the next chunk boundary. A key bigger than a chunk gets a chunk of its own size, and
        // the chunk indexes it spans stay empty.
        const quint64 start = (m_end + chunkSize - 1) & ~(chunkSize - 1);
        const quint64 bytes = qMax(chunkSize, need);
        const quint64 spans = (bytes + chunkSize - 1) >> chunkBits;
        m_chunks.resize(start >> chunkBits);
        m_chunkBytes.resize(start >> chunkBits);
        m_chunks.emplace_back(bytes);
        m_chunkBytes.push_back(bytes);
        for (quint64 i = 1; i < spans; ++i) {
            m_chunks.emplace_back();
            m_chunkBytes.push_back(0);
        }
        m_end = start;
        within = 0;
    }
    const quint64 offset = m_end;
    char *at = static_cast<char *>(m_chunks[offset >> chunkBits].data) + within;
    *at = 1; // seen since the last restart: a new key is, by definition
    char *data = writeVarint(at + 1, length);
    if (length)
        std::memcpy(data, key.data(), length);
    m_end = offset + need;
    // A big key's chunk is full: the next key starts a new one.
    if (need > chunkSize)
        m_end = ((offset >> chunkBits) + ((need + chunkSize - 1) >> chunkBits)) << chunkBits;
    return offset;
}

quint64 KeySet::home(quint64 hash) const
{
    // The top bits pick the slot, and the top 28 bits are the tag kept in the slot: up to 2^28 slots, growing the
    // table never needs to read a key again. The tag's bits below the slot's tell keys of one home slot apart without
    // reading them: with a 24-bit tag, a table of 2^24 slots (6-12M keys) had none left, and reading the arena for
    // every key that shared a home slot was a sixth of vigil-scan's CPU time at 10M keys.
    return hash >> (64 - m_bits);
}

qint64 KeySet::findSlot(QByteArrayView key, quint64 hash) const
{
    const quint64 tag = hash >> offsetBits;
    for (quint64 i = home(hash);; i = (i + 1) & m_mask) {
        const quint64 slot = table()[i];
        if (!slot)
            return -1;
        if (slot >> offsetBits != tag)
            continue;
        const Entry e = entryAt((slot & offsetMask) - 1);
        // An empty key's view may have no data at all, and memcmp with a null pointer is undefined even for 0 bytes
        // (UBSan found it in tst_keyset).
        if (e.length == static_cast<quint64>(key.size())
            && (e.length == 0 || std::memcmp(e.data, key.data(), e.length) == 0))
            return static_cast<qint64>(i);
    }
}

bool KeySet::contains(QByteArrayView key) const
{
    return findSlot(key, hashOf(key)) >= 0;
}

bool KeySet::insert(QByteArrayView key)
{
    return insertHashed(key, hashOf(key));
}

void KeySet::insertMany(const QByteArrayView *keys, qsizetype n, bool *isNew)
{
    if (static_cast<quint64>(m_size + n) * 4 > (m_mask + 1) * 3)
        reserve(m_size + n); // grow once, before the prefetches
    std::vector<quint64> hashes(static_cast<size_t>(n));
    const quint64 *slots = table();
    for (qsizetype i = 0; i < n; ++i) {
        hashes[static_cast<size_t>(i)] = hashOf(keys[i]);
        __builtin_prefetch(slots + home(hashes[static_cast<size_t>(i)]));
    }
    for (qsizetype i = 0; i < n; ++i)
        isNew[i] = insertHashed(keys[i], hashes[static_cast<size_t>(i)]);
}

bool KeySet::insertHashed(QByteArrayView key, quint64 hash)
{
    const qint64 found = findSlot(key, hash);
    if (found >= 0) {
        *entryAt((table()[found] & offsetMask) - 1).flags = 1;
        return false;
    }
    if (static_cast<quint64>(m_size + 1) * 4 > (m_mask + 1) * 3) {
        grow();
    }
    const quint64 offset = append(key);
    quint64 *slots = table();
    quint64 i = home(hash);
    while (slots[i])
        i = (i + 1) & m_mask;
    slots[i] = ((hash >> offsetBits) << offsetBits) | (offset + 1);
    ++m_size;
    return true;
}

void KeySet::grow()
{
    const Block old = std::exchange(m_table, Block(2 * (m_mask + 1) * sizeof(quint64)));
    const quint64 oldSlots = m_mask + 1;
    const auto *from = static_cast<const quint64 *>(old.data);
    ++m_bits;
    m_mask = 2 * oldSlots - 1;
    quint64 *slots = table();
    for (quint64 n = 0; n < oldSlots; ++n) {
        const quint64 slot = from[n];
        if (!slot)
            continue;
        quint64 i;
        if (m_bits <= tagBits) {
            i = (slot >> offsetBits) >> (tagBits - m_bits);
        } else {
            const Entry e = entryAt((slot & offsetMask) - 1);
            i = home(hashOf(QByteArrayView(e.data, static_cast<qsizetype>(e.length))));
        }
        while (slots[i])
            i = (i + 1) & m_mask;
        slots[i] = slot;
    }
}

void KeySet::markRestart()
{
    m_restartEnd = m_end;
    const quint64 *slots = table();
    for (quint64 n = 0; n <= m_mask; ++n)
        if (const quint64 slot = slots[n])
            *entryAt((slot & offsetMask) - 1).flags = 0;
}

QList<QByteArray> KeySet::unseenSinceRestart(qsizetype limit, qint64 *count) const
{
    QList<QByteArray> keys;
    qint64 total = 0;
    const quint64 *slots = table();
    for (quint64 n = 0; n <= m_mask; ++n) {
        const quint64 slot = slots[n];
        if (!slot)
            continue;
        const quint64 offset = (slot & offsetMask) - 1;
        if (offset >= m_restartEnd)
            continue;
        const Entry e = entryAt(offset);
        if (*e.flags)
            continue;
        ++total;
        if (keys.size() < limit)
            keys.append(QByteArray(e.data, static_cast<qsizetype>(e.length)));
    }
    if (count)
        *count = total;
    return keys;
}

qint64 KeySet::memoryBytes() const
{
    qint64 bytes = static_cast<qint64>(m_table.bytes);
    for (const quint64 b : m_chunkBytes)
        bytes += static_cast<qint64>(b);
    return bytes;
}
