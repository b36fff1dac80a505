#include "keytypeloader.h"
#include "typebadge.h"
#include "values/keyedit.h"
#include "valuesfixture.h"

#include <QComboBox>
#include <QHeaderView>
#include <QImage>
#include <QScrollBar>

// Type badges in the key tree: the types of the rows in view only, in one pipelined TYPE round, none under a type
// filter, kept across a rescan, dropped with a deleted key and moved with a renamed one; and the badge itself: a word
// for every type, colours that read on light and dark bases, the name elided rather than the badge.
class TestTypeBadges final : public ValuesFixture
{
    Q_OBJECT

    // TYPE commands the master has run (INFO commandstats), whoever sent them.
    qint64 typeCalls() const
    {
        const QByteArray info = server({"INFO", "commandstats"}).toByteArray();
        for (const QByteArray &line : info.split('\n'))
            if (line.startsWith("cmdstat_type:calls="))
                return line.mid(19, line.indexOf(',') - 19).toLongLong();
        return 0;
    }

    QTreeView *tree() const { return browser()->view(); }
    KeyTreeModel *model() const { return browser()->model(); }

    // How many rows the tree's viewport can show at once.
    int rowsInView() const
    {
        const int rowHeight = tree()->sizeHintForRow(0) > 0 ? tree()->sizeHintForRow(0) : 1;
        return tree()->viewport()->height() / rowHeight + 1;
    }

    // Opens the tree down to a key and puts it at the top of the view, as a user scrolling to it would.
    QModelIndex showAtTop(const QByteArray &key) const
    {
        const QModelIndex index = model()->indexOfKey(key);
        for (QModelIndex parent = index.parent(); parent.isValid(); parent = parent.parent())
            tree()->expand(parent);
        tree()->scrollTo(index, QAbstractItemView::PositionAtTop);
        return index;
    }

    bool rescan(const QString &type = {}, const QString &pattern = {})
    {
        auto *combo = browser()->findChild<QComboBox *>(QStringLiteral("type"));
        combo->setCurrentIndex(type.isEmpty() ? 0 : combo->findText(type));
        browser()->findChild<QLineEdit *>(QStringLiteral("pattern"))->setText(pattern);
        browser()->startScan();
        return QTest::qWaitFor([this] { return browser()->scanStatus().startsWith(QStringLiteral("Scan complete")); },
                               30000);
    }

    const QList<QPair<QByteArray, QByteArray>> m_badgeKeys = {
        {"badge:a-string", "string"}, {"badge:b-hash", "hash"}, {"badge:c-list", "list"},
        {"badge:d-set", "set"},       {"badge:e-zset", "zset"}, {"badge:f-stream", "stream"},
    };

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(openWindow());
        m_window->resize(1024, 700);
        server({"SET", "badge:a-string", "s"});
        server({"HSET", "badge:b-hash", "f", "v"});
        server({"RPUSH", "badge:c-list", "e"});
        server({"SADD", "badge:d-set", "m"});
        server({"ZADD", "badge:e-zset", "1", "m"});
        server({"XADD", "badge:f-stream", "*", "f", "v"});
        QVERIFY(rescan());
    }
    void cleanupTestCase() { closeWindow(); }

    // The six types, each with its word, for the rows in view; nothing for the keys far below.
    void badgesShowForTheRowsInView()
    {
        QTRY_VERIFY(!browser()->typeLoader()->isLoading());
        const qint64 before = typeCalls();
        showAtTop("badge:a-string");
        for (const auto &[key, type] : m_badgeKeys)
            QTRY_COMPARE(model()->indexOfKey(key).data(KeyTreeModel::KeyTypeRole).toByteArray(), type);
        for (const auto &[key, type] : m_badgeKeys) {
            const QModelIndex index = model()->indexOfKey(key);
            QCOMPARE(TypeBadgeDelegate::label(type), QString::fromLatin1(type).toUpper());
            // Readable without colour: the word is in what a screen reader says.
            QCOMPARE(index.data(Qt::AccessibleTextRole).toString(),
                     QStringLiteral("%1, %2").arg(index.data().toString(), QString::fromLatin1(type)));
        }
        // Painted: the badge's own colour is where the badge goes.
        const QModelIndex hash = model()->indexOfKey("badge:b-hash");
        QStyleOptionViewItem option;
        option.initFrom(tree()->viewport());
        option.widget = tree();
        option.rect = tree()->visualRect(hash);
        option.font = tree()->font();
        option.features |= QStyleOptionViewItem::HasDisplay | QStyleOptionViewItem::HasDecoration;
        option.decorationSize = tree()->iconSize().isValid() ? tree()->iconSize() : QSize(16, 16);
        option.text = hash.data().toString();
        const QRect badge = TypeBadgeDelegate::badgeRect(option, QStringLiteral("HASH"));
        const QImage shot = tree()->viewport()->grab().toImage();
        const QColor expected
            = TypeBadgeDelegate::colours("hash", TypeBadgeDelegate::isDark(tree()->palette())).background;
        QCOMPARE(shot.pixelColor(badge.left() + 2, badge.center().y()), expected);
        shot.save(QDir::tempPath() + QStringLiteral("/tst_typebadges.png"));

        // One round at a time, bounded by the rows in view, never the keyspace.
        const qint64 sent = typeCalls() - before;
        QVERIFY2(sent >= 6 && sent <= rowsInView(),
                 qPrintable(QStringLiteral("%1 TYPE for %2 rows in view").arg(sent).arg(rowsInView())));
        QVERIFY(model()->cachedTypeCount() <= rowsInView() + 1);
        // The session namespace's last key is far below: no type asked for it.
        const QModelIndex sessions = model()->indexOfKey(firstKeyWithPrefix("session:")).parent();
        tree()->expand(sessions);
        tree()->scrollTo(model()->indexOfKey("badge:a-string"), QAbstractItemView::PositionAtTop);
        const QModelIndex last = model()->index(model()->rowCount(sessions) - 1, 0, sessions);
        QVERIFY(model()->rowCount(sessions) > 300);
        QVERIFY(!tree()->viewport()->rect().intersects(tree()->visualRect(last)));
        QVERIFY(last.data(KeyTreeModel::KeyTypeRole).toByteArray().isEmpty());
    }

    // Scrolling through a big namespace asks for each page's rows once, never for the whole namespace.
    void scrollingAsksForEachPageOnce()
    {
        const QModelIndex first = showAtTop(firstKeyWithPrefix("session:"));
        const QModelIndex sessions = first.parent();
        tree()->scrollTo(model()->index(0, 0, sessions), QAbstractItemView::PositionAtTop);
        QTRY_VERIFY(!browser()->typeLoader()->isLoading());
        const qint64 before = typeCalls();
        const qint64 requestedBefore = browser()->typeLoader()->typesRequested();
        QSignalSpy rounds(browser()->typeLoader(), &KeyTypeLoader::roundFinished);
        for (int page = 0; page < 3; ++page) {
            tree()->verticalScrollBar()->setValue(tree()->verticalScrollBar()->value()
                                                  + tree()->verticalScrollBar()->pageStep());
            QVERIFY(rounds.wait(10000));
        }
        const QModelIndex top = tree()->indexAt(QPoint(1, 1));
        QTRY_VERIFY(!top.data(KeyTreeModel::KeyTypeRole).toByteArray().isEmpty());
        QCOMPARE(top.data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("string"));
        const qint64 sent = typeCalls() - before;
        QCOMPARE(sent, browser()->typeLoader()->typesRequested() - requestedBefore);
        QVERIFY2(sent <= 5 * rowsInView(), qPrintable(QString::number(sent)));
        QVERIFY(sent < model()->rowCount(sessions) / 2);
    }

    // SCAN … TYPE already says the type: badges with no TYPE sent.
    void aTypeFilterSendsNoType()
    {
        for (int i = 0; i < 5; ++i) {
            server({"HSET", "filtered:h" + QByteArray::number(i), "f", "v"});
            server({"SET", "filtered:s" + QByteArray::number(i), "v"});
        }
        QVERIFY(rescan(QStringLiteral("hash"), QStringLiteral("filtered:*")));
        QTRY_VERIFY(!browser()->typeLoader()->isLoading());
        const qint64 before = typeCalls();
        const qint64 requestedBefore = browser()->typeLoader()->typesRequested();
        QCOMPARE(model()->keyCount(), 5);
        showAtTop("filtered:h0");
        // The loader has looked at the rows in view: it remembered their type from the scan.
        QTRY_COMPARE(model()->keyType("filtered:h4"), QByteArray("hash"));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(model()->indexOfKey("filtered:h" + QByteArray::number(i)).data(KeyTreeModel::KeyTypeRole),
                     QVariant(QByteArray("hash")));
        QCOMPARE(browser()->typeLoader()->typesRequested(), requestedBefore);
        QCOMPARE(typeCalls(), before);
    }

    // A rescan keeps the badges of keys seen before: shown at once, with no TYPE for them.
    void badgesSurviveARescan()
    {
        QVERIFY(rescan());
        QTRY_VERIFY(!browser()->typeLoader()->isLoading());
        const qint64 before = typeCalls();
        // Straight after the scan and the scroll, before any reply could come: the types are there already.
        showAtTop("badge:a-string");
        for (const auto &[key, type] : m_badgeKeys)
            QCOMPARE(model()->indexOfKey(key).data(KeyTreeModel::KeyTypeRole).toByteArray(), type);
        QCOMPARE(model()->indexOfKey("filtered:h0").data(KeyTreeModel::KeyTypeRole).toByteArray(), QByteArray("hash"));
        // The rows in view below them whose type is not known yet are asked; the six are not.
        browser()->typeLoader()->schedule();
        QTRY_VERIFY(!browser()->typeLoader()->isLoading());
        const qint64 sent = typeCalls() - before;
        QVERIFY2(sent <= rowsInView() - 6,
                 qPrintable(QStringLiteral("%1 TYPE for %2 rows in view").arg(sent).arg(rowsInView())));
    }

    // A deleted key's badge goes with it; a renamed key's badge moves to its new name, known without asking.
    void deleteAndRenameFollowTheBadge()
    {
        showAtTop("badge:a-string");
        QTRY_COMPARE(model()->keyType("badge:c-list"), QByteArray("list"));
        QSignalSpy removed(details()->actions(), &KeyActions::keysRemoved);
        details()->actions()->run(KeyEdit::remove({"badge:a-string"}));
        QVERIFY(removed.wait(10000));
        QVERIFY(!model()->indexOfKey("badge:a-string").isValid());
        QVERIFY(model()->keyType("badge:a-string").isEmpty());

        // The new row has its badge the moment it appears: nothing was asked for it.
        QByteArray typeWhenAdded = "unset";
        const auto connection = connect(details()->actions(), &KeyActions::keyAdded, this, [&](const QByteArray &key) {
            typeWhenAdded = model()->indexOfKey(key).data(KeyTreeModel::KeyTypeRole).toByteArray();
        });
        QSignalSpy added(details()->actions(), &KeyActions::keyAdded);
        details()->actions()->run(KeyEdit::rename("badge:c-list", "badge:renamed-list"));
        QVERIFY(added.wait(10000));
        disconnect(connection);
        QCOMPARE(typeWhenAdded, QByteArray("list"));
        QVERIFY(model()->keyType("badge:c-list").isEmpty());
        QCOMPARE(model()->indexOfKey("badge:renamed-list").data(KeyTreeModel::KeyTypeRole).toByteArray(),
                 QByteArray("list"));

        // New key… knows the type it made.
        typeWhenAdded = "unset";
        const auto created = connect(details()->actions(), &KeyActions::keyAdded, this, [&](const QByteArray &key) {
            typeWhenAdded = model()->indexOfKey(key).data(KeyTreeModel::KeyTypeRole).toByteArray();
        });
        details()->actions()->run(KeyEdit::create("badge:new-zset", ValueType::ZSet, {}, "m", 1, 0));
        QVERIFY(added.wait(10000));
        disconnect(created);
        QCOMPARE(typeWhenAdded, QByteArray("zset"));
    }

    // A key found gone has no badge.
    void aKeyFoundGoneHasNoBadge()
    {
        server({"SET", "badge:doomed", "x"});
        QVERIFY(rescan());
        server({"DEL", "badge:doomed"});
        showAtTop("badge:b-hash");
        QTRY_VERIFY(model()->indexOfKey("badge:doomed").data(KeyTreeModel::IsMissingRole).toBool());
        QVERIFY(model()->indexOfKey("badge:doomed").data(KeyTreeModel::KeyTypeRole).toByteArray().isEmpty());
    }

    // The words, and colours that read: every pair of tag and word with a contrast of at least 4.5 (WCAG AA), and
    // every tag apart from the base it sits on, in both palettes.
    void labelsAndColoursRead()
    {
        QCOMPARE(TypeBadgeDelegate::label("ReJSON-RL"), QStringLiteral("JSON"));
        QCOMPARE(TypeBadgeDelegate::label("MBbloom--"), QStringLiteral("MBbloom--"));
        QCOMPARE(TypeBadgeDelegate::label("zset"), QStringLiteral("ZSET"));
        const auto luminance = [](const QColor &c) {
            const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
        };
        const auto contrast = [&](const QColor &a, const QColor &b) {
            const double x = luminance(a), y = luminance(b);
            return (qMax(x, y) + 0.05) / (qMin(x, y) + 0.05);
        };
        QSet<QRgb> seen[2];
        for (const char *type : {"string", "hash", "list", "set", "zset", "stream", "ReJSON-RL", "MBbloom--"}) {
            for (const bool dark : {false, true}) {
                const TypeBadgeDelegate::Colours c = TypeBadgeDelegate::colours(type, dark);
                QVERIFY2(contrast(c.background, c.text) >= 4.5, type);
                const QColor base = dark ? QColor(0x1e, 0x1e, 0x1e) : QColor(Qt::white);
                QVERIFY2(contrast(c.background, base) >= 3.0, type);
                QVERIFY2(!seen[dark].contains(c.background.rgb()), type); // each type its own colour
                seen[dark].insert(c.background.rgb());
            }
        }
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        QVERIFY(TypeBadgeDelegate::isDark(dark));
        QVERIFY(!TypeBadgeDelegate::isDark(QPalette(Qt::white)));
    }

    // At a narrow width the name is elided and the badge stays whole; the row is as tall as without badges.
    void narrowRowsElideTheName()
    {
        KeyTreeModel keys;
        keys.addKeys({"a-rather-long-key-name-that-cannot-fit-in-a-narrow-column"});
        keys.flushSort();
        keys.setKeyType("a-rather-long-key-name-that-cannot-fit-in-a-narrow-column", "stream");
        QTreeView plain;
        plain.setModel(&keys);
        QTreeView badged;
        badged.setModel(&keys);
        badged.setItemDelegateForColumn(KeyTreeModel::NameColumn, new TypeBadgeDelegate(&badged));
        badged.setTextElideMode(Qt::ElideMiddle);
        for (QTreeView *v : {&plain, &badged}) {
            v->resize(170, 100);
            v->header()->resizeSection(0, 150);
            v->show();
        }
        QVERIFY(QTest::qWaitForWindowExposed(&badged));
        QCOMPARE(badged.sizeHintForRow(0), plain.sizeHintForRow(0));
        QStyleOptionViewItem option;
        option.initFrom(badged.viewport());
        option.widget = &badged;
        option.rect = badged.visualRect(keys.index(0, 0));
        option.font = badged.font();
        option.features |= QStyleOptionViewItem::HasDisplay | QStyleOptionViewItem::HasDecoration;
        option.decorationSize = badged.iconSize().isValid() ? badged.iconSize() : QSize(16, 16);
        option.text = keys.index(0, 0).data().toString();
        const QRect badge = TypeBadgeDelegate::badgeRect(option, QStringLiteral("STREAM"));
        QVERIFY(option.rect.contains(badge));
        QVERIFY(
            badge.width()
            >= QFontMetrics(TypeBadgeDelegate::badgeFont(badged.font())).horizontalAdvance(QStringLiteral("STREAM")));
        const QImage shot = badged.viewport()->grab().toImage();
        QCOMPARE(shot.pixelColor(badge.left() + 2, badge.center().y()),
                 TypeBadgeDelegate::colours("stream", TypeBadgeDelegate::isDark(badged.palette())).background);
    }
};

QTEST_MAIN(TestTypeBadges)
#include "tst_typebadges.moc"
