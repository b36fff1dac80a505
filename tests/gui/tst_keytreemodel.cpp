#include "common/naturalorder.h"
#include "keydisplay.h"
#include "keytreemodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <functional>
#include <random>

// The namespace tree: lazy namespaces, sorted rows, counts, escaping, and persistent indexes that survive new rows.
class TestKeyTreeModel final : public QObject
{
    Q_OBJECT

private:
    // The tester re-runs all its checks from its rowsInserted handler, and with fetchMore on it would populate the
    // new namespaces right there: a nested insert it then reports as one (its own bookkeeping for the outer insert has
    // not run yet). A view fetches on expand, never inside a change; the tests below call fetchMore themselves.
    static void noFetching(QAbstractItemModelTester &tester) { tester.setUseFetchMore(false); }

    // One turn of the model's work from the event loop (its timer's one firing), if it has any: a call of
    // processEvents() is not one, since the timer waits a millisecond between turns.
    static void oneTurn(KeyTreeModel &model)
    {
        auto *work = model.findChild<QTimer *>(QStringLiteral("work"));
        QVERIFY(work);
        if (!work->isActive())
            return;
        QSignalSpy turned(work, &QTimer::timeout);
        QVERIFY(turned.wait(5000));
    }

    // What a user sees under `parent` once it is expanded (the view would call fetchMore).
    static QStringList rowTexts(QAbstractItemModel &model, const QModelIndex &parent = {})
    {
        if (model.canFetchMore(parent))
            model.fetchMore(parent);
        QStringList texts;
        for (int row = 0; row < model.rowCount(parent); ++row)
            texts.append(model.index(row, 0, parent).data().toString());
        return texts;
    }

    // "order:2020:0", "order:2021:1", "order:2022:2", "order:2020:3", ...: n keys in three namespaces under "order".
    static QList<QByteArray> ordersByYear(int n)
    {
        QList<QByteArray> keys;
        for (int i = 0; i < n; ++i)
            keys.append("order:" + QByteArray::number(2020 + i % 3) + ':' + QByteArray::number(i));
        return keys;
    }

    // What the view shows under `parent` now, without asking for more.
    static QStringList shownTexts(QAbstractItemModel &model, const QModelIndex &parent)
    {
        QStringList texts;
        for (int row = 0; row < model.rowCount(parent); ++row)
            texts.append(model.index(row, 0, parent).data().toString());
        return texts;
    }

    // `count` keys of a namespace "big": every `every`-th below one of `subs` sub-namespaces, the others keys of
    // their own, in random order (each once). Adds them to *present and returns them in that order.
    static QList<QByteArray> bigNamespace(quint32 seed, int count, int every, int subs, QSet<QByteArray> *present)
    {
        QRandomGenerator random(seed);
        QList<QByteArray> keys;
        for (int i = 0; i < count; ++i) {
            const QByteArray key
                = i % every == 0
                      ? QByteArray("big:sub" + QByteArray::number(random.bounded(subs)) + ':' + QByteArray::number(i))
                      : QByteArray("big:k" + QByteArray::number(random.bounded(1000000)));
            if (!present->contains(key)) {
                present->insert(key);
                keys.append(key);
            }
        }
        return keys;
    }

    // The first `count` rows "big" should show for the keys in `present`: its sub-namespaces, then its keys, each in
    // natural order.
    static QStringList firstRowsOfBig(const QSet<QByteArray> &present, qsizetype count)
    {
        QList<QPair<bool, QByteArray>> rows; // (is a key, segment)
        QSet<QByteArray> namespaces;
        for (const QByteArray &key : present) {
            const QByteArray rest = key.mid(4);
            const qsizetype at = rest.indexOf(':');
            if (at < 0)
                rows.append({true, rest});
            else if (!namespaces.contains(rest.left(at))) {
                namespaces.insert(rest.left(at));
                rows.append({false, rest.left(at)});
            }
        }
        std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? b.first : NaturalOrder::compare(a.second, b.second) < 0;
        });
        QStringList texts;
        for (qsizetype i = 0; i < count; ++i)
            texts.append(QString::fromUtf8(rows.at(i).second));
        return texts;
    }

    static QModelIndex child(KeyTreeModel &model, const QModelIndex &parent, const QString &text)
    {
        if (model.canFetchMore(parent))
            model.fetchMore(parent);
        for (int row = 0; row < model.rowCount(parent); ++row) {
            const QModelIndex index = model.index(row, 0, parent);
            if (index.data().toString() == text)
                return index;
        }
        return {};
    }

private Q_SLOTS:
    void rowsFollowNaturalOrder()
    {
        // NaturalOrder's own cases are in tst_naturalorder; here, a namespace shows its rows in that order.
        const QList<QByteArray> names = {"10",    "2",     "item10", "item9", "v1.10", "v1.9", "01",  "1",
                                         "Zebra", "apple", "\xff",   "z",     "a12",   "a1b",  "07a", "7b"};
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QList<QByteArray> keys;
        for (const QByteArray &name : names)
            keys.append("n:" + name);
        model.addKeys(keys);
        model.flushSort();
        QList<QByteArray> sorted = names;
        std::sort(sorted.begin(), sorted.end(),
                  [](const QByteArray &a, const QByteArray &b) { return NaturalOrder::compare(a, b) < 0; });
        QStringList expected;
        for (const QByteArray &name : std::as_const(sorted))
            expected.append(KeyDisplay::escape(name));
        QCOMPARE(rowTexts(model, model.index(0, 0)), expected);
        QCOMPARE(expected.first(), QStringLiteral("1")); // and the order is the natural one, not bytes
        QVERIFY(expected.indexOf(QStringLiteral("item9")) < expected.indexOf(QStringLiteral("item10")));
    }

    void smallNamespacesTakeRowsInPlace()
    {
        // A row of a small namespace appears where it belongs at once, not at the end until the next sort.
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"b:1", "b:10", "c", "d:x"});
        const QModelIndex b = model.index(0, 0);
        model.fetchMore(b);
        const QPersistentModelIndex c = model.index(2, 0);
        QCOMPARE(c.data().toString(), QStringLiteral("c"));

        QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.addKeys({"a:1", "b:2", "bb"});
        QCOMPARE(rowTexts(model), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("d"),
                                               QStringLiteral("bb"), QStringLiteral("c")}));
        QCOMPARE(rowTexts(model, model.index(1, 0)),
                 (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("10")}));
        QCOMPARE(layouts.size(), 0);
        QCOMPARE(inserted.size(), 3);
        QCOMPARE(c.row(), 4); // the user's selection or current row follows its key
        QCOMPARE(c.data().toString(), QStringLiteral("c"));
    }

    void escaping_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("shown");
        QTest::newRow("plain") << QByteArray("user:1") << QStringLiteral("user:1");
        QTest::newRow("newline") << QByteArray("a\nb") << QStringLiteral("a\\nb");
        QTest::newRow("tab and cr") << QByteArray("a\tb\r") << QStringLiteral("a\\tb\\r");
        QTest::newRow("nul") << QByteArray("a\0b", 3) << QStringLiteral("a\\x00b");
        QTest::newRow("invalid utf-8") << QByteArray("\xff\xfe") << QStringLiteral("\\xff\\xfe");
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << QStringLiteral("\\xc0\\xaf");
        QTest::newRow("truncated") << QByteArray("ok\xe2\x80") << QStringLiteral("ok\\xe2\\x80");
        QTest::newRow("bidi override") << QByteArray("bidi:\xe2\x80\xae"
                                                     "evil")
                                       << QStringLiteral("bidi:\\u{202E}evil");
        QTest::newRow("zero width") << QByteArray("a\xe2\x80\x8b"
                                                  "b")
                                    << QStringLiteral("a\\u{200B}b");
        QTest::newRow("accents kept") << QByteArray("caf\xc3\xa9") << QStringLiteral("caf\u00e9");
        QTest::newRow("emoji kept") << QByteArray("\xf0\x9f\x94\x91") << QString::fromUtf8("\xf0\x9f\x94\x91");
        QTest::newRow("backslash") << QByteArray("a\\x41") << QStringLiteral("a\\\\x41");
        QTest::newRow("delete") << QByteArray("\x7f") << QStringLiteral("\\x7f");
        // Every format character and separator, not a list of known ones (fuzz_format found U+206E unescaped).
        QTest::newRow("shaping control") << QByteArray("a\xe2\x81\xae") << QStringLiteral("a\\u{206E}");
        QTest::newRow("soft hyphen") << QByteArray("ad\xc2\xadmin") << QStringLiteral("ad\\u{00AD}min");
        QTest::newRow("line separator") << QByteArray("a\xe2\x80\xa8") << QStringLiteral("a\\u{2028}");
        QTest::newRow("tag") << QByteArray("a\xf3\xa0\x80\x81") << QStringLiteral("a\\u{E0001}");
    }

    void escaping()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, shown);
        QCOMPARE(KeyDisplay::escape(bytes), shown);
    }

    void streamsInSortedWithCounts()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"user:2:profile", "session:b", "user:1:profile", "plainkey"});
        model.addKeys({"user:1:cart", "session:a", "alpha"});
        model.flushSort();
        // Namespaces first, then keys, each in byte order.
        QCOMPARE(rowTexts(model), (QStringList{QStringLiteral("session"), QStringLiteral("user"),
                                               QStringLiteral("alpha"), QStringLiteral("plainkey")}));
        QCOMPARE(model.keyCount(), 7);
        const QModelIndex user = child(model, {}, QStringLiteral("user"));
        QCOMPARE(model.index(user.row(), KeyTreeModel::CountColumn).data().toString(), QLocale().toString(3));
        QCOMPARE(user.data(KeyTreeModel::KeyCountRole).toLongLong(), 3);
        QVERIFY(user.data(KeyTreeModel::IsNamespaceRole).toBool());
        QCOMPARE(user.data(KeyTreeModel::KeyBytesRole).toByteArray(), QByteArray("user:"));
        const QModelIndex one = child(model, user, QStringLiteral("1"));
        QCOMPARE(rowTexts(model, one), (QStringList{QStringLiteral("cart"), QStringLiteral("profile")}));
        QCOMPARE(child(model, one, QStringLiteral("cart")).data(KeyTreeModel::KeyBytesRole).toByteArray(),
                 QByteArray("user:1:cart"));
    }

    void collapsedNamespacesAreLazy()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        // Small enough to be built inside fetchMore (a bigger namespace's first page is chosen a step a turn).
        model.addKeys(ordersByYear(1800));
        const QModelIndex order = model.index(0, 0);
        QCOMPARE(order.data().toString(), QStringLiteral("order"));
        QCOMPARE(order.data(KeyTreeModel::KeyCountRole).toLongLong(), 1800);
        QVERIFY(model.hasChildren(order));
        QCOMPARE(model.rowCount(order), 0); // nothing built until the view asks
        QVERIFY(model.canFetchMore(order));
        QCOMPARE(rowTexts(model, order),
                 (QStringList{QStringLiteral("2020"), QStringLiteral("2021"), QStringLiteral("2022")}));
        QVERIFY(!model.canFetchMore(order));
        QCOMPARE(model.index(1, 0, order).data(KeyTreeModel::KeyCountRole).toLongLong(), 600);
        // More keys for a collapsed namespace only change counts.
        model.addKeys({"order:2021:x"});
        QCOMPARE(model.index(1, 0, order).data(KeyTreeModel::KeyCountRole).toLongLong(), 601);
        QCOMPARE(model.rowCount(model.index(1, 0, order)), 0);
    }

    void everyTurnLeavesRoomForTheEventLoop()
    {
        // While a scan's keys pour into an open namespace (sorts falling due all the time), the other timers of the
        // event loop (a repaint, a click's) get their turn between every two of the model's: a 1 ms ticker, always
        // due after a turn of 5 ms or more, fires between any two turns. Never two turns back to back.
        KeyTreeModel model;
        model.setSortDelay(1);
        model.addKeys({"open:seed"});
        const QModelIndex open = model.index(0, 0);
        model.fetchMore(open);
        QRandomGenerator random(7);
        // Enough keys for many turns however fast a turn gets (200,000 took 20 turns of 5 ms once routing got
        // cheaper): a handful of turns would prove little.
        for (int batch = 0; batch < 100; ++batch) {
            QList<QByteArray> keys;
            for (int i = 0; i < 5000; ++i)
                keys.append("open:" + QByteArray::number(random.generate()) + (i % 3 ? "" : ":x"));
            model.enqueueKeys(keys);
        }
        auto *work = model.findChild<QTimer *>(QStringLiteral("work"));
        QVERIFY(work);
        QString order; // W a turn, t a tick
        connect(work, &QTimer::timeout, this, [&] { order += QLatin1Char('W'); });
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        ticker.setInterval(1);
        connect(&ticker, &QTimer::timeout, this, [&] { order += QLatin1Char('t'); });
        ticker.start();
        QSignalSpy ingested(&model, &KeyTreeModel::ingested);
        QVERIFY(ingested.wait(60000));
        QVERIFY2(order.count(QLatin1Char('W')) > 20, qPrintable(order));
        QVERIFY2(!order.contains(QStringLiteral("WW")), qPrintable(order));
    }

    void aMidSizeNamespaceIsChosenAcrossTurnsToo()
    {
        // Past 2,048 members a namespace's first page is chosen from the event loop: choosing 6,000 inside the view's
        // fetchMore took 13 ms of CPU, 46-60 ms with a CPU hog on the other core, in a click that expanded six.
        // The rows come a few turns later, all of them at once and in order.
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QList<QByteArray> keys = ordersByYear(6000);
        keys.append("order:plain");
        model.addKeys(keys);
        const QModelIndex order = model.index(0, 0);
        model.fetchMore(order);
        QCOMPARE(model.rowCount(order), 0);
        QVERIFY(!model.canFetchMore(order));
        QTRY_COMPARE(model.rowCount(order), 4);
        QCOMPARE(shownTexts(model, order), (QStringList{QStringLiteral("2020"), QStringLiteral("2021"),
                                                        QStringLiteral("2022"), QStringLiteral("plain")}));
        QCOMPARE(model.index(2, 0, order).data(KeyTreeModel::KeyCountRole).toLongLong(), 2000);
        QCOMPARE(model.keyCount(), 6001);
    }

    void removedKeysLeaveRowsCountsAndEmptyNamespaces()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"a:1", "a:2", "a:b:1", "solo", "c:x:1", "c:x:2", "c:y"});
        model.flushSort();
        const QModelIndex a = child(model, {}, QStringLiteral("a"));
        QCOMPARE(rowTexts(model, a), (QStringList{QStringLiteral("b"), QStringLiteral("1"), QStringLiteral("2")}));
        const QPersistentModelIndex two = child(model, a, QStringLiteral("2"));

        // A row that exists: it goes, the counts up the path follow, the other rows keep their indexes.
        QCOMPARE(model.removeKeys({"a:1"}), 1);
        QCOMPARE(rowTexts(model, a), (QStringList{QStringLiteral("b"), QStringLiteral("2")}));
        QCOMPARE(a.data(KeyTreeModel::KeyCountRole).toLongLong(), 2);
        QCOMPARE(two.data().toString(), QStringLiteral("2"));
        QCOMPARE(model.keyCount(), 6);

        // The last key of a namespace takes the namespace with it.
        QCOMPARE(model.removeKeys({"a:b:1"}), 1);
        QCOMPARE(rowTexts(model, a), QStringList{QStringLiteral("2")});

        // A key still packed in a collapsed namespace: nothing to remove from the view, but the count drops and the
        // key is not built when the namespace is expanded later.
        const QModelIndex c = child(model, {}, QStringLiteral("c"));
        QVERIFY(model.canFetchMore(c));
        QCOMPARE(model.removeKeys({"c:x:1", "nothing:here", "c:zzz"}), 1);
        QCOMPARE(c.data(KeyTreeModel::KeyCountRole).toLongLong(), 2);
        const QModelIndex x = child(model, c, QStringLiteral("x"));
        QCOMPARE(rowTexts(model, x), QStringList{QStringLiteral("2")});

        // Top-level keys, and the rest; the tree ends empty.
        QCOMPARE(model.removeKeys({"solo", "a:2", "c:x:2", "c:y"}), 4);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.keyCount(), 0);
        // And it grows again as before.
        model.addKeys({"a:1"});
        QCOMPARE(rowTexts(model, child(model, {}, QStringLiteral("a"))), QStringList{QStringLiteral("1")});
    }

    void bigCollapsedNamespaces()
    {
        // More members than fit one 64 KiB chunk of a collapsed namespace, and more rows than one build slice.
        KeyTreeModel model;
        model.setRowLimit(100000);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QList<QByteArray> keys;
        for (int i = 0; i < 30000; ++i)
            keys.append("big:" + QByteArray::number(i).rightJustified(6, '0') + ':' + QByteArray(40, 'x'));
        model.addKeys(keys);
        const QModelIndex big = model.index(0, 0);
        QCOMPARE(big.data(KeyTreeModel::KeyCountRole).toLongLong(), 30000);
        model.fetchMore(big);
        // Chosen from the event loop, a slice a turn, then shown whole and already in order.
        QTRY_COMPARE(model.rowCount(big), 30000);
        QCOMPARE(model.index(0, 0, big).data().toString(), QStringLiteral("000000"));
        QCOMPARE(model.index(29999, 0, big).data().toString(), QStringLiteral("029999"));
        // Every member survived the chunks: a separator change rebuilds from them.
        model.setSeparator("/");
        QCOMPARE(model.keyCount(), 30000);
        QCOMPARE(model.rowCount(), 30000);
    }

    void aBigNamespaceChoosesItsFirstPageAcrossTurns()
    {
        // Expanding a namespace of tens of thousands of keys chooses its first page a slice per turn, so the window
        // never waits for all of them at once. Meanwhile the scan adds keys to it and the user deletes some: the page
        // is still exactly the first rows in order, the "more" row counts the rest, and no key is lost.
        KeyTreeModel model;
        model.setRowLimit(50);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QSet<QByteArray> present;
        const QList<QByteArray> keys = bigNamespace(7, 30000, 3, 400, &present);
        QRandomGenerator random(7);
        model.addKeys(keys);
        const QModelIndex big = model.index(0, 0);
        model.fetchMore(big);
        QCOMPARE(model.rowCount(big), 0); // the choice is under way: what follows happens during it
        QVERIFY(!model.canFetchMore(big));

        const QList<QByteArray> later = {"big:a1", "big:k", "big:sub0:first", "big:zzz", "big:sub99999:x", "big:j0"};
        for (const QByteArray &key : later)
            QVERIFY2(!present.contains(key), key.constData());
        model.addKeys(later);
        present.unite(QSet<QByteArray>(later.cbegin(), later.cend()));
        // Deleted: one read into the choice already (among the first members), one not read yet, one just added.
        const QList<QByteArray> gone = {keys.at(5), keys.last(), "big:a1"};
        QCOMPARE(model.removeKeys(gone), gone.size());
        for (const QByteArray &key : gone)
            present.remove(key);
        QCOMPARE(model.keyCount(), present.size());
        // A separator change meanwhile rebuilds from every key, the ones being chosen among included.
        KeyTreeModel copy;
        copy.addKeys(keys);
        copy.fetchMore(copy.index(0, 0));
        copy.setSeparator("/");
        QCOMPARE(copy.keyCount(), keys.size());

        QTRY_COMPARE(model.rowCount(big), 51); // the page and its "more" row
        model.flushSort();
        // The page expected: the namespace's rows (sub-namespaces first, then keys, each natural), the first 50.
        QCOMPARE(shownTexts(model, big).mid(0, 50), firstRowsOfBig(present, 50));
        qint64 inPage = 0;
        for (int row = 0; row < 50; ++row)
            inPage += model.index(row, 0, big).data(KeyTreeModel::KeyCountRole).toLongLong();
        QTRY_COMPARE(model.index(50, 0, big).data(KeyTreeModel::KeyCountRole).toLongLong(), present.size() - inPage);
        // Every key is there once; the ones added during the choice, and a sample of the rest, are reachable, and
        // the deleted ones are not.
        QCOMPARE(model.keyCount(), present.size());
        QList<QByteArray> sample = later;
        sample.removeAll("big:a1");
        for (int i = 0; i < 40; ++i)
            sample.append(keys.at(random.bounded(keys.size())));
        for (const QByteArray &key : std::as_const(sample))
            QVERIFY2(model.indexOfKey(key).isValid() == present.contains(key), key.constData());
        for (const QByteArray &key : gone)
            QVERIFY2(!model.indexOfKey(key).isValid(), key.constData());
    }

    void aBigPageIsBuiltAcrossTurnsAndShowsWhole()
    {
        // A page of 5,000 rows is built over several turns once it is chosen, and the view is told of it only whole.
        // Whatever happens on any turn of the choice, the build included (a key added that sorts into the page, keys
        // deleted, a key of the page looked up, the separator changed), no key is lost or doubled, and the page is
        // exactly the first rows.
        constexpr int page = 5000;
        QSet<QByteArray> present;
        const QList<QByteArray> keys = bigNamespace(11, 30000, 3, 400, &present);
        const auto start = [&](KeyTreeModel &model) {
            model.setRowLimit(page);
            model.addKeys(keys);
            model.fetchMore(model.index(0, 0));
        };
        QByteArray inPage; // a member of the first sub-namespace: namespaces sort first, so it is in the page
        for (const QByteArray &key : keys)
            if (key.startsWith("big:sub0:"))
                inPage = key;
        QVERIFY(!inPage.isEmpty());

        KeyTreeModel whole;
        start(whole);
        QSignalSpy inserted(&whole, &QAbstractItemModel::rowsInserted);
        int turns = 0;
        while (whole.rowCount(whole.index(0, 0)) == 0 && turns < 10000) {
            oneTurn(whole);
            ++turns;
        }
        QCOMPARE(whole.rowCount(whole.index(0, 0)), page + 1);
        QCOMPARE(inserted.first().at(0).value<QModelIndex>(), whole.index(0, 0));
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), page - 1); // the page in one insert, then its "more" row

        for (int turn = 0; turn < turns; ++turn) {
            for (int action = 0; action < 4; ++action) {
                KeyTreeModel model;
                QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
                noFetching(tester);
                start(model);
                const QModelIndex big = model.index(0, 0);
                for (int i = 0; i < turn && model.rowCount(big) == 0; ++i)
                    oneTurn(model);
                QSet<QByteArray> expected = present;
                switch (action) {
                case 0:
                    model.addKeys({"big:a0"}); // a key that sorts before every other key row
                    expected.insert("big:a0");
                    break;
                case 1:
                    QCOMPARE(model.removeKeys({inPage, keys.last()}), 2);
                    expected.remove(inPage);
                    expected.remove(keys.last());
                    break;
                case 2:
                    QVERIFY(model.indexOfKey(inPage).isValid());
                    break;
                case 3:
                    model.setSeparator("/"); // rebuilds from every key, those of rows built so far included
                    QCOMPARE(model.keyCount(), keys.size());
                    QVERIFY(model.indexOfKey(inPage).isValid());
                    continue;
                }
                // The page once the keys that came meanwhile are drained and sorted in: exactly the first rows.
                const QStringList want = firstRowsOfBig(expected, page);
                QTRY_COMPARE(shownTexts(model, big).mid(0, page), want);
                QCOMPARE(model.rowCount(big), page + 1);
                QCOMPARE(model.keyCount(), expected.size());
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    void aBigNamespaceOpensItsNextPageAcrossTurns()
    {
        // Clicking "more" in a namespace with tens of thousands of keys packed past its window chooses the next page
        // a slice per turn, as a first page is: the click returns at once and the "more" row stays until the page
        // is there. Meanwhile the scan adds keys (some sorting into the page being chosen), the user deletes some and
        // clicks again: each window is exactly the first rows in order, every click is a page, no key is lost.
        KeyTreeModel model;
        model.setRowLimit(50);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QSet<QByteArray> present;
        const QList<QByteArray> keys = bigNamespace(11, 30000, 4, 60, &present);
        model.addKeys(keys);
        const QModelIndex big = model.index(0, 0);
        model.fetchMore(big);
        QTRY_COMPARE(model.rowCount(big), 51);
        // The "more" row is never taken away while a page is chosen (it would blink).
        int moreRowsRemoved = 0;
        connect(&model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                [&](const QModelIndex &parent, int first, int last) {
                    for (int row = first; row <= last; ++row)
                        moreRowsRemoved += model.index(row, 0, parent).data(KeyTreeModel::IsMoreRole).toBool();
                });
        model.flushSort();
        const auto expectedRows = [&](qsizetype count) { return firstRowsOfBig(present, count); };
        QCOMPARE(shownTexts(model, big).mid(0, 50), expectedRows(50));

        model.showMore(big);
        // The choice is under way: the window and its "more" row are as they were, the row saying what it does.
        QCOMPARE(model.rowCount(big), 51);
        QVERIFY(model.index(50, 0, big).data(KeyTreeModel::IsMoreRole).toBool());
        QVERIFY2(model.index(50, 0, big).data().toString().endsWith(QStringLiteral(": finding the next 50 rows")),
                 qPrintable(model.index(50, 0, big).data().toString()));

        // Keys the scan brings meanwhile: sorting inside the old window, inside the page being chosen, past it.
        const QList<QByteArray> later = {"big:k0", "big:k1", "big:sub0:new", "big:k999999999", "big:aaa:x"};
        for (const QByteArray &key : later)
            QVERIFY2(!present.contains(key), key.constData());
        model.addKeys(later);
        present.unite(QSet<QByteArray>(later.cbegin(), later.cend()));
        // Deleted: a key being chosen among, and the first key of the next page that was there before the click.
        const QStringList next = expectedRows(100).mid(50);
        QByteArray firstKeyOfNext;
        for (const QString &segment : next) {
            const QByteArray key = "big:" + segment.toUtf8();
            if (firstKeyOfNext.isEmpty() && present.contains(key) && !later.contains(key))
                firstKeyOfNext = key;
        }
        QVERIFY(!firstKeyOfNext.isEmpty());
        const QList<QByteArray> gone = {keys.last(), firstKeyOfNext};
        QCOMPARE(model.removeKeys(gone), gone.size());
        for (const QByteArray &key : gone)
            present.remove(key);
        QCOMPARE(model.keyCount(), present.size());

        QTRY_COMPARE(model.rowCount(big), 101);
        model.flushSort();
        QCOMPARE(shownTexts(model, big).mid(0, 100), expectedRows(100));
        QVERIFY(model.index(100, 0, big).data(KeyTreeModel::IsMoreRole).toBool());
        QVERIFY2(model.index(100, 0, big).data().toString().endsWith(QStringLiteral(": click for the next 50")),
                 qPrintable(model.index(100, 0, big).data().toString()));

        // Two quick clicks: two pages.
        model.showMore(big);
        model.showMore(big);
        QTRY_COMPARE(model.rowCount(big), 201);
        model.flushSort();
        QCOMPARE(shownTexts(model, big).mid(0, 200), expectedRows(200));
        qint64 inWindow = 0;
        for (int row = 0; row < 200; ++row)
            inWindow += model.index(row, 0, big).data(KeyTreeModel::KeyCountRole).toLongLong();
        QTRY_COMPARE(model.index(200, 0, big).data(KeyTreeModel::KeyCountRole).toLongLong(), present.size() - inWindow);
        QCOMPARE(model.keyCount(), present.size());
        QCOMPARE(moreRowsRemoved, 0);
        // (Looking a key up opens the window up to it: the last one takes the "more" row away.)
        for (const QByteArray &key : later)
            QVERIFY2(model.indexOfKey(key).isValid(), key.constData());
        for (const QByteArray &key : gone)
            QVERIFY2(!model.indexOfKey(key).isValid(), key.constData());
    }

    void hugeNamespacesShowAWindowOfRows()
    {
        KeyTreeModel model;
        model.setRowLimit(3);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QList<QByteArray> keys;
        for (int i = 0; i < 10; ++i)
            keys.append("a:k" + QByteArray::number(i));
        model.addKeys(keys);
        const QModelIndex a = model.index(0, 0);
        QCOMPARE(a.data(KeyTreeModel::KeyCountRole).toLongLong(), 10); // the count is always the whole namespace
        const QString more7 = QStringLiteral("… 7 more keys: click for the next 3");
        // Expanding a namespace this small builds its first page at once, in order.
        model.fetchMore(a);
        QVERIFY(model.rowCount(a) >= 1);
        QCOMPARE(model.index(0, 0, a).data().toString(), QStringLiteral("k0"));
        QTRY_COMPARE(model.rowCount(a), 4);
        QCOMPARE(rowTexts(model, a),
                 (QStringList{QStringLiteral("k0"), QStringLiteral("k1"), QStringLiteral("k2"), more7}));
        const QModelIndex moreRow = model.index(3, 0, a);
        QVERIFY(moreRow.data(KeyTreeModel::IsMoreRole).toBool());
        QVERIFY(!(model.flags(moreRow) & Qt::ItemIsSelectable));

        // A key sorting inside the window enters it; the last row moves behind "more".
        const QPersistentModelIndex k2 = model.index(2, 0, a);
        model.addKeys({"a:j"});
        model.flushSort();
        QCOMPARE(shownTexts(model, a), (QStringList{QStringLiteral("j"), QStringLiteral("k0"), QStringLiteral("k1"),
                                                    QStringLiteral("… 8 more keys: click for the next 3")}));
        QVERIFY(!k2.isValid());

        // A key sorting past the window changes nothing the view shows: no relayout, only the count of "more".
        QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
        model.addKeys({"a:z"});
        model.flushSort();
        QCOMPARE(layouts.size(), 0);
        QCOMPARE(model.index(3, 0, a).data().toString(), QStringLiteral("… 9 more keys: click for the next 3"));

        // "More" opens the next rows, in order. It is not fetchMore(): QTreeView calls that from inside its layout.
        QVERIFY(!model.canFetchMore(a));
        model.showMore(a);
        QCOMPARE(model.rowCount(a), 7);
        model.showMore(a);
        model.showMore(a);
        QStringList all = {QStringLiteral("j"), QStringLiteral("z")};
        for (int i = 0; i < 10; ++i)
            all.insert(1 + i, QStringLiteral("k%1").arg(i));
        QCOMPARE(shownTexts(model, a), all);

        // A key past the window is opened up to when asked for (selecting a renamed key, a test looking it up).
        KeyTreeModel other;
        other.setRowLimit(3);
        QAbstractItemModelTester otherTester(&other, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(otherTester);
        other.addKeys(keys);
        const QModelIndex k8 = other.indexOfKey("a:k8");
        QVERIFY(k8.isValid());
        QCOMPARE(k8.data(KeyTreeModel::KeyBytesRole).toByteArray(), QByteArray("a:k8"));
        QCOMPARE(k8.row(), 8);

        // Removing a visible row brings a hidden one into the window.
        KeyTreeModel third;
        third.setRowLimit(3);
        QAbstractItemModelTester thirdTester(&third, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(thirdTester);
        third.addKeys({"x:1", "x:2", "x:3", "x:4"});
        const QModelIndex x = third.index(0, 0);
        rowTexts(third, x);                 // expand
        QTRY_COMPARE(third.rowCount(x), 4); // three rows and "1 more row"
        QCOMPARE(third.removeKeys({"x:2"}), 1);
        // (the rest of a namespace is built from the event loop, a slice at a time)
        QTRY_COMPARE(shownTexts(third, x), (QStringList{QStringLiteral("1"), QStringLiteral("3"), QStringLiteral("4")}));
    }

    void windowsSurviveARandomStreamWithAViewAttached()
    {
        // Small windows, a real view that expands namespaces as rows arrive, keys removed and pages opened at random:
        // the tester checks every signal, the view must not lose track.
        KeyTreeModel model;
        model.setRowLimit(4);
        model.setSortDelay(0);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QTreeView view;
        view.setModel(&model);
        view.resize(400, 600);
        view.show();
        QRandomGenerator random(42);
        QSet<QByteArray> present;
        // What the view draws from flags() and hasChildren(): an expander on every namespace row and on no other.
        // Both come from the row's index, not from its node (see KeyTreeModel::RowKind): they must agree with what the
        // row is, through every sort, window change and removal.
        const std::function<void(const QModelIndex &)> checkKinds = [&](const QModelIndex &parent) {
            for (int row = 0; row < model.rowCount(parent); ++row) {
                const QModelIndex index = model.index(row, 0, parent);
                const bool more = index.data(KeyTreeModel::IsMoreRole).toBool();
                const bool isNamespace = index.data(KeyTreeModel::IsNamespaceRole).toBool();
                const Qt::ItemFlags flags = model.flags(index);
                QVERIFY2(model.hasChildren(index) == isNamespace, qPrintable(index.data().toString()));
                QVERIFY2(bool(flags & Qt::ItemNeverHasChildren) == !isNamespace, qPrintable(index.data().toString()));
                QCOMPARE(bool(flags & Qt::ItemIsSelectable), !more);
                QCOMPARE(index.parent(), parent);
                if (isNamespace)
                    checkKinds(index);
            }
        };
        for (int round = 0; round < 300; ++round) {
            QList<QByteArray> batch;
            for (int i = 0; i < 20; ++i) {
                // Mostly three levels deep; some keys beside the namespaces of the second level.
                QByteArray key
                    = "n" + QByteArray::number(random.bounded(3)) + ':' + QByteArray::number(random.bounded(8));
                if (random.bounded(6) != 0)
                    key += ':' + QByteArray::number(random.bounded(40));
                if (!present.contains(key) && !batch.contains(key))
                    batch.append(key);
            }
            model.addKeys(batch);
            for (const QByteArray &key : std::as_const(batch))
                present.insert(key);
            switch (random.bounded(4)) {
            case 0: {
                // Expand whatever is visible, like a user clicking around.
                for (int row = 0; row < model.rowCount(); ++row) {
                    const QModelIndex top = model.index(row, 0);
                    view.expand(top);
                    if (model.rowCount(top) > 0)
                        view.expand(model.index(random.bounded(model.rowCount(top)), 0, top));
                }
                break;
            }
            case 1:
                if (model.rowCount() > 0)
                    model.showMore(model.index(random.bounded(model.rowCount()), 0));
                break;
            case 2: {
                QList<QByteArray> gone;
                for (const QByteArray &key : std::as_const(present))
                    if (random.bounded(10) == 0)
                        gone.append(key);
                QCOMPARE(model.removeKeys(gone), gone.size());
                for (const QByteArray &key : std::as_const(gone))
                    present.remove(key);
                break;
            }
            default:
                break;
            }
            oneTurn(model);                    // sorts, drains
            QCoreApplication::processEvents(); // and the view's delayed layout
            QCOMPARE(model.keyCount(), present.size());
            checkKinds({});
            if (QTest::currentTestFailed())
                return;
        }
        model.flushSort();
        QCoreApplication::processEvents();
        checkKinds({});
        // Every window shows the first rows in order: namespaces, then keys, each by bytes; "more" last.
        const std::function<void(const QModelIndex &)> checkOrder = [&](const QModelIndex &parent) {
            QList<QPair<bool, QByteArray>> seen; // (is a key, segment)
            for (int row = 0; row < model.rowCount(parent); ++row) {
                const QModelIndex index = model.index(row, 0, parent);
                if (index.data(KeyTreeModel::IsMoreRole).toBool()) {
                    QCOMPARE(row, model.rowCount(parent) - 1);
                    continue;
                }
                seen.append({!index.data(KeyTreeModel::IsNamespaceRole).toBool(),
                             index.data().toString().toUtf8()}); // the segment (ASCII here)
                checkOrder(index);
            }
            QVERIFY(std::is_sorted(seen.begin(), seen.end(), [](const auto &a, const auto &b) {
                return a.first != b.first ? b.first : NaturalOrder::compare(a.second, b.second) < 0;
            }));
        };
        checkOrder({});
        // And what the windows show is the smallest: opening every "more" row keeps the order.
        for (int row = 0; row < model.rowCount(); ++row)
            for (int i = 0; i < 20; ++i)
                model.showMore(model.index(row, 0));
        checkOrder({});
        // Every key is still there, and reachable.
        for (const QByteArray &key : std::as_const(present))
            QVERIFY2(model.indexOfKey(key).isValid(), key.constData());
    }

    void newRowsKeepSelectionAndExpansion()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"k:m", "k:c", "k:x"});
        const QModelIndex k = child(model, {}, QStringLiteral("k"));
        model.flushSort();
        const QPersistentModelIndex expanded(k);
        const QPersistentModelIndex selected(child(model, k, QStringLiteral("m")));
        QCOMPARE(selected.row(), 1);
        model.addKeys({"k:a", "k:b", "k:z", "a:first"});
        model.flushSort();
        QCOMPARE(rowTexts(model, k), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                                  QStringLiteral("m"), QStringLiteral("x"), QStringLiteral("z")}));
        // The same rows, wherever the sort moved them.
        QCOMPARE(selected.data().toString(), QStringLiteral("m"));
        QCOMPARE(selected.row(), 3);
        QCOMPARE(expanded.data().toString(), QStringLiteral("k"));
        QCOMPARE(expanded.row(), 1);
    }

    void aFewNewRowsFindTheirPlacesAmongThousands()
    {
        // A full window of thousands of sorted rows that a dozen new ones fall among (how a huge expanded namespace
        // takes the keys of a running scan): each lands in its place, the window shows the first rows in order, every
        // row knows its row number, and a selected row stays on its key.
        KeyTreeModel model;
        model.setRowLimit(2000);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QSet<QByteArray> present{"n:k0"};
        model.addKeys({"n:k0"});
        const QModelIndex n = child(model, {}, QStringLiteral("n"));
        QVERIFY(n.isValid());
        QCOMPARE(rowTexts(model, n), QStringList{QStringLiteral("k0")}); // expanded: rows are built as keys arrive
        QList<QByteArray> keys;
        for (int i = 3; i < 3 * 5000; i += 3)
            keys.append("n:k" + QByteArray::number(i));
        QRandomGenerator random(5);
        std::shuffle(keys.begin(), keys.end(), std::mt19937(random.generate()));
        model.addKeys(keys);
        present.unite(QSet<QByteArray>(keys.cbegin(), keys.cend()));
        model.flushSort();
        QTRY_COMPARE(model.rowCount(n), 2001); // the window and its "more" row
        const auto expectedRows = [&] {
            QList<QByteArray> names;
            for (const QByteArray &key : std::as_const(present))
                names.append(key.mid(2));
            std::sort(names.begin(), names.end(),
                      [](const QByteArray &a, const QByteArray &b) { return NaturalOrder::compare(a, b) < 0; });
            QStringList texts;
            for (qsizetype i = 0; i < 2000; ++i)
                texts.append(QString::fromLatin1(names.at(i)));
            return texts;
        };
        QCOMPARE(shownTexts(model, n).mid(0, 2000), expectedRows());
        const QPersistentModelIndex selected = model.index(1500, 0, n);
        const QString selectedText = selected.data().toString();
        for (int round = 0; round < 8; ++round) {
            QList<QByteArray> fresh;
            int before = 0; // of the new rows, how many sort before the selected one
            while (fresh.size() < 12) {
                const int i = random.bounded(3 * 2000); // within the window, not a multiple of 3 (new)
                const QByteArray key = "n:k" + QByteArray::number(i);
                if (i % 3 == 0 || present.contains(key))
                    continue;
                fresh.append(key);
                present.insert(key);
                if (NaturalOrder::compare(key.mid(2), selectedText.toLatin1()) < 0)
                    ++before;
            }
            const int selectedRow = selected.row();
            model.addKeys(fresh);
            model.flushSort();
            QCOMPARE(shownTexts(model, n).mid(0, 2000), expectedRows());
            for (int row = 0; row < 2000; ++row)
                QCOMPARE(model.indexOfKey("n:" + model.index(row, 0, n).data().toString().toLatin1()).row(), row);
            QCOMPARE(selected.data().toString(), selectedText);
            QCOMPARE(selected.row(), selectedRow + before);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void awkwardKeys()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        const QByteArray nul("nul\0byte", 8);
        model.addKeys({":leading", "trailing:", "double::sep", nul, "line\nbreak"});
        model.flushSort();
        QCOMPARE(rowTexts(model),
                 (QStringList{QStringLiteral("\"\""), QStringLiteral("double"), QStringLiteral("trailing"),
                              QStringLiteral("line\\nbreak"), QStringLiteral("nul\\x00byte")}));
        QCOMPARE(model.index(4, 0).data(KeyTreeModel::KeyBytesRole).toByteArray(), nul);
        const QModelIndex trailing = child(model, {}, QStringLiteral("trailing"));
        QCOMPARE(rowTexts(model, trailing), QStringList{QStringLiteral("\"\"")});
        QCOMPARE(model.index(0, 0, trailing).data(KeyTreeModel::KeyBytesRole).toByteArray(), QByteArray("trailing:"));
        const QModelIndex dbl = child(model, {}, QStringLiteral("double"));
        const QModelIndex empty = child(model, dbl, QStringLiteral("\"\""));
        QCOMPARE(child(model, empty, QStringLiteral("sep")).data(KeyTreeModel::KeyBytesRole).toByteArray(),
                 QByteArray("double::sep"));
    }

    void separatorChangeRebuilds()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"a:b/c", "a:b/d", "x/y"});
        model.setSeparator("/");
        model.flushSort();
        QCOMPARE(rowTexts(model), (QStringList{QStringLiteral("a:b"), QStringLiteral("x")}));
        QCOMPARE(model.keyCount(), 3);
    }

    void missingKeysAreMarked()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"top", "ns:gone", "ns:kept"});
        model.flushSort();
        model.markMissing({"top", "ns:gone"});
        QVERIFY(model.indexOfKey("top").data(KeyTreeModel::IsMissingRole).toBool());
        // A row built after the notice is marked too.
        QVERIFY(model.indexOfKey("ns:gone").data(KeyTreeModel::IsMissingRole).toBool());
        QVERIFY(!model.indexOfKey("ns:kept").data(KeyTreeModel::IsMissingRole).toBool());
        QVERIFY(model.indexOfKey("ns:gone")
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("not found on the new master")));
    }

    // Types for the badges: cached per key, kept across a rescan (clear), dropped with the key, never on a key gone.
    void keyTypesFollowTheirKeys()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"a", "b", "ns:c"});
        model.flushSort();
        QVERIFY(model.indexOfKey("a").data(KeyTreeModel::KeyTypeRole).toByteArray().isEmpty());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setKeyType("a", "hash");
        QCOMPARE(changed.size(), 1); // the row repaints with its badge
        QCOMPARE(model.indexOfKey("a").data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("hash"));
        QCOMPARE(model.indexOfKey("a").data(Qt::AccessibleTextRole).toString(), QStringLiteral("a, hash"));
        QVERIFY(model.indexOfKey("a").data(Qt::ToolTipRole).toString().contains(QStringLiteral("Type: hash")));
        // Namespaces have no type.
        QVERIFY(model.index(0, 0).data(KeyTreeModel::IsNamespaceRole).toBool());
        QVERIFY(model.index(0, 0).data(KeyTreeModel::KeyTypeRole).toByteArray().isEmpty());
        model.setKeyType("b", "string");
        model.setKeyType("ns:c", "MBbloom--"); // a module's type, kept as named

        // A rescan of the same deployment: the rows go, the types stay, and a key seen again shows its type at once.
        model.clear();
        QCOMPARE(model.keyType("a"), QByteArray("hash"));
        model.addKeys({"a", "ns:c"});
        model.flushSort();
        QCOMPARE(model.indexOfKey("a").data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("hash"));
        QCOMPARE(model.indexOfKey("ns:c").data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("MBbloom--"));

        // Removed (deleted, or the old name of a rename): forgotten.
        model.removeKeys({"a"});
        QVERIFY(model.keyType("a").isEmpty());
        model.addKeys({"a"});
        model.flushSort();
        QVERIFY(model.indexOfKey("a").data(KeyTreeModel::KeyTypeRole).toByteArray().isEmpty());

        // Found gone: struck out, no badge, type forgotten; seen to exist again (a type read): un-struck.
        model.markGone("ns:c");
        QVERIFY(model.keyType("ns:c").isEmpty());
        QVERIFY(model.indexOfKey("ns:c").data(KeyTreeModel::IsMissingRole).toBool());
        QVERIFY(model.indexOfKey("ns:c").data(KeyTreeModel::KeyTypeRole).toByteArray().isEmpty());
        model.setKeyType("ns:c", "list");
        QVERIFY(!model.indexOfKey("ns:c").data(KeyTreeModel::IsMissingRole).toBool());
        QVERIFY(!model.indexOfKey("ns:c").data(Qt::FontRole).value<QFont>().strikeOut());
        QCOMPARE(model.indexOfKey("ns:c").data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("list"));
        // "none" forgets.
        model.setKeyType("ns:c", "none");
        QVERIFY(model.keyType("ns:c").isEmpty());
    }

    // A key struck out as gone and then made again is un-struck; a failover's missing key is not touched by it.
    void presentKeysAreUnstruck()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        model.addKeys({"x", "y"});
        model.flushSort();
        model.markGone("x");
        model.markMissing({"y"});
        QVERIFY(model.indexOfKey("x").data(KeyTreeModel::IsMissingRole).toBool());
        model.markPresent("x");
        model.markPresent("y");
        QVERIFY(!model.indexOfKey("x").data(KeyTreeModel::IsMissingRole).toBool());
        QVERIFY(model.indexOfKey("y").data(KeyTreeModel::IsMissingRole).toBool());
        QCOMPARE(model.missingKeys(), QList<QByteArray>{"y"});
    }

    // A scan filtered by type lists keys of that type only: every row has it, with no TYPE asked.
    void aTypeFilteredScanSaysTheType()
    {
        KeyTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        noFetching(tester);
        QSignalSpy ingested(&model, &KeyTreeModel::ingested);
        model.enqueueKeys({"h1", "h2"}, "hash");
        QVERIFY(ingested.wait(5000));
        model.flushSort();
        QCOMPARE(model.listedType(), QByteArray("hash"));
        QCOMPARE(model.indexOfKey("h2").data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("hash"));
        model.setKeyType("h1", "string"); // a key known otherwise (made with New key… while filtered) says its own
        QCOMPARE(model.indexOfKey("h1").data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("string"));
        model.clear();
        QVERIFY(model.listedType().isEmpty());
    }
};

QTEST_MAIN(TestKeyTreeModel)
#include "tst_keytreemodel.moc"
