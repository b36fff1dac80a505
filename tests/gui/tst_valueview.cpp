#include "valuesfixture.h"

// The value pane as a user meets it, against a real sandbox: every type's viewer shows the sample values, big values
// are read in pages, binary values are hex, filters go to the server where they can, and copies keep the raw bytes.
class TestValueView final : public ValuesFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(openWindow()); }
    void cleanupTestCase() { closeWindow(); }

    void stringsShowAsTextJsonOrHex()
    {
        // JSON: re-indented, members in their stored order.
        QVERIFY(select("feature:flags"));
        const QByteArray json = created("feature:flags").first().at(2);
        QCOMPARE(view()->shownStringMode(), ValueView::StringMode::Json);
        QCOMPARE(view()->stringText(), ValueFormat::prettyJson(json));
        QVERIFY(view()->stringText().startsWith(QStringLiteral("{\n  \"darkMode\": true,\n")));
        QCOMPARE(view()->statusText(), QStringLiteral("%1 bytes").arg(json.size()));
        shot(QStringLiteral("value-json"));

        // Plain text.
        QVERIFY(select("lock:report:daily"));
        QCOMPARE(view()->shownStringMode(), ValueView::StringMode::Text);
        QCOMPARE(view()->stringText(), QString::fromLatin1(created("lock:report:daily").first().at(2)));

        // Binary: a hex dump, whatever the key's name looks like.
        const QByteArray binaryKey("bin:\xff\xfe\x80 invalid utf8", 21);
        QVERIFY(select(binaryKey));
        const QByteArray value = created(binaryKey).first().at(2);
        QVERIFY(ValueFormat::isBinary(value));
        QCOMPARE(view()->shownStringMode(), ValueView::StringMode::Hex);
        QVERIFY(view()->stringText().startsWith(QStringLiteral("00000000  00 01 02 20 62 69 6e 61  72 79 20 76")));
        QCOMPARE(view()->stringText(), ValueFormat::hexDump(value));
        shot(QStringLiteral("value-hex"));
        // The user can ask for text, and back.
        view()->setStringMode(ValueView::StringMode::Text);
        QCOMPARE(view()->shownStringMode(), ValueView::StringMode::Text);
        view()->setStringMode(ValueView::StringMode::Auto);
        QCOMPARE(view()->shownStringMode(), ValueView::StringMode::Hex);
        // A binary value can be edited too, byte for byte, in the escaped form (tst_keyactions edits such values).
        QVERIFY(view()->button(QStringLiteral("editElement"))->isEnabled());
    }

    void aBigStringIsReadInPages()
    {
        const QByteArray key = "big:string";
        QByteArray value(3 * 1024 * 1024 + 5, 'a');
        for (qsizetype i = 0; i < value.size(); i += 4096)
            value[i] = 'z';
        QCOMPARE(server({"SET", key, value}).toByteArray(), QByteArray("OK"));
        browser()->addKey(key);
        const int before
            = details()->link()->connection() ? details()->link()->connection()->commandCount("GETRANGE") : 0;
        QVERIFY(select(key));
        RedisConnection *connection = details()->link()->connection();
        QCOMPARE(connection->commandCount("GETRANGE") - before, 1);
        QCOMPARE(connection->commandCount("GET"), 0);
        QCOMPARE(view()->stringBytes(), value.left(1024 * 1024));
        QTRY_COMPARE(view()->statusText(), QStringLiteral("1.0 MB of 3.0 MB loaded"));
        QPushButton *more = view()->button(QStringLiteral("loadMore"));
        QVERIFY(more->isEnabled());
        // Editing is for whole values only.
        QVERIFY(!view()->button(QStringLiteral("editElement"))->isEnabled());
        for (int page = 2; page <= 4; ++page) {
            QSignalSpy loaded(view(), &ValueView::valueLoaded);
            QTRY_VERIFY(more->isEnabled());
            more->click();
            QVERIFY(loaded.wait(10000));
        }
        QCOMPARE(connection->commandCount("GETRANGE") - before, 4);
        QCOMPARE(view()->stringBytes(), value);
        QCOMPARE(view()->stringText().size(), value.size() + value.size() / 2000); // text, broken for display only
        QVERIFY(view()->isStringComplete());
        QVERIFY(!more->isEnabled());
        server({"DEL", key});
        browser()->removeKeys({key});
    }

    void aStringThatFailsPartWayCannotBeSavedAsTheWhole()
    {
        // The first megabyte is read; then the key becomes a list, so "Load more" gets an error. What was read is a
        // prefix, never the value: it stays on screen with the error, and Edit stays off.
        const QByteArray key = "big:failing";
        QCOMPARE(server({"SET", key, QByteArray(2 * 1024 * 1024, 'p')}).toByteArray(), QByteArray("OK"));
        browser()->addKey(key);
        QVERIFY(select(key));
        QPushButton *edit = view()->button(QStringLiteral("editElement"));
        QVERIFY(!edit->isEnabled());
        server({"DEL", key});
        server({"RPUSH", key, "now a list"});
        QSignalSpy loaded(view(), &ValueView::valueLoaded);
        QPushButton *more = view()->button(QStringLiteral("loadMore"));
        QTRY_VERIFY(more->isEnabled());
        more->click();
        QVERIFY(loaded.wait(10000));
        QVERIFY2(view()->statusText().contains(QStringLiteral("reading the value failed: WRONGTYPE")),
                 qPrintable(view()->statusText()));
        QCOMPARE(view()->stringBytes().size(), 1024 * 1024);
        QVERIFY(!view()->isStringComplete());
        QVERIFY(!edit->isEnabled());
        QVERIFY2(edit->toolTip().contains(QStringLiteral("failed part way")), qPrintable(edit->toolTip()));
        QVERIFY(!more->isEnabled()); // nothing more to read from a key that is not a string any more
        server({"DEL", key});
        browser()->removeKeys({key});
    }

    void aBigBinaryStringIsAHexDumpPageByPage()
    {
        const QByteArray key = "big:binary";
        QByteArray value(2 * 1024 * 1024 + 3, Qt::Uninitialized);
        for (qsizetype i = 0; i < value.size(); ++i)
            value[i] = static_cast<char>((i * 7) & 0xff);
        QCOMPARE(server({"SET", key, value}).toByteArray(), QByteArray("OK"));
        browser()->addKey(key);
        QVERIFY(select(key));
        QCOMPARE(view()->shownStringMode(), ValueView::StringMode::Hex);
        QPushButton *more = view()->button(QStringLiteral("loadMore"));
        for (int page = 2; page <= 3; ++page) {
            QSignalSpy loaded(view(), &ValueView::valueLoaded);
            QTRY_VERIFY(more->isEnabled());
            more->click();
            QVERIFY(loaded.wait(10000));
        }
        QVERIFY(view()->isStringComplete());
        // Appended page by page, it reads the same as one dump of the whole value.
        QCOMPARE(view()->stringText(), ValueFormat::hexDump(value));
        QVERIFY(view()->stringText().endsWith(
            QStringLiteral("00200000  00 07 0e                                          |...|")));
        server({"DEL", key});
        browser()->removeKeys({key});
    }

    void hashListSetZsetAndStreamShowTheSampleValues()
    {
        // Hash: fields and values (HSCAN order is the server's).
        QVERIFY(select("config:app"));
        QAbstractItemModelTester tester(view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<QStringList> expected;
        const RespCommand hset = created("config:app").first();
        for (qsizetype i = 2; i + 1 < hset.size(); i += 2)
            expected.append({QString::fromUtf8(hset.at(i)), QString::fromUtf8(hset.at(i + 1))});
        QList<QStringList> shown = rows(view());
        std::sort(shown.begin(), shown.end());
        std::sort(expected.begin(), expected.end());
        QCOMPARE(shown, expected);
        QCOMPARE(view()->model()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Field"));
        QTRY_COMPARE(view()->statusText(), QStringLiteral("All 3 fields"));

        // List: a page of 200, then the rest as the user asks; the index is the server's.
        QVERIFY(select("queue:emails"));
        const RespCommand push = created("queue:emails").first();
        QCOMPARE(view()->model()->rowCount(), 200);
        QTRY_COMPARE(view()->statusText(), QStringLiteral("200 of 250 elements loaded"));
        QCOMPARE(rows(view()).at(7), QStringList({QStringLiteral("7"), QString::fromUtf8(push.at(2 + 7))}));
        QSignalSpy loaded(view(), &ValueView::valueLoaded);
        view()->button(QStringLiteral("loadMore"))->click();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(view()->model()->rowCount(), 250);
        QCOMPARE(rows(view()).at(249), QStringList({QStringLiteral("249"), QString::fromUtf8(push.last())}));
        QCOMPARE(view()->statusText(), QStringLiteral("All 250 elements"));

        // Set.
        QVERIFY(select("tag:featured"));
        QStringList members;
        for (const QByteArray &m : created("tag:featured").first().mid(2))
            members.append(QString::fromUtf8(m));
        QStringList shownMembers;
        for (const QStringList &row : rows(view()))
            shownMembers.append(row.first());
        members.sort();
        shownMembers.sort();
        QCOMPARE(shownMembers, members);

        // Sorted set: members with scores, by score.
        QVERIFY(select("leaderboard:global"));
        const RespCommand zadd = created("leaderboard:global").first();
        QList<QPair<double, QByteArray>> byScore;
        for (qsizetype i = 2; i + 1 < zadd.size(); i += 2)
            byScore.append({zadd.at(i).toDouble(), zadd.at(i + 1)});
        std::sort(byScore.begin(), byScore.end());
        QCOMPARE(view()->model()->rowCount(), 200);
        const QList<QStringList> zrows = rows(view());
        for (int r = 0; r < 200; ++r) {
            QCOMPARE(zrows.at(r).at(0), QString::fromUtf8(byScore.at(r).second));
            QCOMPARE(zrows.at(r).at(1).toDouble(), byScore.at(r).first);
        }

        // Stream: entry ids and their fields.
        QVERIFY(select("events:orders"));
        QVERIFY2(view()->model()->rowCount() == 200, qPrintable(view()->statusText()));
        QCOMPARE(view()->model()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Entry ID"));
        QVERIFY(rows(view()).at(0).at(0).contains(QLatin1Char('-')));
        QCOMPARE(rows(view()).at(0).at(1), QStringLiteral("order=500000  status=new"));
        QCOMPARE(rows(view()).at(3).at(1), QStringLiteral("order=500003  status=paid"));
        // The stream has exactly one page: asking for more finds the end.
        view()->button(QStringLiteral("loadMore"))->click();
        QTRY_COMPARE(view()->statusText(), QStringLiteral("All 200 entries"));

        // Selecting a row shows its whole value below the table.
        QVERIFY(select("config:app"));
        selectRow(findRow(0, QStringLiteral("theme")));
        QCOMPARE(view()->previewText(), QStringLiteral("Field:\ntheme\n\nValue:\ndark"));
    }

    // "1 entry", never "1 entries": in the Size field and below the table.
    void aCountOfOneIsSingular()
    {
        QCOMPARE(SandboxFixture::onMaster(*m_sandbox, {"XADD", "single:stream", "*", "f", "v"}).isString(), true);
        QCOMPARE(SandboxFixture::onMaster(*m_sandbox, {"HSET", "single:hash", "f", "v"}).toInteger(), 1);
        browser()->startScan();
        QTRY_VERIFY_WITH_TIMEOUT(browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
        QVERIFY(select("single:stream"));
        QTRY_COMPARE(details()->field(QStringLiteral("Size")), QStringLiteral("1 entry"));
        QTRY_COMPARE(view()->statusText(), QStringLiteral("All 1 entry"));
        QVERIFY(select("single:hash"));
        QTRY_COMPARE(details()->field(QStringLiteral("Size")), QStringLiteral("1 field"));
        QTRY_COMPARE(view()->statusText(), QStringLiteral("All 1 field"));
        SandboxFixture::onMaster(*m_sandbox, {"DEL", "single:stream", "single:hash"});
    }

    void filtersUseTheServerWhereItCan()
    {
        QVERIFY(select("leaderboard:global"));
        view()->setFilter(QStringLiteral("player:99*"));
        QVERIFY(readToTheEnd());
        const QList<QStringList> shown = rows(view());
        QCOMPARE(shown.size(), 11); // player:99 and player:990 .. player:999
        double last = -1;
        for (const QStringList &row : shown) {
            QVERIFY(row.at(0).startsWith(QStringLiteral("player:99")));
            QVERIFY(row.at(1).toDouble() >= last); // still sorted by score
            last = row.at(1).toDouble();
        }
        QVERIFY(details()->link()->connection()->commandCount("ZSCAN") > 0);

        // Lists have no server-side filter: the same glob is matched here.
        QVERIFY(select("queue:emails"));
        view()->setFilter(QStringLiteral("job-24?:*"));
        QVERIFY(readToTheEnd());
        QCOMPARE(view()->model()->rowCount(), 10);
        QCOMPARE(rows(view()).first().first(), QStringLiteral("240"));
        QCOMPARE(view()->statusText(), QStringLiteral("10 matching; all read"));
        view()->setFilter(QString());
    }

    void aHundredThousandFieldHashIsPaged()
    {
        RedisConnection *before = details()->link()->connection();
        const int hscans = before ? before->commandCount("HSCAN") : 0;
        QVERIFY(select(SampleData::bigHashName()));
        RedisConnection *connection = details()->link()->connection();
        QCOMPARE(connection, before); // one connection throughout
        QCOMPARE(connection->commandCount("HSCAN") - hscans, 1);
        QCOMPARE(connection->commandCount("HGETALL"), 0);
        QCOMPARE(connection->commandCount("HKEYS"), 0);
        QCOMPARE(connection->commandCount("HVALS"), 0);
        const int firstPage = view()->model()->rowCount();
        QVERIFY2(firstPage >= 150 && firstPage <= 1000, qPrintable(QString::number(firstPage) + view()->statusText()));
        QTRY_COMPARE(view()->statusText(),
                     QStringLiteral("%1 of %2 fields loaded").arg(firstPage).arg(QLocale().toString(100000)));
        selectRow(3);
        shot(QStringLiteral("value-hash"));
        // Each row is a real field with its value.
        for (const QStringList &row : rows(view()))
            QCOMPARE(row.at(1), QStringLiteral("value-") + row.at(0).mid(6));
        // Scrolling to the end asks for one more page.
        QSignalSpy loaded(view(), &ValueView::valueLoaded);
        view()->table()->scrollToBottom();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(connection->commandCount("HSCAN") - hscans, 2);
        QVERIFY(view()->model()->rowCount() > firstPage);
        QVERIFY(view()->model()->rowCount() < 5000);

        // A filter goes to the server (HSCAN MATCH), a bounded number of pages per request.
        // Few fields match, so each request reads up to 20 pages, and "Load more" goes on from there.
        // The count starts before setFilter(), which sends the first request's first HSCAN itself.
        int requestStart = connection->commandCount("HSCAN");
        view()->setFilter(QStringLiteral("field:4242*"));
        for (int request = 0; request < 200 && !view()->model()->atEnd(); ++request) {
            if (request > 0) {
                requestStart = connection->commandCount("HSCAN");
                view()->button(QStringLiteral("loadMore"))->click();
            }
            QTRY_VERIFY_WITH_TIMEOUT(!view()->model()->isLoading(), 10000);
            const int sent = connection->commandCount("HSCAN") - requestStart;
            QVERIFY2(sent >= 1 && sent <= 20, qPrintable(QString::number(sent)));
            if (!view()->model()->atEnd() && view()->model()->rowCount() == 0)
                QVERIFY(view()->statusText().startsWith(QStringLiteral("0 matching so far")));
        }
        QVERIFY(view()->model()->atEnd());
        QStringList matched;
        for (const QStringList &row : rows(view()))
            matched.append(row.at(0));
        matched.sort();
        QStringList expected = {QStringLiteral("field:4242")};
        for (int i = 0; i < 10; ++i)
            expected.append(QStringLiteral("field:4242%1").arg(i));
        QCOMPARE(matched, expected);
        QCOMPARE(view()->statusText(), QStringLiteral("11 matching; all read"));
        view()->setFilter(QString());
    }

    void copyingKeepsTheRawBytes()
    {
        const QByteArray binaryKey("bin:\xff\xfe\x80 invalid utf8", 21);
        QVERIFY(select(binaryKey));
        QMenu *menu = details()->button(QStringLiteral("copyName"))->menu();
        QVERIFY(menu);
        // Raw: the exact bytes for programs, the escaped form for text editors (raw \xff would be mangled).
        menu->actions().at(0)->trigger();
        const QMimeData *mime = QApplication::clipboard()->mimeData();
        QCOMPARE(mime->data(QStringLiteral("application/octet-stream")), binaryKey);
        QCOMPARE(mime->text(), KeyDisplay::escape(binaryKey));
        menu->actions().at(1)->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("bin:\\xff\\xfe\\x80 invalid utf8\\x00"));
        // The value, whole.
        view()->button(QStringLiteral("copyValue"))->click();
        QCOMPARE(QApplication::clipboard()->mimeData()->data(QStringLiteral("application/octet-stream")),
                 created(binaryKey).first().at(2));

        // A text key copies as text; a hash's selected value too.
        QVERIFY(select("config:app"));
        menu->actions().at(0)->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("config:app"));
        QVERIFY(!view()->button(QStringLiteral("copyValue"))->isEnabled()); // nothing selected yet
        selectRow(findRow(0, QStringLiteral("locale")));
        view()->button(QStringLiteral("copyValue"))->click();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("en_GB"));
    }

    void binaryElementsShowAsHex()
    {
        const QByteArray member("\x00\x01\xfe\xffpng", 7);
        QCOMPARE(server({"SADD", "tag:featured", member}).toInteger(), 1);
        QVERIFY(select("tag:featured"));
        const int row = findRow(0, QStringLiteral("hex: 00 01 fe ff 70 6e 67"));
        QVERIFY(row >= 0);
        QCOMPARE(view()->model()->index(row, 0).data(ValueModel::RawRole).toByteArray(), member);
        QVERIFY(
            view()->model()->index(row, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Binary, 7 bytes")));
        selectRow(row);
        QVERIFY(view()->previewText().contains(QStringLiteral("00000000  00 01 fe ff 70 6e 67")));
        server({"SREM", "tag:featured", member});
    }
};

QTEST_MAIN(TestValueView)
#include "tst_valueview.moc"
