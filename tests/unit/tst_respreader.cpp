#include "resp/respreader.h"

#include <QTest>

// Decoding RESP2: every type, nesting, nil forms, incremental input, and the limits that protect us from a hostile peer.
class TestRespReader final : public QObject
{
    Q_OBJECT

private:
    static RespValue decodeOne(const QByteArray &wire, RespReader::Limits limits = {})
    {
        RespReader reader(limits);
        reader.feed(wire);
        RespValue value;
        const RespReader::Status status = reader.next(&value);
        if (status != RespReader::Status::Reply)
            qWarning() << "no reply:" << reader.errorString();
        return value;
    }

    static QString decodeError(const QByteArray &wire, RespReader::Limits limits = {})
    {
        RespReader reader(limits);
        reader.feed(wire);
        RespValue value;
        while (reader.next(&value) == RespReader::Status::Reply) {
        }
        return reader.errorString();
    }

private Q_SLOTS:
    void decodesEveryType_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<RespValue>("expected");

        QTest::newRow("status") << QByteArray("+OK\r\n") << RespValue::status("OK");
        QTest::newRow("error") << QByteArray("-WRONGTYPE Operation against a key\r\n")
                               << RespValue::error("WRONGTYPE Operation against a key");
        QTest::newRow("integer") << QByteArray(":1000\r\n") << RespValue::integer(1000);
        QTest::newRow("negative integer") << QByteArray(":-42\r\n") << RespValue::integer(-42);
        QTest::newRow("bulk") << QByteArray("$5\r\nhello\r\n") << RespValue::bulk("hello");
        QTest::newRow("empty bulk") << QByteArray("$0\r\n\r\n") << RespValue::bulk("");
        QTest::newRow("binary bulk") << QByteArray("$4\r\n\x00\r\n\xff\r\n", 10)
                                     << RespValue::bulk(QByteArray("\x00\r\n\xff", 4));
        QTest::newRow("nil bulk") << QByteArray("$-1\r\n") << RespValue::nil();
        QTest::newRow("nil array") << QByteArray("*-1\r\n") << RespValue::nil();
        QTest::newRow("empty array") << QByteArray("*0\r\n") << RespValue::array({});
        QTest::newRow("scan reply") << QByteArray("*2\r\n$3\r\n128\r\n*2\r\n$5\r\nuser:\r\n$-1\r\n")
                                    << RespValue::array(
                                           {RespValue::bulk("128"),
                                            RespValue::array({RespValue::bulk("user:"), RespValue::nil()})});
        QTest::newRow("nested mixed") << QByteArray("*3\r\n:1\r\n*2\r\n+a\r\n*1\r\n-ERR x\r\n$1\r\nz\r\n")
                                      << RespValue::array(
                                             {RespValue::integer(1),
                                              RespValue::array({RespValue::status("a"),
                                                                RespValue::array({RespValue::error("ERR x")})}),
                                              RespValue::bulk("z")});
    }

    void decodesEveryType()
    {
        QFETCH(QByteArray, wire);
        QFETCH(RespValue, expected);
        QCOMPARE(decodeOne(wire), expected);
    }

    void typeAccessors()
    {
        const RespValue v = decodeOne("*2\r\n:7\r\n$-1\r\n");
        QVERIFY(v.isArray());
        QCOMPARE(v.size(), 2);
        QVERIFY(v.at(0).isInteger());
        QCOMPARE(v.at(0).toInteger(), 7);
        QVERIFY(v.at(1).isNil());
        QCOMPARE(decodeOne("-NOAUTH Authentication required.\r\n").errorCode(), QByteArray("NOAUTH"));
        // SENTINEL MASTER style field/value arrays; an odd trailing field is ignored, a non-array gives nothing.
        const auto map
            = decodeOne("*5\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$4\r\n6379\r\n$3\r\nodd\r\n").toFieldMap();
        QCOMPARE(map.size(), 2);
        QCOMPARE(map.value("ip"), QByteArray("127.0.0.1"));
        QCOMPARE(map.value("port"), QByteArray("6379"));
        QVERIFY(decodeOne("+OK\r\n").toFieldMap().isEmpty());
    }

    void feedsByteByByte()
    {
        const QByteArray wire("*3\r\n$3\r\nfoo\r\n:12\r\n*2\r\n$0\r\n\r\n+OK\r\n+NEXT\r\n");
        RespReader reader;
        QList<RespValue> replies;
        for (char c : wire) {
            reader.feed(&c, 1);
            RespValue v;
            RespReader::Status status;
            while ((status = reader.next(&v)) == RespReader::Status::Reply)
                replies.append(v);
            QCOMPARE(status, RespReader::Status::NeedMore);
        }
        QCOMPARE(replies.size(), 2);
        QCOMPARE(replies.at(0), RespValue::array({RespValue::bulk("foo"), RespValue::integer(12),
                                                  RespValue::array({RespValue::bulk(""), RespValue::status("OK")})}));
        QCOMPARE(replies.at(1), RespValue::status("NEXT"));
    }

    void manyRepliesInOneFeed()
    {
        QByteArray wire;
        for (int i = 0; i < 1000; ++i)
            wire += ":" + QByteArray::number(i) + "\r\n";
        RespReader reader;
        reader.feed(wire);
        RespValue v;
        for (int i = 0; i < 1000; ++i) {
            QCOMPARE(reader.next(&v), RespReader::Status::Reply);
            QCOMPARE(v.toInteger(), i);
        }
        QCOMPARE(reader.next(&v), RespReader::Status::NeedMore);
    }

    // The small elements of a big array share one block (RespReader::copyOf). Each must still behave as a
    // QByteArray of its own: the right bytes, null-terminated, alive after the reader and the reply are gone, and a
    // change to one never shows in another.
    void bigArrayElementsAreIndependentStrings()
    {
        QList<QByteArray> keys;
        {
            RespReader reader;
            QByteArray wire = "*2\r\n$2\r\n17\r\n*300\r\n";
            for (int i = 0; i < 300; ++i) {
                const QByteArray key = QByteArray("key:") + QByteArray::number(i) + (i % 7 ? "" : QByteArray(3, '\0'));
                wire += '$' + QByteArray::number(key.size()) + "\r\n" + key + "\r\n";
            }
            reader.feed(wire);
            // A second reply after the first, so the arena is written again while the first's elements live.
            reader.feed("*20\r\n" + QByteArray("$3\r\nxyz\r\n").repeated(20));
            RespValue scan;
            QCOMPARE(reader.next(&scan), RespReader::Status::Reply);
            for (const RespValue &element : scan.at(1).elements())
                keys.append(element.toByteArray());
            RespValue other;
            QCOMPARE(reader.next(&other), RespReader::Status::Reply);
            QCOMPARE(other.at(19).toByteArray(), QByteArray("xyz"));
        }
        QCOMPARE(keys.size(), 300);
        for (int i = 0; i < 300; ++i) {
            const QByteArray expected = QByteArray("key:") + QByteArray::number(i) + (i % 7 ? "" : QByteArray(3, '\0'));
            QCOMPARE(keys.at(i), expected);
            QCOMPARE(keys.at(i).constData()[keys.at(i).size()], '\0');
        }
        keys[5].append("-changed");
        keys[6][0] = 'K';
        QCOMPARE(keys.at(5), QByteArray("key:5-changed"));
        QCOMPARE(keys.at(6), QByteArray("Key:6"));
        QCOMPARE(keys.at(4), QByteArray("key:4"));
        QCOMPARE(keys.at(7), QByteArray("key:7") + QByteArray(3, '\0'));
        QCOMPARE(keys.at(8), QByteArray("key:8"));
    }

    void refusesHugeArrayHeader_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("expected");
        const QString outOfRange = QStringLiteral("array length out of range");
        QTest::newRow("2^31") << QByteArray("*2147483648\r\n") << outOfRange;
        QTest::newRow("2^32") << QByteArray("*4294967296\r\n") << outOfRange;
        QTest::newRow("2^32+1") << QByteArray("*4294967297\r\n:1\r\n") << outOfRange;
        QTest::newRow("nested 2^31") << QByteArray("*1\r\n*2147483648\r\n") << outOfRange;
        QTest::newRow("negative") << QByteArray("*-5\r\n") << outOfRange;
        QTest::newRow("over our limit") << QByteArray("*16777217\r\n")
                                        << QStringLiteral("array of 16777217 elements exceeds the limit of 16777216");
        QTest::newRow("overflow") << QByteArray("*99999999999999999999999\r\n") << QStringLiteral("unreadable length");
    }

    void refusesHugeArrayHeader()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, expected);
        const QString error = decodeError(wire);
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void refusesHugeBulkBeforeBuffering()
    {
        RespReader reader;
        // A 4 GB bulk: the header alone must be refused, before any of its bytes arrive.
        reader.feed(QByteArray("$4294967296\r\n"));
        RespValue v;
        QCOMPARE(reader.next(&v), RespReader::Status::Error);
        QVERIFY2(reader.errorString().contains(QStringLiteral("bulk reply of 4294967296 bytes exceeds the limit")),
                 qPrintable(reader.errorString()));
        // Once broken, it stays broken: the byte stream cannot be trusted any more.
        reader.feed(QByteArray("+OK\r\n"));
        QCOMPARE(reader.next(&v), RespReader::Status::Error);
    }

    void configurableLimits()
    {
        RespReader::Limits limits;
        limits.maxBulkLength = 4;
        limits.maxArrayLength = 2;
        limits.maxDepth = 2;
        QCOMPARE(decodeOne("$4\r\nabcd\r\n", limits), RespValue::bulk("abcd"));
        QVERIFY(decodeError("$5\r\nabcde\r\n", limits).contains(QStringLiteral("5 bytes exceeds the limit of 4")));
        // Split so that the whole bulk is not there yet: the header check refuses it.
        QVERIFY(decodeError("$5\r\nab", limits).contains(QStringLiteral("5 bytes exceeds the limit of 4")));
        QVERIFY(decodeError("*3\r\n:1\r\n:2\r\n:3\r\n", limits)
                    .contains(QStringLiteral("3 elements exceeds the limit of 2")));
        QCOMPARE(decodeOne("*1\r\n*1\r\n:1\r\n", limits), RespValue::array({RespValue::array({RespValue::integer(1)})}));
        QVERIFY(decodeError("*1\r\n*1\r\n*1\r\n:1\r\n", limits).contains(QStringLiteral("nested deeper than 2")));
    }

    void refusesGarbage_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("expected");
        QTest::newRow("http") << QByteArray("HTTP/1.1 400 Bad Request\r\n") << QStringLiteral("Protocol error");
        QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00", 5) << QStringLiteral("Protocol error");
        QTest::newRow("endless line") << QByteArray(70000, '+') << QStringLiteral("no line end");
        QTest::newRow("depth beyond hiredis")
            << QByteArray("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n")
            << QStringLiteral("nested deeper than 7");
    }

    void refusesGarbage()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, expected);
        const QString error = decodeError(wire);
        QVERIFY2(error.contains(expected), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestRespReader)
#include "tst_respreader.moc"
