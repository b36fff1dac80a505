#include "keyset.h"

#include <QHashFunctions>

#include <cstring>

namespace
{
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

KeySet::KeySet()
    : m_table(1024, 0)
    , m_mask(1023)
{
}

KeySet::~KeySet() = default;

quint64 KeySet::hashOf(QByteArrayView key)
{
    // Qt's byte hash, seeded per process: a hostile keyspace cannot aim at our buckets.
    return qHashBits(key.data(), static_cast<size_t>(key.size()), qGlobalQHashSeed()) * 0x9e3779b97f4a7c15ULL;
}

KeySet::Entry KeySet::entryAt(quint64 offset) const
{
    char *chunk = m_chunks[offset >> chunkBits].get();
    char *at = chunk + (offset & (chunkSize - 1));
    quint64 length = 0;
    const char *data = readVarint(at + 1, &length);
    return {reinterpret_cast<quint8 *>(at), data, length};
}

quint64 KeySet::append(QByteArrayView key)
{
    const quint64 length = static_cast<quint64>(key.size());
    const quint64 need = 1 + static_cast<quint64>(varintSize(length)) + length;
    quint64 within = m_end & (chunkSize - 1);
    if (m_chunks.empty() || (within != 0 && within + need > chunkSize) || m_end >> chunkBits >= m_chunks.size()) {
        // Start a new chunk at the next chunk boundary. A key bigger than a chunk gets a chunk of its own size, and
        // the chunk indexes it spans stay empty.
        const quint64 start = (m_end + chunkSize - 1) & ~(chunkSize - 1);
        const quint64 bytes = qMax(chunkSize, need);
        const quint64 spans = (bytes + chunkSize - 1) >> chunkBits;
        m_chunks.resize(start >> chunkBits);
        m_chunkBytes.resize(start >> chunkBits);
        m_chunks.push_back(std::unique_ptr<char[]>(new char[bytes]));
        m_chunkBytes.push_back(bytes);
        for (quint64 i = 1; i < spans; ++i) {
            m_chunks.push_back(nullptr);
            m_chunkBytes.push_back(0);
        }
        m_end = start;
        within = 0;
    }
    const quint64 offset = m_end;
    char *at = m_chunks[offset >> chunkBits].get() + within;
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

qint64 KeySet::findSlot(QByteArrayView key, quint64 hash) const
{
    const quint64 tag = hash >> 40;
    for (quint64 i = hash & m_mask;; i = (i + 1) & m_mask) {
        const quint64 slot = m_table[i];
        if (!slot)
            return -1;
        if (slot >> 40 != tag)
            continue;
        const Entry e = entryAt((slot & offsetMask) - 1);
        if (e.length == static_cast<quint64>(key.size()) && std::memcmp(e.data, key.data(), e.length) == 0)
            return static_cast<qint64>(i);
    }
}

bool KeySet::contains(QByteArrayView key) const
{
    return findSlot(key, hashOf(key)) >= 0;
}

bool KeySet::insert(QByteArrayView key)
{
    const quint64 hash = hashOf(key);
    const qint64 found = findSlot(key, hash);
    if (found >= 0) {
        *entryAt((m_table[static_cast<size_t>(found)] & offsetMask) - 1).flags = 1;
        return false;
    }
    if (static_cast<quint64>(m_size + 1) * 4 > (m_mask + 1) * 3) {
        grow();
    }
    const quint64 offset = append(key);
    quint64 i = hash & m_mask;
    while (m_table[i])
        i = (i + 1) & m_mask;
    m_table[i] = ((hash >> 40) << 40) | (offset + 1);
    ++m_size;
    return true;
}

void KeySet::grow()
{
    std::vector<quint64> old;
    old.swap(m_table);
    m_table.assign(old.size() * 2, 0);
    m_mask = m_table.size() - 1;
    for (const quint64 slot : old) {
        if (!slot)
            continue;
        const Entry e = entryAt((slot & offsetMask) - 1);
        const quint64 hash = hashOf(QByteArrayView(e.data, static_cast<qsizetype>(e.length)));
        quint64 i = hash & m_mask;
        while (m_table[i])
            i = (i + 1) & m_mask;
        m_table[i] = slot;
    }
}

void KeySet::markRestart()
{
    m_restartEnd = m_end;
    for (const quint64 slot : m_table)
        if (slot)
            *entryAt((slot & offsetMask) - 1).flags = 0;
}

QList<QByteArray> KeySet::unseenSinceRestart(qsizetype limit, qint64 *count) const
{
    QList<QByteArray> keys;
    qint64 total = 0;
    for (const quint64 slot : m_table) {
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
    qint64 bytes = static_cast<qint64>(m_table.capacity() * sizeof(quint64));
    for (const quint64 b : m_chunkBytes)
        bytes += static_cast<qint64>(b);
    return bytes;
}
