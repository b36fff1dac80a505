#pragma once

#include "resp/respcommand.h"
#include "resp/respvalue.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>

// The Redis types Vigil shows, as TYPE names them.
enum class ValueType { String, Hash, List, Set, ZSet, Stream, Other };
ValueType valueTypeFromName(QByteArrayView type);

// One row of a collection's viewer.
struct ValueRow
{
    QByteArray name;          // hash field, stream entry id
    QByteArray value;         // hash value, list element, set or zset member, a string's page
    qint64 index = -1;        // list index; the offset of a string's page
    double score = 0;         // zset
    QByteArray scoreText;     // zset: the score as the server wrote it
    QList<QByteArray> fields; // stream entry: field, value, field, value, ...
};

// Reads one key's value a page at a time, never without a bound. For each type it knows the command of the next page
// and how to read its reply:
//  - string: GETRANGE, a page of stringPageBytes at a time (so a 1 MiB string is one GETRANGE; larger ones are paged);
//  - hash: HSCAN, set: SSCAN; with a pattern, the server filters (MATCH); fields seen twice (SCAN may repeat) are
//    dropped;
//  - list: LRANGE pages; zset: ZRANGE ... WITHSCORES pages by rank, so members come sorted by score; with a pattern,
//    ZSCAN MATCH (the viewer then sorts what it has);
//  - stream: XRANGE pages with COUNT, continuing after the last id seen.
// Lists and streams have no server-side filter: the pattern is matched here (Redis glob syntax) against list elements
// and against a stream entry's id, fields and values.
class ValuePager final
{
public:
    static constexpr int defaultPageSize = 200;
    static constexpr qint64 stringPageBytes = 1024 * 1024;

    ValuePager(QByteArray key, ValueType type, QByteArray pattern = {}, int pageSize = defaultPageSize);

    const QByteArray &key() const { return m_key; }
    ValueType type() const { return m_type; }
    const QByteArray &pattern() const { return m_pattern; }
    int pageSize() const { return m_pageSize; }
    // No more pages will be read: the value was read to its end, or a page failed.
    bool atEnd() const { return m_atEnd; }
    // Read to its end with no failure: only then is what was read the whole value, which an edit may replace.
    bool isComplete() const { return m_atEnd && !m_failed; }
    // Elements read from the server so far, before any client-side filter.
    qint64 fetched() const { return m_fetched; }

    // Strings only: the length (STRLEN), needed to know when the last page has been read.
    void setStringLength(qint64 length);
    qint64 stringLength() const { return m_stringLength; }

    RespCommand nextCommand() const;
    // Reads the reply to nextCommand(). Returns false, with *error set, for a reply of the wrong shape (the type may
    // have changed under us); then the pager is at its end.
    bool consume(const RespValue &reply, QList<ValueRow> *rows, QString *error);

private:
    bool scanned() const; // HSCAN/SSCAN/ZSCAN rather than ranges
    bool fail(QString *error, const QString &message);

    QByteArray m_key;
    ValueType m_type;
    QByteArray m_pattern;
    int m_pageSize;
    bool m_atEnd = false;
    bool m_failed = false;
    qint64 m_fetched = 0;
    QByteArray m_cursor = "0"; // *SCAN
    qint64 m_offset = 0;       // GETRANGE, LRANGE, ZRANGE
    QByteArray m_streamFrom = "-";
    qint64 m_stringLength = -1;
    QSet<QByteArray> m_seen; // *SCAN can return an element twice
};
