#include "deployment/deployment.h"
#include "keybrowser.h"
#include "keydetails.h"
#include "keytreemodel.h"
#include "lostwrites.h"
#include "mainwindow.h"
#include "resp/redisconnection.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/sentinelwatcher.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFont>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include <algorithm>

// The key browser as a user meets it, against a real sandbox: the tree fills, filters rescan, awkward keys are
// escaped, a failover mid-scan shows a banner that says what happened, and expansion and selection survive new rows.
class TestKeyBrowser final : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 generated = 20000;
    std::unique_ptr<Sandbox> m_sandbox;

    SentinelTarget target() const { return m_sandbox->target(); }

    // The model is checked by QAbstractItemModelTester through every test (without its fetchMore mode; see
    // tst_keytreemodel for why).
    static std::unique_ptr<QAbstractItemModelTester> watch(KeyTreeModel *model)
    {
        auto tester
            = std::make_unique<QAbstractItemModelTester>(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tester->setUseFetchMore(false);
        return tester;
    }

    static QStringList rootTexts(const KeyTreeModel *model)
    {
        QStringList texts;
        for (int row = 0; row < model->rowCount(); ++row)
            texts.append(model->index(row, 0).data().toString());
        return texts;
    }

    static QModelIndex rootRow(const KeyTreeModel *model, const QString &text)
    {
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->index(row, 0).data().toString() == text)
                return model->index(row, 0);
        return {};
    }

    static qint64 expectedCount(const QByteArray &prefix, const QByteArray &type = {})
    {
        const SampleData data(generated);
        qint64 n = 0;
        for (qint64 i = 0; i < data.count(); ++i) {
            const SampleData::Key k = data.key(i);
            n += k.name.startsWith(prefix) && (type.isEmpty() || k.type == type);
        }
        return n;
    }

    static qint64 expectedContaining(const QByteArray &word)
    {
        const SampleData data(generated);
        qint64 n = 0;
        for (qint64 i = 0; i < data.count(); ++i)
            n += data.key(i).name.contains(word);
        return n;
    }

    // Every key row under `parent`, as a user would reach it (collapsed namespaces fetched, "more" rows opened), with
    // whether it is struck out. Empty, with a failure recorded, if the rows do not add up to the namespaces' counts.
    static QHash<QByteArray, bool> keyRows(KeyTreeModel *model, const QModelIndex &parent = {})
    {
        QHash<QByteArray, bool> rows;
        if (model->canFetchMore(parent))
            model->fetchMore(parent);
        // A big namespace builds its rows over the next event-loop turns; its count says how many keys it holds.
        const qint64 expected
            = parent.isValid() ? parent.data(KeyTreeModel::KeyCountRole).toLongLong() : model->keyCount();
        const bool complete = QTest::qWaitFor(
            [&] {
                const int count = model->rowCount(parent);
                if (count > 0 && model->index(count - 1, 0, parent).data(KeyTreeModel::IsMoreRole).toBool()) {
                    model->showMore(parent);
                    return false;
                }
                qint64 listed = 0;
                for (int row = 0; row < count; ++row)
                    listed += model->index(row, 0, parent).data(KeyTreeModel::KeyCountRole).toLongLong();
                return listed == expected;
            },
            30000);
        if (!complete) {
            QTest::qFail(qPrintable(QStringLiteral("the rows of %1 never added up to its %2 keys")
                                        .arg(parent.data().toString())
                                        .arg(expected)),
                         __FILE__, __LINE__);
            return {};
        }
        for (int row = 0; row < model->rowCount(parent); ++row) {
            const QModelIndex index = model->index(row, 0, parent);
            if (index.data(KeyTreeModel::IsNamespaceRole).toBool())
                rows.insert(keyRows(model, index));
            else
                rows.insert(index.data(KeyTreeModel::KeyBytesRole).toByteArray(),
                            index.data(Qt::FontRole).value<QFont>().strikeOut());
        }
        return rows;
    }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = generated;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void treeFillsWithCountsAndEscapedKeys()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        // Before the first key arrives: batches come through the event loop, which has not run since.
        const auto tester = watch(window.browser()->model());
        KeyBrowser *browser = window.browser();
        const QString total = QLocale().toString(m_sandbox->loadedKeyCount());
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete: %1 keys").arg(total)),
                                 20000);
        const KeyTreeModel *model = browser->model();
        const QStringList roots = rootTexts(model);
        for (const QString &ns : {QStringLiteral("user"), QStringLiteral("session"), QStringLiteral("cache"),
                                  QStringLiteral("order"), QStringLiteral("product")})
            QVERIFY2(roots.contains(ns), qPrintable(roots.join(QLatin1Char(','))));
        const QModelIndex user = rootRow(model, QStringLiteral("user"));
        QCOMPARE(model->index(user.row(), KeyTreeModel::CountColumn).data().toString(),
                 QLocale().toString(expectedCount("user:")));
        // Awkward names are shown escaped, and the row still carries the raw bytes.
        QVERIFY(roots.contains(QStringLiteral("nul\\x00byte")));
        QCOMPARE(rootRow(model, QStringLiteral("nul\\x00byte")).data(KeyTreeModel::KeyBytesRole).toByteArray(),
                 QByteArray("nul\0byte", 8));
        QVERIFY(roots.contains(QStringLiteral("line\\nbreak")));
        // The status bar tells where we are.
        QTRY_COMPARE_WITH_TIMEOUT(browser->sentinelStatus(), QStringLiteral("3 of 3 sentinels reachable"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.statusText().startsWith(
                                     QStringLiteral("master 127.0.0.1:%1 (master)").arg(m_sandbox->currentMasterPort())),
                                 10000);

        // Expanding a namespace builds its rows; selecting a key shows it on the right.
        QTreeView *view = browser->view();
        view->expand(user);
        QTRY_VERIFY(model->rowCount(user) > 0);
        const QModelIndex first = model->index(0, 0, user);
        view->expand(first);
        QTRY_VERIFY(model->rowCount(first) > 0);
        view->setCurrentIndex(model->index(0, 0, first));
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("selectedName"))->text().startsWith(QStringLiteral("user:")));
    }

    void selectedKeyDetails()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        KeyBrowser *browser = window.browser();
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        KeyDetails *details = window.details();
        const SampleData data(generated);
        QByteArray session;
        for (qint64 i = SampleData::specialCount(); session.isEmpty(); ++i)
            if (data.key(i).name.startsWith("session:"))
                session = data.key(i).name;

        // A string with a TTL: the TTL counts down while the user looks.
        browser->view()->setCurrentIndex(browser->model()->indexOfKey(session));
        QTRY_COMPARE_WITH_TIMEOUT(details->field(QStringLiteral("Type")), QStringLiteral("string"), 10000);
        QTRY_VERIFY(details->field(QStringLiteral("TTL")).startsWith(QStringLiteral("expires in ")));
        QTRY_VERIFY(details->field(QStringLiteral("Size")).endsWith(QStringLiteral(" bytes")));
        QTRY_VERIFY(details->field(QStringLiteral("Encoding")) == QLatin1String("embstr")
                    || details->field(QStringLiteral("Encoding")) == QLatin1String("raw"));
        QTRY_VERIFY(details->field(QStringLiteral("Memory")) != QLatin1String("…"));
        const QString ttl = details->field(QStringLiteral("TTL"));
        QTRY_VERIFY_WITH_TIMEOUT(details->field(QStringLiteral("TTL")) != ttl, 10000);

        // The 100k-field hash, persistent.
        browser->view()->setCurrentIndex(browser->model()->indexOfKey(SampleData::bigHashName()));
        QTRY_COMPARE_WITH_TIMEOUT(details->field(QStringLiteral("Size")),
                                  QStringLiteral("%1 fields").arg(QLocale().toString(100000)), 10000);
        QCOMPARE(details->field(QStringLiteral("Type")), QStringLiteral("hash"));
        QTRY_COMPARE(details->field(QStringLiteral("TTL")), QStringLiteral("none (persistent)"));
        QTRY_COMPARE(details->field(QStringLiteral("Encoding")), QStringLiteral("hashtable"));

        // A namespace.
        browser->view()->setCurrentIndex(rootRow(browser->model(), QStringLiteral("user")));
        QCOMPARE(details->field(QStringLiteral("Type")),
                 QStringLiteral("namespace with %1 keys").arg(QLocale().toString(expectedCount("user:"))));
    }

    // A rescan empties the tree; what the user had open comes back: the namespaces expanded again as they arrive,
    // the selected key selected again at the end, without reloading the Key tab (an edit may be under way there).
    // A row the user selects while the scan runs wins.
    void aRescanKeepsWhatTheUserHadOpen()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        KeyBrowser *browser = window.browser();
        KeyTreeModel *model = browser->model();
        QTreeView *view = browser->view();
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        view->expand(rootRow(model, QStringLiteral("user")));
        const QModelIndex user = rootRow(model, QStringLiteral("user"));
        QTRY_VERIFY(model->rowCount(user) > 0);
        const QModelIndex inner = model->index(0, 0, user);
        QVERIFY(inner.data(KeyTreeModel::IsNamespaceRole).toBool());
        const QByteArray innerPrefix = inner.data(KeyTreeModel::KeyBytesRole).toByteArray();
        view->expand(inner);
        QTRY_VERIFY(model->rowCount(inner) > 0);
        const QModelIndex key = model->index(model->rowCount(inner) - 1, 0, inner);
        const QByteArray selected = key.data(KeyTreeModel::KeyBytesRole).toByteArray();
        view->setCurrentIndex(key);
        QSignalSpy reloads(browser, &KeyBrowser::keySelected);

        browser->startScan();
        QVERIFY(!view->currentIndex().isValid()); // the tree starts empty
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        QVERIFY(view->isExpanded(model->indexOfNamespace("user:")));
        QVERIFY(view->isExpanded(model->indexOfNamespace(innerPrefix)));
        QCOMPARE(view->currentIndex().data(KeyTreeModel::KeyBytesRole).toByteArray(), selected);
        QVERIFY(view->selectionModel()->isRowSelected(view->currentIndex().row(), view->currentIndex().parent()));
        QCOMPARE(reloads.count(), 0);
        // Not the namespaces the user had not opened.
        QVERIFY(!view->isExpanded(model->indexOfNamespace("session:")));

        // A slow scan: the user picks the "session" namespace while it runs, and keeps it.
        // It runs to the end: the key from before would be there to select again.
        browser->setPace(5000);
        browser->startScan();
        QTRY_VERIFY_WITH_TIMEOUT(model->indexOfNamespace("session:").isValid(), 20000);
        QVERIFY(browser->scanStatus().startsWith(QStringLiteral("Scanning")));
        view->setCurrentIndex(model->indexOfNamespace("session:"));
        QCOMPARE(reloads.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
        browser->setPace(0);
        QCOMPARE(view->currentIndex().data(KeyTreeModel::KeyBytesRole).toByteArray(), QByteArray("session:"));
        QCOMPARE(reloads.count(), 1);
        QVERIFY(view->isExpanded(model->indexOfNamespace(innerPrefix)));
    }

    void aRescanKeepsTheChosenRowWhereItWasOnScreen()
    {
        // A key from the middle of a long namespace, chosen with the list scrolled to it: after a rescan it is chosen
        // again at the same height in the window, not just somewhere in view (it came back at the bottom edge).
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        window.setTarget(target());
        KeyBrowser *browser = window.browser();
        KeyTreeModel *model = browser->model();
        QTreeView *view = browser->view();
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        view->expand(rootRow(model, QStringLiteral("session")));
        const QModelIndex session = rootRow(model, QStringLiteral("session"));
        QTRY_VERIFY(model->rowCount(session) > 500);
        const QModelIndex key = model->index(400, 0, session);
        const QByteArray chosen = key.data(KeyTreeModel::KeyBytesRole).toByteArray();
        view->scrollTo(key, QAbstractItemView::PositionAtCenter);
        view->setCurrentIndex(key);
        const int top = view->visualRect(key).top();
        const int height = view->viewport()->height();
        QVERIFY2(top > height / 4 && top < height * 3 / 4, qPrintable(QString::number(top)));

        browser->startScan();
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        QCOMPARE(view->currentIndex().data(KeyTreeModel::KeyBytesRole).toByteArray(), chosen);
        QCOMPARE(view->visualRect(view->currentIndex()).top(), top);
    }

    void patternAndTypeRescan()
    {
        Deployment deployment(target()); // before the browser, which shows it until it is destroyed
        KeyBrowser browser;
        const auto tester = watch(browser.model());
        browser.show();
        deployment.start();
        browser.setDeployment(&deployment);
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);

        auto *pattern = browser.findChild<QLineEdit *>(QStringLiteral("pattern"));
        QTest::keyClicks(pattern, QStringLiteral("session:*"));
        QTest::mouseClick(browser.findChild<QPushButton *>(QStringLiteral("scan")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            browser.scanStatus().startsWith(
                QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(expectedCount("session:")))),
            20000);
        QCOMPARE(rootTexts(browser.model()), QStringList{QStringLiteral("session")});

        pattern->clear();
        auto *type = browser.findChild<QComboBox *>(QStringLiteral("type"));
        type->setCurrentIndex(type->findText(QStringLiteral("hash")));
        QTest::mouseClick(browser.findChild<QPushButton *>(QStringLiteral("scan")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            browser.scanStatus().startsWith(
                QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(expectedCount("", "hash")))),
            20000);
        const QStringList roots = rootTexts(browser.model());
        QVERIFY(roots.contains(QStringLiteral("user")));
        QVERIFY(roots.contains(QStringLiteral("order")));
        QVERIFY(!roots.contains(QStringLiteral("session")));
    }

    // A plain word lists the keys that contain it (the placeholder says so); glob syntax is taken as typed (above);
    // emptying the box lists every key again; a word that is a key's whole name opens the tree down to it.
    void aWordFindsTheKeysThatContainIt()
    {
        Deployment deployment(target()); // before the browser, which shows it until it is destroyed
        KeyBrowser browser;
        const auto tester = watch(browser.model());
        browser.resize(600, 500);
        browser.show();
        deployment.start();
        browser.setDeployment(&deployment);
        const QString all
            = QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(m_sandbox->loadedKeyCount()));
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(all), 20000);

        auto *pattern = browser.findChild<QLineEdit *>(QStringLiteral("pattern"));
        QVERIFY2(pattern->placeholderText().contains(QStringLiteral("containing")),
                 qPrintable(pattern->placeholderText()));
        QTest::keyClicks(pattern, QStringLiteral("ession"));
        QTest::keyClick(pattern, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(
            browser.scanStatus().startsWith(
                QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(expectedContaining("ession")))),
            20000);
        QCOMPARE(rootTexts(browser.model()), QStringList{QStringLiteral("session")});

        // Cleared with the box's clear button, or by deleting the text: every key again.
        pattern->clear();
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(all), 20000);
        QVERIFY(rootTexts(browser.model()).contains(QStringLiteral("user")));

        // A key's whole name: the tree opens down to it and selects it; one key is "1 key".
        QCOMPARE(expectedContaining("config:app"), 1);
        QTest::keyClicks(pattern, QStringLiteral("config:app"));
        QTest::keyClick(pattern, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Scan complete: 1 key in ")), 20000);
        const QModelIndex current = browser.view()->currentIndex();
        QCOMPARE(current.data(KeyTreeModel::KeyBytesRole).toByteArray(), QByteArray("config:app"));
        QVERIFY(browser.view()->isExpanded(current.parent()));
    }

    // The keys a user presses on the window: Ctrl+F puts typing in the pattern box, F5 scans again, Escape stops a
    // scan. Help > Keyboard shortcuts lists them, from the actions themselves.
    void keyboardFindRescanStop()
    {
        MainWindow window;
        window.show();
        window.setTarget(target());
        KeyBrowser *browser = window.browser();
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        QApplication::setActiveWindow(&window);
        QVERIFY(QTest::qWaitForWindowActive(&window));
        browser->view()->setFocus();

        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget(), browser->findChild<QLineEdit *>(QStringLiteral("pattern")));

        const qsizetype started = browser->scanLog().filter(QStringLiteral("Scan started")).size();
        browser->setPace(1000); // slow enough to be caught by Escape
        QTest::keyClick(&window, Qt::Key_F5);
        QCOMPARE(browser->scanLog().filter(QStringLiteral("Scan started")).size(), started + 1);
        QVERIFY(browser->isScanning());
        QTRY_VERIFY_WITH_TIMEOUT(browser->model()->keyCount() > 0, 10000);
        QTest::keyClick(&window, Qt::Key_Escape);
        QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Stopped after")), 10000);
        QVERIFY(browser->model()->keyCount() < m_sandbox->loadedKeyCount());

        const QList<QPair<QString, QString>> shortcuts = window.shortcuts();
        QStringList table;
        for (const auto &row : shortcuts)
            table.append(row.first + QStringLiteral(": ") + row.second);
        const auto listed = [&shortcuts, &table](const QString &action, const QString &keys) {
            if (!shortcuts.contains({action, keys}))
                qWarning("%s", qPrintable(table.join(QLatin1Char('\n'))));
            return shortcuts.contains({action, keys});
        };
        QVERIFY(listed(QStringLiteral("Keys › Find keys (pattern)"), QKeySequence(QKeySequence::Find).toString()));
        QVERIFY(listed(QStringLiteral("Keys › Rescan"), QStringLiteral("F5")));
        QVERIFY(listed(QStringLiteral("Keys › Stop scan"), QStringLiteral("Esc")));
        QVERIFY(std::any_of(shortcuts.cbegin(), shortcuts.cend(), [](const QPair<QString, QString> &row) {
            return row.first == QStringLiteral("File › Quit") && row.second.contains(QStringLiteral("Ctrl+Q"));
        }));
        QVERIFY(listed(QStringLiteral("Key tree › Delete"), QStringLiteral("Del")));
    }

    void emptyTreeSaysWhy()
    {
        Deployment deployment(target()); // before the browser, which shows it until it is destroyed
        KeyBrowser browser;
        browser.show();
        auto *scan = browser.findChild<QPushButton *>(QStringLiteral("scan"));
        QVERIFY(browser.emptyText().contains(QStringLiteral("Not connected")));
        QVERIFY(!scan->isEnabled());

        deployment.start();
        browser.setDeployment(&deployment);
        QVERIFY(scan->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Scan complete")), 20000);
        QVERIFY(browser.model()->rowCount() > 0);
        QCOMPARE(browser.emptyText(), QString()); // rows, so no message over them

        QTest::keyClicks(browser.findChild<QLineEdit *>(QStringLiteral("pattern")), QStringLiteral("nosuch:*"));
        QTest::mouseClick(scan, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Scan complete: 0 keys")), 20000);
        QCOMPARE(browser.model()->rowCount(), 0);
        QVERIFY2(browser.emptyText().contains(QStringLiteral("No keys matching nosuch:* in database 0")),
                 qPrintable(browser.emptyText()));

        auto *type = browser.findChild<QComboBox *>(QStringLiteral("type"));
        type->setCurrentIndex(type->findText(QStringLiteral("stream")));
        QTest::mouseClick(scan, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Scan complete: 0 keys")), 20000);
        QVERIFY2(browser.emptyText().contains(QStringLiteral("No keys matching nosuch:* of type stream")),
                 qPrintable(browser.emptyText()));
    }

    void stopStopsTheScan()
    {
        Deployment deployment(target()); // before the browser, which shows it until it is destroyed
        KeyBrowser browser;
        const auto tester = watch(browser.model());
        browser.setPace(2000);
        browser.show();
        deployment.start();
        browser.setDeployment(&deployment);
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->keyCount() > 0, 10000);
        auto *stop = browser.findChild<QPushButton *>(QStringLiteral("stop"));
        QVERIFY(stop->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Stopped after")), 10000);
        QVERIFY(!stop->isEnabled());
        const qint64 keys = browser.model()->keyCount();
        QCOMPARE(browser.scanStatus(), QStringLiteral("Stopped after %1 keys").arg(QLocale().toString(keys)));
        // Nothing more arrives: the tree is the same two polls of the watcher later, over a poll interval (2 s) in
        // which the paced scan would have brought some 4,000 keys.
        QSignalSpy polls(deployment.watcher(), &SentinelWatcher::snapshotUpdated);
        QTRY_VERIFY_WITH_TIMEOUT(polls.size() >= 2, 30000);
        QCOMPARE(browser.model()->keyCount(), keys);
        QVERIFY(keys < m_sandbox->loadedKeyCount());
    }

    void failoverMidScanShowsARestartBanner()
    {
        Deployment deployment(target()); // before the browser, which shows it until it is destroyed
        KeyBrowser browser;
        const auto tester = watch(browser.model());
        browser.setPace(8000); // about 2.5 s for the keyspace: slow enough to fail over in the middle
        browser.show();
        deployment.start();
        browser.setDeployment(&deployment);
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->keyCount() >= 3000, 15000);
        // The user expands a namespace and selects a row while keys keep arriving.
        KeyTreeModel *model = browser.model();
        model->flushSort();
        QModelIndex ns = rootRow(model, QStringLiteral("user"));
        QVERIFY(ns.isValid());
        browser.view()->expand(ns);
        QTRY_VERIFY(model->rowCount(ns) > 1);
        const QModelIndex picked = model->index(1, 0, ns);
        const QByteArray pickedKey = picked.data(KeyTreeModel::KeyBytesRole).toByteArray();
        browser.view()->setCurrentIndex(picked);

        const quint16 before = m_sandbox->currentMasterPort();
        QVERIFY(!m_sandbox->failover().isError());
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Scan complete")), 60000);
        const quint16 after = m_sandbox->currentMasterPort();
        QVERIFY(after != before);
        QVERIFY(browser.isBannerShown());
        const QString banner = browser.bannerText();
        // "12:34:56 — Restarted from cursor 0 on …": when, where to, from where, how many keys were listed.
        QVERIFY2(banner.mid(8).startsWith(QStringLiteral(" — Restarted from cursor 0 on 127.0.0.1:%1").arg(after)),
                 qPrintable(banner));
        QVERIFY(banner.contains(QStringLiteral("keys already listed are not listed again")));
        QVERIFY(browser.scanLog().join(QLatin1Char('\n')).contains(QStringLiteral("Restarted from cursor 0")));
        QVERIFY2(banner.contains(QStringLiteral("127.0.0.1:%1").arg(before)), qPrintable(banner));
        QVERIFY(browser.scanStatus().contains(QStringLiteral("2 passes")));
        // Every key once, and the user's expansion and selection are where they were.
        QCOMPARE(model->keyCount(), m_sandbox->loadedKeyCount());
        QVERIFY(browser.view()->isExpanded(rootRow(model, QStringLiteral("user"))));
        QCOMPARE(browser.view()->currentIndex().data(KeyTreeModel::KeyBytesRole).toByteArray(), pickedKey);
        m_sandbox->waitForAgreement(after, 30000);
    }

    void keysGoneAfterTheFailoverAreMarked()
    {
        // Keys listed before a failover that the new master does not have (deleted meanwhile here; lost writes in
        // real life) stay in the tree, marked, and the banner offers to show only them and to copy the list.
        // Both replicas in sync first (one may still be resyncing after the previous test's failover), so that the
        // deletions below reach whichever the sentinels promote.
        RedisConnection master(m_sandbox->dataOptions(m_sandbox->currentMasterPort()));
        QVERIFY(!master.openBlocking().isError());
        QTRY_COMPARE_WITH_TIMEOUT(master.execute({"WAIT", "2", "1000"}).value.toInteger(), 2, 60000);

        Deployment deployment(target()); // before the browser, which shows it until it is destroyed
        KeyBrowser browser;
        const auto tester = watch(browser.model());
        browser.setPace(2500); // about 8 s: time to delete, wait for the replicas and fail over in the middle
        browser.show();
        deployment.start();
        browser.setDeployment(&deployment);
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->keyCount() >= 3000, 15000);
        QList<QByteArray> gone;
        const SampleData data(generated);
        for (qint64 i = SampleData::specialCount(); i < data.count() && gone.size() < 5; ++i) {
            const QByteArray key = data.key(i).name;
            if (key.startsWith("session:") && browser.model()->indexOfKey(key).isValid())
                gone.append(key);
        }
        QCOMPARE(gone.size(), 5);
        RespCommand del = {"DEL"};
        del.append(gone);
        QCOMPARE(master.execute(del).value.toInteger(), 5);
        QCOMPARE(master.execute({"WAIT", "2", "5000"}).value.toInteger(), 2);
        QVERIFY(browser.isScanning());
        QVERIFY(!m_sandbox->failover().isError());
        QTRY_VERIFY_WITH_TIMEOUT(browser.scanStatus().startsWith(QStringLiteral("Scan complete")), 60000);
        QVERIFY(browser.scanStatus().contains(QStringLiteral("2 passes")));
        QVERIFY2(browser.bannerText().contains(
                     QStringLiteral("5 keys listed before the failover were not found on the new master")),
                 qPrintable(browser.bannerText()));
        for (const QByteArray &key : gone) {
            const QModelIndex index = browser.model()->indexOfKey(key);
            QVERIFY(index.data(KeyTreeModel::IsMissingRole).toBool());
        }
        auto *onlyMissing = browser.findChild<QPushButton *>(QStringLiteral("onlyMissing"));
        QVERIFY(onlyMissing->isVisible());
        QTest::mouseClick(onlyMissing, Qt::LeftButton);
        QVERIFY(browser.isShowingOnlyMissing());
        const QAbstractItemModel *shown = browser.view()->model();
        QCOMPARE(shown->rowCount(), 1); // just the "session" namespace
        QCOMPARE(shown->index(0, 0).data(KeyTreeModel::KeyCountRole).toLongLong(), 5);
        QTest::mouseClick(browser.findChild<QPushButton *>(QStringLiteral("copyMissing")), Qt::LeftButton);
        QStringList copied = QApplication::clipboard()->text().split(QLatin1Char('\n'));
        copied.sort();
        QStringList expected;
        for (const QByteArray &key : gone)
            expected.append(QString::fromLatin1(key));
        expected.sort();
        QCOMPARE(copied, expected);
        QTest::mouseClick(onlyMissing, Qt::LeftButton);
        QVERIFY(!browser.isShowingOnlyMissing());
        QCOMPARE(browser.view()->model(), browser.model());
    }

    void writesLostInAFailoverAreStruckOut()
    {
        // A failover that really loses writes (tests/support/lostwrites.h), on a sandbox of its own: the replicas
        // paused, 150,000 keys of 1 KB written to the master, the master killed while the tree fills. The keys the
        // tree listed that the new master lacks are counted in the banner, struck out, and shown alone on request.
        SandboxOptions options;
        options.keys = 100;
        std::unique_ptr<Sandbox> sandbox = SandboxFixture::start(options);
        QVERIFY(sandbox);
        std::unique_ptr<Deployment> deployment;
        std::unique_ptr<KeyBrowser> browser;
        std::unique_ptr<QAbstractItemModelTester> tester;
        QHash<QByteArray, bool> rows;
        QSet<QByteArray> lost;
        // The recipe loses writes every time it was tried here; should a run lose none that the tree had listed, it
        // is run again on fresh keys rather than passing on an empty set.
        for (int attempt = 1; attempt <= 3 && lost.isEmpty(); ++attempt) {
            if (attempt > 1) {
                qWarning("attempt %d lost no key the tree had listed; trying again", attempt - 1);
                tester.reset();
                browser.reset();
                deployment.reset();
                QVERIFY(SandboxFixture::settle(*sandbox));
            }
            LostWrites::Setup setup;
            QVERIFY(LostWrites::pauseReplicasAndWrite(*sandbox, "lost" + QByteArray::number(attempt) + ':', &setup));
            deployment = std::make_unique<Deployment>(sandbox->target());
            browser = std::make_unique<KeyBrowser>();
            tester = watch(browser->model());
            browser->setPace(20000); // about 8 s for the keyspace: the kill lands in the first pass
            browser->show();
            deployment->start();
            browser->setDeployment(deployment.get());
            QTRY_VERIFY_WITH_TIMEOUT(browser->model()->keyCount() >= 3000, 30000);
            QVERIFY(LostWrites::killMasterAndResumeReplicas(*sandbox, setup));
            QTRY_VERIFY_WITH_TIMEOUT(browser->scanStatus().startsWith(QStringLiteral("Scan complete")), 240000);
            QVERIFY2(browser->scanStatus().contains(QStringLiteral(" passes")), qPrintable(browser->scanStatus()));

            // What the tree lists, minus what the master the sentinels name now has, asked by a client of our own.
            rows = keyRows(browser->model());
            if (QTest::currentTestFailed())
                return;
            QCOMPARE(rows.size(), browser->model()->keyCount());
            const quint16 newMaster = sandbox->currentMasterPort();
            QVERIFY(newMaster != setup.master);
            QVERIFY(LostWrites::absentOn(*sandbox, newMaster, rows.keys(), &lost));
        }
        QVERIFY2(!lost.isEmpty(), "three runs of the recipe lost no key the tree had listed");
        qInfo("the tree lists %lld keys; the new master lacks %lld of them", qint64(rows.size()), qint64(lost.size()));

        // The banner counts them; the tree strikes out those and nothing else.
        const QString count = QLocale().toString(qint64(lost.size()));
        QVERIFY2(browser->bannerText().contains(
                     QStringLiteral("%1 keys listed before the failover were not found on the new master").arg(count)),
                 qPrintable(browser->bannerText()));
        QSet<QByteArray> struck;
        for (auto it = rows.cbegin(); it != rows.cend(); ++it)
            if (it.value())
                struck.insert(it.key());
        QCOMPARE(struck.size(), lost.size());
        QCOMPARE(struck, lost);

        // Show only missing keys: just them, struck out.
        auto *onlyMissing = browser->findChild<QPushButton *>(QStringLiteral("onlyMissing"));
        QVERIFY(onlyMissing->isVisible());
        QTest::mouseClick(onlyMissing, Qt::LeftButton);
        QVERIFY(browser->isShowingOnlyMissing());
        auto *shown = qobject_cast<KeyTreeModel *>(browser->view()->model());
        QVERIFY(shown);
        const QHash<QByteArray, bool> missingRows = keyRows(shown);
        QCOMPARE(missingRows.size(), lost.size());
        for (auto it = missingRows.cbegin(); it != missingRows.cend(); ++it) {
            QVERIFY2(lost.contains(it.key()), it.key().constData());
            QVERIFY2(it.value(), it.key().constData());
        }
    }
};

QTEST_MAIN(TestKeyBrowser)
#include "tst_keybrowser.moc"
