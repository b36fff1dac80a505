#pragma once

#include "respvalue.h"

#include <QString>

struct redisReader;
struct redisReadTask;
struct RespReaderCallbacks;

// Incremental RESP2 decoder. hiredis's redisReader does the parsing; its object functions build RespValue trees and
// enforce the limits below, so a hostile or broken peer cannot make us allocate what it announces.
struct RespLimits
{
    qint64 maxBulkLength = 512LL * 1024 * 1024; // Redis's own proto-max-bulk-len default
    qint64 maxArrayLength = 16LL * 1024 * 1024; // elements in one array
    int maxDepth = 7;                           // nested arrays; hiredis itself stops at 7
    qint64 maxLineLength = 64 * 1024;           // a status, error or integer line without CRLF
    // One whole reply, counted as the memory its values take: an array of millions of small items costs far more
    // than its bytes on the wire, and a reply of many bulks each under maxBulkLength is no smaller for it.
    qint64 maxReplyBytes = 1024LL * 1024 * 1024;
    // A read buffer that grew past this for a big reply is given back once that reply is taken.
    qint64 maxIdleBuffer = 1024 * 1024;
};

class RespReader final
{
public:
    using Limits = RespLimits;

    enum class Status { Reply, NeedMore, Error };

    explicit RespReader(Limits limits = Limits());
    ~RespReader();
    Q_DISABLE_COPY_MOVE(RespReader)

    const Limits &limits() const { return m_limits; }

    void feed(const char *data, qsizetype size);
    void feed(const QByteArray &data) { feed(data.constData(), data.size()); }

    // Takes the next complete reply. After Status::Error the reader is unusable: errorString() says why, and the
    // connection that owns it must be dropped (the byte stream can no longer be trusted).
    Status next(RespValue *reply);

    bool hasError() const { return !m_error.isEmpty(); }
    const QString &errorString() const { return m_error; }

    // How many bytes are buffered and not yet decoded.
    qsizetype pendingBytes() const;
    // Whether part of a reply has arrived and the rest has not; partialReplyBytes() says how much of it.
    bool isMidReply() const;
    qint64 partialReplyBytes() const { return m_fed - m_replyStart; }
    // What the read buffer holds allocated (for the tests of the buffer's shrinking).
    qsizetype bufferCapacity() const;

private:
    friend struct RespReaderCallbacks;

    void checkPendingItem();
    void fail(const QString &message);
    bool charge(qint64 bytes);
    void releaseBuffer();
    QByteArray copyOf(const redisReadTask *task, const char *str, qsizetype len);

    Limits m_limits;
    redisReader *m_reader = nullptr;
    qint64 m_fed = 0;           // bytes fed in all
    qint64 m_replyStart = 0;    // where, in those, the reply being read began
    qint64 m_replyBytes = 0;    // what the reply being read has cost so far (maxReplyBytes)
    qsizetype m_peakBuffer = 0; // the most the read buffer has held since it was last given back
    QString m_error;
    QString m_limitError; // set by an object function that refused an item
    QByteArray m_arena;   // small elements of big arrays, back to back (copyOf)
    char *m_arenaFree = nullptr;
    qsizetype m_arenaLeft = 0;
};
