#include "respreader.h"

#include <charconv>
#include <cstring>
#include <new>
#include <read.h>

// hiredis's buffer is an sds string. read.h does not say how big it is, but sds.h's function for that is exported
// (hiredis.h would declare it without C linkage: sds.h has no extern "C" of its own).
extern "C" size_t sdsAllocSize(char *s);

namespace {
RespReader *readerOf(const redisReadTask *task)
{
    return static_cast<RespReader *>(task->privdata);
}

int depthOf(const redisReadTask *task)
{
    int depth = 0;
    for (const redisReadTask *t = task->parent; t; t = t->parent)
        ++depth;
    return depth;
}

// Parses the decimal digits of a RESP header line [begin, end). Returns false on overflow or junk, so that an
// announced 2^31 or 2^64 is seen as what it is instead of what an int cast would make of it.
bool parseLength(const char *begin, const char *end, qint64 *value)
{
    const auto result = std::from_chars(begin, end, *value);
    return result.ec == std::errc() && result.ptr == end;
}
// hiredis's own checks (Debian backports its 1.0 length checks into 0.14.1) use hiredis's words; say it in ours.
QString describeHiredisError(const char *errstr)
{
    const QByteArray text(errstr);
    if (text.contains("Multi-bulk length out of range"))
        return QStringLiteral("array length out of range: the peer announced more than 2147483647 elements");
    if (text.contains("Bad multi-bulk length"))
        return QStringLiteral("array header announces an unreadable length");
    if (text.contains("Bulk string length out of range") || text.contains("Bad bulk string length"))
        return QStringLiteral("bulk header announces an unreadable length");
    if (text.contains("nested multi bulk"))
        return QStringLiteral("arrays nested deeper than 7 levels");
    return QString::fromUtf8(text);
}
} // namespace

// The hiredis object functions. Only the root of a reply is heap allocated; children live inside their parent's
// element list, which never reallocates while one of its children is still being filled.
struct RespReaderCallbacks
{
    static void *attach(const redisReadTask *task, RespValue &&value)
    {
        if (!task->parent)
            return new RespValue(std::move(value));
        auto *parent = static_cast<RespValue *>(task->parent->obj);
        parent->m_elements.append(std::move(value));
        return &parent->m_elements.last();
    }

    static void *createString(const redisReadTask *task, char *str, size_t len)
    {
        RespReader *reader = readerOf(task);
        if (static_cast<qint64>(len) > reader->m_limits.maxBulkLength) {
            reader->m_limitError = QStringLiteral("bulk reply of %1 bytes exceeds the limit of %2 bytes")
                                       .arg(len)
                                       .arg(reader->m_limits.maxBulkLength);
            return nullptr;
        }
        if (!reader->charge(static_cast<qint64>(sizeof(RespValue) + len)))
            return nullptr;
        RespValue value;
        switch (task->type) {
        case REDIS_REPLY_ERROR:
            value.m_type = RespValue::Type::Error;
            break;
        case REDIS_REPLY_STATUS:
            value.m_type = RespValue::Type::Status;
            break;
        default:
            value.m_type = RespValue::Type::Bulk;
            break;
        }
        value.m_bytes = reader->copyOf(task, str, static_cast<qsizetype>(len));
        return attach(task, std::move(value));
    }

    static void *createArray(const redisReadTask *task, int elements)
    {
        RespReader *reader = readerOf(task);
        // hiredis hands us the count as an int; read the header line it just consumed to get the real number.
        qint64 announced = elements;
        const redisReader *r = reader->m_reader;
        if (r->pos >= 2 && r->buf[r->pos - 2] == '\r') {
            const char *end = r->buf + r->pos - 2;
            const char *begin = end;
            while (begin > r->buf && begin[-1] != '*')
                --begin;
            if (!parseLength(begin, end, &announced)) {
                reader->m_limitError = QStringLiteral("array header announces an unreadable length \"%1\"")
                                           .arg(QString::fromLatin1(begin, qMin<qsizetype>(end - begin, 40)));
                return nullptr;
            }
        }
        if (announced < 0 || announced > reader->m_limits.maxArrayLength) {
            reader->m_limitError = QStringLiteral("array of %1 elements exceeds the limit of %2 elements")
                                       .arg(announced)
                                       .arg(reader->m_limits.maxArrayLength);
            return nullptr;
        }
        if (depthOf(task) + 1 > reader->m_limits.maxDepth) {
            reader->m_limitError = QStringLiteral("arrays nested deeper than %1 levels").arg(reader->m_limits.maxDepth);
            return nullptr;
        }
        // Reserve what is cheap; the rest grows as elements really arrive.
        const qint64 reserved = qMin<qint64>(announced, 1024);
        if (!reader->charge(static_cast<qint64>(sizeof(RespValue)) * (1 + reserved)))
            return nullptr;
        RespValue value;
        value.m_type = RespValue::Type::Array;
        value.m_elements.reserve(reserved);
        return attach(task, std::move(value));
    }

    static void *createInteger(const redisReadTask *task, long long value)
    {
        if (!readerOf(task)->charge(sizeof(RespValue)))
            return nullptr;
        return attach(task, RespValue::integer(value));
    }

    static void *createNil(const redisReadTask *task)
    {
        if (!readerOf(task)->charge(sizeof(RespValue)))
            return nullptr;
        return attach(task, RespValue::nil());
    }

    // What hiredis calls: an exception must not unwind through its C frames, so running out of memory ends the
    // reply like a refused item does (the connection then goes, and what it held with it).
    template<typename Create>
    static void *guarded(const redisReadTask *task, Create create)
    {
        try {
            return create();
        } catch (const std::bad_alloc &) {
            readerOf(task)->m_limitError = QStringLiteral("out of memory while reading a reply");
            return nullptr;
        }
    }
    static void *guardedString(const redisReadTask *task, char *str, size_t len)
    {
        return guarded(task, [&] { return createString(task, str, len); });
    }
    static void *guardedArray(const redisReadTask *task, int elements)
    {
        return guarded(task, [&] { return createArray(task, elements); });
    }
    static void *guardedInteger(const redisReadTask *task, long long value)
    {
        return guarded(task, [&] { return createInteger(task, value); });
    }
    static void *guardedNil(const redisReadTask *task)
    {
        return guarded(task, [&] { return createNil(task); });
    }

    static void freeObject(void *obj)
    {
        // hiredis frees only roots (on error, or when the reader goes away): children belong to their root.
        delete static_cast<RespValue *>(obj);
    }
};

namespace {
redisReplyObjectFunctions respFunctions = {
    RespReaderCallbacks::guardedString, RespReaderCallbacks::guardedArray, RespReaderCallbacks::guardedInteger,
    RespReaderCallbacks::guardedNil,    RespReaderCallbacks::freeObject,
};
} // namespace

namespace {
redisReader *createReader(void *privdata)
{
    redisReader *reader = redisReaderCreateWithFunctions(&respFunctions);
    if (!reader)
        throw std::bad_alloc();
    reader->privdata = privdata;
    // Keep hiredis from dropping its buffer after every reply it empties (we feed it big socket reads); we give a
    // big buffer back ourselves, in releaseBuffer().
    reader->maxbuf = 0;
    return reader;
}
} // namespace

RespReader::RespReader(Limits limits)
    : m_limits(limits)
    , m_reader(createReader(this))
{
}

RespReader::~RespReader()
{
    redisReaderFree(m_reader);
}

void RespReader::feed(const char *data, qsizetype size)
{
    if (hasError() || size <= 0)
        return;
    if (redisReaderFeed(m_reader, data, static_cast<size_t>(size)) != REDIS_OK) {
        fail(QStringLiteral("out of memory while buffering a reply"));
        return;
    }
    m_fed += size;
    m_peakBuffer = qMax(m_peakBuffer, static_cast<qsizetype>(m_reader->len));
}

RespReader::Status RespReader::next(RespValue *reply)
{
    if (hasError())
        return Status::Error;
    void *obj = nullptr;
    if (redisReaderGetReply(m_reader, &obj) != REDIS_OK) {
        // A refusal from our own object functions shows up as hiredis's "Out of memory": say what really happened.
        fail(m_limitError.isEmpty() ? describeHiredisError(m_reader->errstr) : m_limitError);
        return Status::Error;
    }
    if (obj) {
        auto *value = static_cast<RespValue *>(obj);
        *reply = std::move(*value);
        delete value;
        m_replyBytes = 0;
        m_replyStart = m_fed - pendingBytes();
        if (m_peakBuffer > m_limits.maxIdleBuffer && pendingBytes() <= m_limits.maxIdleBuffer / 4)
            releaseBuffer();
        return Status::Reply;
    }
    checkPendingItem();
    return hasError() ? Status::Error : Status::NeedMore;
}

QByteArray RespReader::copyOf(const redisReadTask *task, const char *str, qsizetype len)
{
    // An element of a big array (a SCAN, HSCAN or LRANGE page) that is small: copied into the arena, and its
    // QByteArray shares the arena's block (Qt 6 lets a QByteArray point anywhere inside its block, and counts the
    // block's references). One allocation then serves hundreds of keys instead of one each, which was a tenth of
    // vigil-scan's CPU time. Anything else gets a block of its own, so that a value kept for long does not keep a
    // block of others' bytes alive with it.
    constexpr qsizetype smallest = 16;  // elements in the parent array
    constexpr qsizetype largest = 1024; // bytes of one element
    constexpr qsizetype arenaBytes = 32 * 1024;
    if (!task->parent || task->parent->elements < smallest || len > largest)
        return QByteArray(str, len);
    if (len + 1 > m_arenaLeft) {
        m_arena = QByteArray(arenaBytes, Qt::Uninitialized);
        m_arenaFree = m_arena.data(); // taken while the block is ours alone: data() of a shared block would copy it
        m_arenaLeft = arenaBytes;
    }
    char *at = m_arenaFree;
    if (len)
        std::memcpy(at, str, static_cast<size_t>(len));
    at[len] = '\0'; // constData() is null-terminated, as for any QByteArray
    m_arenaFree += len + 1;
    m_arenaLeft -= len + 1;
    QByteArray::DataPointer slice = m_arena.data_ptr(); // a copy: one more reference to the block
    slice.ptr = at;
    slice.size = len;
    return QByteArray(std::move(slice));
}

qsizetype RespReader::pendingBytes() const
{
    return static_cast<qsizetype>(m_reader->len - m_reader->pos);
}

bool RespReader::isMidReply() const
{
    return partialReplyBytes() > 0;
}

qsizetype RespReader::bufferCapacity() const
{
    return static_cast<qsizetype>(sdsAllocSize(m_reader->buf));
}

bool RespReader::charge(qint64 bytes)
{
    m_replyBytes += bytes;
    if (m_replyBytes <= m_limits.maxReplyBytes)
        return true;
    m_limitError = QStringLiteral("the reply is bigger than the limit of %1 bytes").arg(m_limits.maxReplyBytes);
    return false;
}

// hiredis never shrinks its buffer (we told it not to), so after a reply of hundreds of megabytes it would keep them
// for the connection's life. Between replies nothing points into the buffer: a new reader takes what is left.
void RespReader::releaseBuffer()
{
    redisReader *fresh = createReader(this);
    const qsizetype pending = pendingBytes();
    if (pending > 0 && redisReaderFeed(fresh, m_reader->buf + m_reader->pos, static_cast<size_t>(pending)) != REDIS_OK) {
        redisReaderFree(fresh);
        return;
    }
    redisReaderFree(m_reader);
    m_reader = fresh;
    m_peakBuffer = pending;
}

// hiredis waits for a whole bulk before it calls createString, buffering whatever the peer sends. Look at the header
// of the item it is waiting for, and refuse an oversized bulk (or an endless line) before its bytes pile up.
void RespReader::checkPendingItem()
{
    const qsizetype pending = pendingBytes();
    if (pending <= 0 || m_reader->ridx < 0)
        return;
    const char *begin = m_reader->buf + m_reader->pos;
    const char *newline = static_cast<const char *>(std::memchr(begin, '\r', static_cast<size_t>(pending)));
    const redisReadTask &task = m_reader->rstack[m_reader->ridx];
    if (task.type == REDIS_REPLY_STRING && newline) {
        qint64 announced = 0;
        if (!parseLength(begin, newline, &announced)) {
            fail(QStringLiteral("bulk header announces an unreadable length \"%1\"")
                     .arg(QString::fromLatin1(begin, qMin<qsizetype>(newline - begin, 40))));
        } else if (announced > m_limits.maxBulkLength) {
            fail(QStringLiteral("bulk reply of %1 bytes exceeds the limit of %2 bytes")
                     .arg(announced)
                     .arg(m_limits.maxBulkLength));
        } else if (m_replyBytes + announced > m_limits.maxReplyBytes) {
            // Refused on its header, before its bytes pile up in the buffer.
            fail(QStringLiteral("the reply is bigger than the limit of %1 bytes").arg(m_limits.maxReplyBytes));
        }
        return;
    }
    if (!newline && pending > m_limits.maxLineLength)
        fail(QStringLiteral("no line end in %1 bytes: the peer does not speak RESP").arg(pending));
}

void RespReader::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}
