#include "resp/respreader.h"

#include <QTest>

// Volume, not just lying headers: a reply whose every header is modest can still be too big in all, a big reply must
// not keep its buffer for the connection's life, and an error that quotes a reply quotes only its start, escaped.
class TestReplyVolume final : public QObject
{
    Q_OBJECT

private:
    static QByteArray bulk(const QByteArray &bytes)
    {
        return '$' + QByteArray::number(bytes.size()) + "\r\n" + bytes + "\r\n";
    }

    static RespReader::Limits capped(qint64 bytes)
    {
        RespReader::Limits limits;
        limits.maxReplyBytes = bytes;
        return limits;
    }

private Q_SLOTS:
    void manyBulksOverTheCapAreRefused()
    {
        RespReader reader(capped(64 * 1024));
        QByteArray wire = "*100\r\n";
        for (int i = 0; i < 100; ++i)
            wire += bulk(QByteArray(1024, 'x'));
        reader.feed(wire);
        RespValue value;
        QCOMPARE(reader.next(&value), RespReader::Status::Error);
        QCOMPARE(reader.errorString(), QStringLiteral("the reply is bigger than the limit of 65536 bytes"));
    }

    void aBulkThatWouldCrossTheCapIsRefusedOnItsHeader()
    {
        // 60 KiB of the reply are in; the next bulk announces 8 KiB more. Its bytes have not come (and never need to).
        RespReader reader(capped(64 * 1024));
        reader.feed("*2\r\n" + bulk(QByteArray(60 * 1024, 'x')) + "$8192\r\n");
        RespValue value;
        QCOMPARE(reader.next(&value), RespReader::Status::Error);
        QCOMPARE(reader.errorString(), QStringLiteral("the reply is bigger than the limit of 65536 bytes"));
    }

    void smallItemsCountAsWhatTheyCost()
    {
        // 40 KB on the wire, but each integer is a value of its own in memory: far more than 64 KiB.
        RespReader reader(capped(64 * 1024));
        QByteArray wire = "*10000\r\n";
        for (int i = 0; i < 10000; ++i)
            wire += ":1\r\n";
        QVERIFY(wire.size() < 64 * 1024);
        reader.feed(wire);
        RespValue value;
        QCOMPARE(reader.next(&value), RespReader::Status::Error);
        QVERIFY2(reader.errorString().contains(QStringLiteral("bigger than the limit")),
                 qPrintable(reader.errorString()));
    }

    void theCapIsPerReply()
    {
        // Ten replies of 40 KiB each are 400 KiB in all, and each is fine on its own.
        RespReader reader(capped(64 * 1024));
        for (int i = 0; i < 10; ++i)
            reader.feed(bulk(QByteArray(40 * 1024, 'a' + i)));
        RespValue value;
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(reader.next(&value), RespReader::Status::Reply);
            QCOMPARE(value.toByteArray(), QByteArray(40 * 1024, 'a' + i));
        }
    }

    void theBufferShrinksAfterABigReply()
    {
        RespReader reader;
        const QByteArray big(16 * 1024 * 1024, 'v');
        const QByteArray wire = bulk(big);
        // Fed as a socket would: in pieces, with the start of the next reply behind the big one.
        for (qsizetype at = 0; at < wire.size(); at += 64 * 1024)
            reader.feed(wire.mid(at, 64 * 1024));
        reader.feed("*2\r\n$3\r\none\r\n");
        QVERIFY2(reader.bufferCapacity() >= big.size(), qPrintable(QString::number(reader.bufferCapacity())));
        RespValue value;
        QCOMPARE(reader.next(&value), RespReader::Status::Reply);
        QCOMPARE(value.toByteArray().size(), big.size());
        value = {};
        QVERIFY2(reader.bufferCapacity() < 1024 * 1024, qPrintable(QString::number(reader.bufferCapacity())));
        // What was behind the big reply survived the new buffer.
        QCOMPARE(reader.next(&value), RespReader::Status::NeedMore);
        reader.feed("$3\r\ntwo\r\n");
        QCOMPARE(reader.next(&value), RespReader::Status::Reply);
        QCOMPARE(value, RespValue::array({RespValue::bulk("one"), RespValue::bulk("two")}));
    }

    void aReplyBrokenOffIsSeen()
    {
        RespReader reader;
        QVERIFY(!reader.isMidReply());
        reader.feed("+OK\r\n*2\r\n$1\r\na\r\n");
        RespValue value;
        QCOMPARE(reader.next(&value), RespReader::Status::Reply);
        QCOMPARE(reader.next(&value), RespReader::Status::NeedMore);
        QVERIFY(reader.isMidReply());
        QCOMPARE(reader.partialReplyBytes(), qint64(11));
        reader.feed("$1\r\nb\r\n");
        QCOMPARE(reader.next(&value), RespReader::Status::Reply);
        QVERIFY(!reader.isMidReply());
    }

    void previewQuotesOnlyAShortPrefix_data()
    {
        QTest::addColumn<RespValue>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("short") << RespValue::array({RespValue::bulk("0"), RespValue::integer(3)})
                               << QByteArray("[\"0\", (integer) 3]");
        QTest::newRow("control bytes escaped")
            << RespValue::bulk("\x1b[31mred\r\n") << QByteArray("\"\\x1b[31mred\\x0d\\x0a\"");
        QTest::newRow("backslash escaped too") << RespValue::status("a\\b") << QByteArray("a\\x5cb");
        QTest::newRow("long bulk cut") << RespValue::bulk(QByteArray(1000000, 'k'))
                                       << "\"" + QByteArray(59, 'k') + "\xe2\x80\xa6";
        QTest::newRow("never half an escape")
            << RespValue::bulk(QByteArray(55, 'k') + "\x01\x02") << "\"" + QByteArray(55, 'k') + "\\x01\xe2\x80\xa6";
        QTest::newRow("an escape that does not fit goes whole")
            << RespValue::bulk(QByteArray(56, 'k') + "\x01") << "\"" + QByteArray(56, 'k') + "\xe2\x80\xa6";
        QList<RespValue> many;
        for (int i = 0; i < 100000; ++i)
            many.append(RespValue::integer(i));
        QTest::newRow("huge array cut") << RespValue::array(many)
                                        << QByteArray("[(integer) 0, (integer) 1, (integer) 2, (integer) 3, (intege"
                                                      "\xe2\x80\xa6");
    }

    void previewQuotesOnlyAShortPrefix()
    {
        QFETCH(RespValue, value);
        QFETCH(QByteArray, expected);
        QCOMPARE(value.preview(60), expected);
    }
};

QTEST_GUILESS_MAIN(TestReplyVolume)
#include "tst_replyvolume.moc"
