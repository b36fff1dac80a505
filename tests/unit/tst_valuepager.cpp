#include "resp/commandpolicy.h"
#include "values/glob.h"
#include "values/keyedit.h"
#include "values/valueformat.h"
#include "values/valuepager.h"

#include <QTest>

namespace {
RespValue bulks(const QList<QByteArray> &items)
{
    QList<RespValue> elements;
    for (const QByteArray &item : items)
        elements.append(RespValue::bulk(item));
    return RespValue::array(elements);
}

RespValue scanReply(const QByteArray &cursor, const QList<QByteArray> &items)
{
    return RespValue::array({RespValue::bulk(cursor), bulks(items)});
}
} // namespace

// How values are read a page at a time, matched, formatted and changed: the parts of the viewers that need no server.
class TestValuePager final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void globMatchesLikeRedis_data()
    {
        QTest::addColumn<QByteArray>("pattern");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("matches");
        QTest::newRow("star") << QByteArray("job-*") << QByteArray("job-12:alpha") << true;
        QTest::newRow("star-empty") << QByteArray("job-*") << QByteArray("job-") << true;
        QTest::newRow("prefix-miss") << QByteArray("job-*") << QByteArray("jo") << false;
        QTest::newRow("question") << QByteArray("a?c") << QByteArray("abc") << true;
        QTest::newRow("question-needs-one") << QByteArray("a?c") << QByteArray("ac") << false;
        QTest::newRow("class") << QByteArray("[ab]x") << QByteArray("bx") << true;
        QTest::newRow("class-miss") << QByteArray("[ab]x") << QByteArray("cx") << false;
        QTest::newRow("range") << QByteArray("v[0-9]") << QByteArray("v7") << true;
        QTest::newRow("negated") << QByteArray("v[^0-9]") << QByteArray("v7") << false;
        QTest::newRow("escaped-star") << QByteArray("a\\*") << QByteArray("a*") << true;
        QTest::newRow("escaped-star-literal") << QByteArray("a\\*") << QByteArray("ab") << false;
        QTest::newRow("middle-stars") << QByteArray("*a*b*") << QByteArray("xxaxxbxx") << true;
        QTest::newRow("middle-stars-miss") << QByteArray("*a*b*") << QByteArray("xxbxxaxx") << false;
        QTest::newRow("binary") << QByteArray("\xff*") << QByteArray("\xff\x00z", 3) << true;
        QTest::newRow("whole-only") << QByteArray("abc") << QByteArray("abcd") << false;
        // The odd corners, each as redis-server 7.0.15 (x86-64) answered SSCAN MATCH with the same pattern and text.
        // fuzz_glob found the first: Vigil used to compare range ends as unsigned after ordering them as signed.
        QTest::newRow("high-range-low") << QByteArray("[8-\xff]") << QByteArray("\x00", 1) << true;
        QTest::newRow("high-range-ff") << QByteArray("[8-\xff]") << QByteArray("\xff") << true;
        QTest::newRow("high-range-c3") << QByteArray("[8-\xff]") << QByteArray("\xc3") << false;
        QTest::newRow("high-range-9") << QByteArray("[8-\xff]") << QByteArray("9") << false;
        QTest::newRow("high-bytes") << QByteArray("[\x80-\x90]") << QByteArray("\x88") << true;
        QTest::newRow("empty-class") << QByteArray("[]") << QByteArray("]") << false;
        QTest::newRow("bracket-closes-at-once") << QByteArray("[]a]") << QByteArray("]") << false;
        QTest::newRow("bracket-closes-negated") << QByteArray("[^]a]") << QByteArray("a") << false;
        QTest::newRow("empty-negated-then-more") << QByteArray("[^]a]") << QByteArray("xa]") << true;
        QTest::newRow("escaped-member-not-range") << QByteArray("[\\a-c]") << QByteArray("b") << false;
        QTest::newRow("escaped-member-dash") << QByteArray("[\\a-c]") << QByteArray("-") << true;
        QTest::newRow("range-to-bracket") << QByteArray("[a-]") << QByteArray("^") << true;
        QTest::newRow("range-to-bracket-dash") << QByteArray("[a-]") << QByteArray("-") << false;
        QTest::newRow("reversed-range") << QByteArray("[b-a]") << QByteArray("a") << true;
        QTest::newRow("unclosed") << QByteArray("ab[cd") << QByteArray("abd") << true;
    }

    void globMatchesLikeRedis()
    {
        QFETCH(QByteArray, pattern);
        QFETCH(QByteArray, text);
        QFETCH(bool, matches);
        QCOMPARE(Glob::match(pattern, text), matches);
    }

    void globStaysFastOnHostilePatterns()
    {
        // Backtracking globs go exponential on this; ours must answer at once.
        const QByteArray text(200000, 'a');
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!Glob::match("*a*a*a*a*a*a*b", text));
        QVERIFY2(timer.elapsed() < 5000, "a hostile pattern took seconds");
    }

    void binaryDetection_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("binary");
        QTest::newRow("text") << QByteArray("hello world") << false;
        QTest::newRow("newlines and tabs") << QByteArray("a\tb\r\nc") << false;
        QTest::newRow("utf8") << QByteArray("gr\xc3\xbc\xc3\x9f") << false;
        QTest::newRow("nul") << QByteArray("a\0b", 3) << true;
        QTest::newRow("invalid utf8") << QByteArray("\xff\xfe") << true;
        QTest::newRow("cut at a page boundary") << QByteArray("gr\xc3") << false;
        QTest::newRow("escape byte") << QByteArray("\x1b[31m") << true;
    }

    void binaryDetection()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, binary);
        QCOMPARE(ValueFormat::isBinary(bytes), binary);
    }

    void hexDumpShowsOffsetsBytesAndText()
    {
        const QByteArray bytes("Hello, world!\n\x00\x01\xff", 17);
        const QString dump = ValueFormat::hexDump(bytes, 0x20);
        const QStringList lines = dump.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0),
                 QStringLiteral("00000020  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|"));
        QCOMPARE(lines.at(1), QStringLiteral("00000030  ff                                                |.|"));
    }

    void prettyJsonKeepsOrderAndNumbers()
    {
        const QString pretty
            = ValueFormat::prettyJson("{\"z\":1,\"a\":[12345678901234567890,{}],\"s\":\"x, {y}: \\\"q\\\"\",\"e\":[]}");
        QCOMPARE(pretty, QStringLiteral("{\n  \"z\": 1,\n  \"a\": [\n    12345678901234567890,\n    {}\n  ],\n"
                                        "  \"s\": \"x, {y}: \\\"q\\\"\",\n  \"e\": []\n}"));
        QVERIFY(ValueFormat::prettyJson("not json").isNull());
        QVERIFY(ValueFormat::prettyJson("{\"a\":").isNull());
        QVERIFY(ValueFormat::prettyJson("42").isNull()); // a bare number is shown as text
    }

    void hashPagesWithHscanAndDropsRepeats()
    {
        ValuePager pager("h", ValueType::Hash, {}, 2);
        QCOMPARE(pager.nextCommand(), RespCommand({"HSCAN", "h", "0", "COUNT", "2"}));
        QList<ValueRow> rows;
        QString error;
        QVERIFY(pager.consume(scanReply("17", {"f1", "v1", "f2", "v2"}), &rows, &error));
        QVERIFY(!pager.atEnd());
        QCOMPARE(pager.nextCommand(), RespCommand({"HSCAN", "h", "17", "COUNT", "2"}));
        QVERIFY(pager.consume(scanReply("0", {"f2", "v2", "f3", "v3"}), &rows, &error));
        QVERIFY(pager.atEnd());
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(2).name, QByteArray("f3"));
        QCOMPARE(rows.at(2).value, QByteArray("v3"));
    }

    void patternsGoToTheServerWhereItCanFilter()
    {
        QCOMPARE(ValuePager("s", ValueType::Set, "sku-*", 50).nextCommand(),
                 RespCommand({"SSCAN", "s", "0", "MATCH", "sku-*", "COUNT", "50"}));
        QCOMPARE(ValuePager("z", ValueType::ZSet, "player:1*", 50).nextCommand(),
                 RespCommand({"ZSCAN", "z", "0", "MATCH", "player:1*", "COUNT", "50"}));
        QCOMPARE(ValuePager("z", ValueType::ZSet, {}, 50).nextCommand(),
                 RespCommand({"ZRANGE", "z", "0", "49", "WITHSCORES"}));
        // "*" is no filter at all.
        QCOMPARE(ValuePager("h", ValueType::Hash, "*", 10).nextCommand(),
                 RespCommand({"HSCAN", "h", "0", "COUNT", "10"}));
    }

    void listPagesWithLrangeAndFiltersHere()
    {
        ValuePager pager("l", ValueType::List, "job-1*", 3);
        QCOMPARE(pager.nextCommand(), RespCommand({"LRANGE", "l", "0", "2"}));
        QList<ValueRow> rows;
        QString error;
        QVERIFY(pager.consume(bulks({"job-1", "job-2", "job-10"}), &rows, &error));
        QCOMPARE(pager.nextCommand(), RespCommand({"LRANGE", "l", "3", "5"}));
        QVERIFY(pager.consume(bulks({"job-11"}), &rows, &error));
        QVERIFY(pager.atEnd());
        QCOMPARE(pager.fetched(), 4);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(1).index, 2); // the index on the server, not in the filtered list
        QCOMPARE(rows.at(2).index, 3);
        QCOMPARE(rows.at(2).value, QByteArray("job-11"));
    }

    void zsetPagesKeepScores()
    {
        ValuePager pager("z", ValueType::ZSet, {}, 2);
        QList<ValueRow> rows;
        QString error;
        QVERIFY(pager.consume(bulks({"a", "1.5", "b", "2"}), &rows, &error));
        QVERIFY(!pager.atEnd());
        QCOMPARE(pager.nextCommand(), RespCommand({"ZRANGE", "z", "2", "3", "WITHSCORES"}));
        QVERIFY(pager.consume(bulks({}), &rows, &error));
        QVERIFY(pager.atEnd());
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0).score, 1.5);
        QCOMPARE(rows.at(1).scoreText, QByteArray("2"));
    }

    void streamPagesContinueAfterTheLastId()
    {
        ValuePager pager("s", ValueType::Stream, {}, 2);
        QCOMPARE(pager.nextCommand(), RespCommand({"XRANGE", "s", "-", "+", "COUNT", "2"}));
        const RespValue page = RespValue::array({
            RespValue::array({RespValue::bulk("1-0"), bulks({"order", "1", "status", "new"})}),
            RespValue::array({RespValue::bulk("1-1"), bulks({"order", "2", "status", "paid"})}),
        });
        QList<ValueRow> rows;
        QString error;
        QVERIFY(pager.consume(page, &rows, &error));
        QCOMPARE(pager.nextCommand(), RespCommand({"XRANGE", "s", "(1-1", "+", "COUNT", "2"}));
        QCOMPARE(rows.at(1).fields, QList<QByteArray>({"order", "2", "status", "paid"}));
    }

    void stringsArePagedAboveAMebibyte()
    {
        ValuePager pager("big", ValueType::String);
        pager.setStringLength(ValuePager::stringPageBytes + 10);
        QCOMPARE(pager.nextCommand(), RespCommand({"GETRANGE", "big", "0", "1048575"}));
        QList<ValueRow> rows;
        QString error;
        QVERIFY(pager.consume(RespValue::bulk(QByteArray(ValuePager::stringPageBytes, 'x')), &rows, &error));
        QVERIFY(!pager.atEnd());
        QCOMPARE(pager.nextCommand(), RespCommand({"GETRANGE", "big", "1048576", "2097151"}));
        QVERIFY(pager.consume(RespValue::bulk(QByteArray(10, 'y')), &rows, &error));
        QVERIFY(pager.atEnd());
        QCOMPARE(rows.at(1).index, ValuePager::stringPageBytes);
    }

    void aReplyOfTheWrongShapeIsAnErrorNotACrash()
    {
        ValuePager pager("h", ValueType::Hash);
        QList<ValueRow> rows;
        QString error;
        QVERIFY(!pager.consume(RespValue::integer(3), &rows, &error));
        QVERIFY2(error.contains(QStringLiteral("HSCAN")), qPrintable(error));
        QVERIFY(pager.atEnd());
        ValuePager odd("z", ValueType::ZSet);
        QVERIFY(!odd.consume(bulks({"a"}), &rows, &error));
        ValuePager wrong("h", ValueType::Hash);
        QVERIFY(!wrong.consume(RespValue::error("WRONGTYPE Operation against a key holding the wrong kind of value"),
                               &rows, &error));
        QVERIFY(error.startsWith(QStringLiteral("WRONGTYPE")));
    }

    void everyReadIsAllowedOnAReadOnlyConnectionAndEveryEditIsNot()
    {
        for (const ValueType type : {ValueType::String, ValueType::Hash, ValueType::List, ValueType::Set,
                                     ValueType::ZSet, ValueType::Stream}) {
            QVERIFY(Resp::isReadOnlyCommand(ValuePager("k", type).nextCommand()));
            QVERIFY(Resp::isReadOnlyCommand(ValuePager("k", type, "a*").nextCommand()));
        }
        const QList<KeyEdit> edits = {
            KeyEdit::remove({"a", "b"}),
            KeyEdit::rename("a", "b"),
            KeyEdit::expire("a", 5),
            KeyEdit::persist("a"),
            KeyEdit::setString("a", "u", "v"),
            KeyEdit::hashAdd("h", "f", "v"),
            KeyEdit::hashSet("h", "f", "u", "v"),
            KeyEdit::hashRemove("h", "f", "v"),
            KeyEdit::listAppend("l", "x"),
            KeyEdit::listSet("l", 0, "x", "y"),
            KeyEdit::listRemove("l", 0, "x"),
            KeyEdit::setAdd("s", "m"),
            KeyEdit::setRemove("s", "m"),
            KeyEdit::setReplace("s", "m", "n"),
            KeyEdit::zsetAdd("z", "m", 1),
            KeyEdit::zsetEdit("z", "m", "1", "m", 2),
            KeyEdit::zsetRemove("z", "m"),
            KeyEdit::zsetEdit("z", "m", "1", "n", 1),
            KeyEdit::streamRemove("x", "1-0"),
        };
        for (const KeyEdit &edit : edits)
            QVERIFY2(!Resp::isReadOnlyCommand(edit.command()), edit.command().first().constData());
    }

    void editsSayWhatWentWrong()
    {
        QCOMPARE(KeyEdit::remove({"a", "b"}).command(), RespCommand({"UNLINK", "a", "b"}));
        QCOMPARE(KeyEdit::rename("a", "b").command(), RespCommand({"RENAMENX", "a", "b"}));
        QVERIFY(KeyEdit::rename("a", "b").problem(RespValue::integer(1)).isEmpty());
        QVERIFY(KeyEdit::rename("a", "b").problem(RespValue::integer(0)).contains(QStringLiteral("already exists")));
        QVERIFY(
            KeyEdit::rename("a", "b").problem(RespValue::error("ERR no such key")).contains(QStringLiteral("no longer")));
        QVERIFY(KeyEdit::listAppend("l", "x").problem(RespValue::integer(0)).contains(QStringLiteral("no longer")));
        QVERIFY(KeyEdit::hashAdd("h", "f", "v").problem(RespValue::integer(0)).contains(QStringLiteral("already")));
        QVERIFY(KeyEdit::listSet("l", 0, "x", "y")
                    .problem(RespValue::error("CHANGED the element at this index is not the one shown any more"))
                    .startsWith(QStringLiteral("changed since you opened it (the element at this index")));
        QVERIFY(KeyEdit::setReplace("s", "m", "n")
                    .problem(RespValue::error("TAKEN the new member is already in the set"))
                    .contains(QStringLiteral("nothing was changed")));
        QVERIFY(KeyEdit::setAdd("s", "m")
                    .problem(RespValue::error("READONLY You can't write against a read only replica."))
                    .contains(QStringLiteral("replica")));
        // Removing a list element marks it with a token no real element holds, different every time.
        QVERIFY(KeyEdit::listRemove("l", 1, "x").command().last() != KeyEdit::listRemove("l", 1, "x").command().last());
    }
};

QTEST_GUILESS_MAIN(TestValuePager)
#include "tst_valuepager.moc"
