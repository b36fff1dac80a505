#include "deployment/deployment.h"
#include "keyactions.h"
#include "keybrowser.h"
#include "keydetails.h"
#include "keydisplay.h"
#include "keytreemodel.h"
#include "mainwindow.h"
#include "resp/redisconnection.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"
#include "sentinel/masterlink.h"
#include "sentinel/sentinelwatcher.h"
#include "valuemodel.h"
#include "values/valueformat.h"
#include "valueview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <functional>

// The value pane and the key actions as a user meets them, against a real sandbox: every type's viewer shows the
// sample values, big values are paged, binary values are hex, each action is confirmed and changes both the server
// and the tree, read-only mode refuses writes at the connection, and edits follow the master through a failover.
class TestValues final : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 generated = 2000;
    std::unique_ptr<Sandbox> m_sandbox;
    std::unique_ptr<MainWindow> m_window;

    KeyBrowser *browser() const { return m_window->browser(); }
    KeyDetails *details() const { return m_window->details(); }
    ValueView *view() const { return details()->valueView(); }

    // A command on the current master, through a connection of its own: what the server really holds.
    RespValue server(const RespCommand &command) const
    {
        RedisConnection connection(m_sandbox->dataOptions(m_sandbox->currentMasterPort()));
        const VigilError error = connection.openBlocking();
        if (error.isError())
            qFatal("%s", qPrintable(error.toString()));
        return connection.execute(command).value;
    }

    // The commands that created a sample key, from the same code that loaded the sandbox.
    static QList<RespCommand> created(const QByteArray &name)
    {
        const SampleData data(generated);
        for (qint64 i = 0; i < data.count(); ++i) {
            if (data.key(i).name == name) {
                QList<RespCommand> commands;
                data.appendCommands(i, &commands);
                return commands;
            }
        }
        qFatal("no sample key %s", name.constData());
    }

    static QByteArray firstKeyWithPrefix(const QByteArray &prefix)
    {
        const SampleData data(generated);
        for (qint64 i = SampleData::specialCount(); i < data.count(); ++i)
            if (data.key(i).name.startsWith(prefix))
                return data.key(i).name;
        qFatal("no sample key with prefix %s", prefix.constData());
    }

    // Selects a key in the tree, as a click would, and waits for its value.
    bool select(const QByteArray &key)
    {
        const QModelIndex index = browser()->model()->indexOfKey(key);
        if (!index.isValid())
            return false;
        browser()->view()->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                                        | QItemSelectionModel::Rows);
        // Replies to the previous key may still arrive first: wait for this key's value, read to its first page.
        QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired()) {
            if (view()->key() == key && !view()->isLoading() && !view()->statusText().isEmpty())
                return true;
            QTest::qWait(10);
        }
        return false;
    }

    static QList<QStringList> rows(const ValueView *v)
    {
        QList<QStringList> out;
        const ValueModel *model = v->model();
        for (int r = 0; r < model->rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < model->columnCount(); ++c)
                cells.append(model->index(r, c).data().toString());
            out.append(cells);
        }
        return out;
    }

    // Acts on the next modal dialog (a confirmation or an edit form) from inside its exec(), like a user would.
    static void whenDialog(std::function<void(QWidget *)> act)
    {
        auto *timer = new QTimer(qApp);
        auto *deadline = new QElapsedTimer;
        deadline->start();
        QObject::connect(timer, &QTimer::timeout, qApp, [timer, deadline, act] {
            QWidget *dialog = QApplication::activeModalWidget();
            if (!dialog && deadline->elapsed() < 10000)
                return;
            timer->stop();
            timer->deleteLater();
            delete deadline;
            if (dialog)
                act(dialog);
        });
        timer->start(10);
    }

    // Confirms the next question and returns its text through *text.
    static void confirmNext(QString *text, bool yes = true, const QString &screenshot = {})
    {
        whenDialog([text, yes, screenshot](QWidget *dialog) {
            auto *box = qobject_cast<QMessageBox *>(dialog);
            QVERIFY(box);
            *text = box->text();
            if (const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOTS"); !dir.isEmpty() && !screenshot.isEmpty())
                box->grab().save(dir + QLatin1Char('/') + screenshot + QStringLiteral(".png"));
            if (yes)
                box->findChild<QPushButton *>(QStringLiteral("okButton"))->click();
            else
                box->button(QMessageBox::Cancel)->click();
        });
    }

    // Fills the next edit form's fields (by objectName) and presses its button.
    static void fillNext(const QHash<QString, QString> &values, const QString &screenshot = {})
    {
        whenDialog([values, screenshot](QWidget *dialog) {
            for (auto it = values.begin(); it != values.end(); ++it) {
                if (auto *line = dialog->findChild<QLineEdit *>(it.key())) {
                    line->clear();
                    QTest::keyClicks(line, it.value());
                } else if (auto *text = dialog->findChild<QPlainTextEdit *>(it.key())) {
                    text->setPlainText(it.value());
                } else {
                    QFAIL(qPrintable(QStringLiteral("no field %1 in the form").arg(it.key())));
                }
            }
            if (const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOTS"); !dir.isEmpty() && !screenshot.isEmpty())
                dialog->grab().save(dir + QLatin1Char('/') + screenshot + QStringLiteral(".png"));
            dialog->findChild<QPushButton *>(QStringLiteral("okButton"))->click();
        });
    }

    int findRow(int column, const QString &text) const
    {
        const ValueModel *model = view()->model();
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->index(r, column).data().toString() == text)
                return r;
        return -1;
    }

    void selectRow(int row) const
    {
        view()->table()->selectionModel()->select(view()->model()->index(row, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }

    // Clicks a button and waits for the value to be read again (the edit landed and the pane reloaded).
    bool clickAndWaitForReload(QPushButton *button)
    {
        QSignalSpy changed(details()->actions(), &KeyActions::keyChanged);
        QSignalSpy failed(details()->actions(), &KeyActions::failed);
        button->click();
        if (!changed.wait(10000) && changed.isEmpty()) {
            qWarning() << "no change;" << (failed.isEmpty() ? QString() : failed.first().first().toString());
            return false;
        }
        QSignalSpy loaded(view(), &ValueView::valueLoaded);
        return loaded.wait(10000);
    }

    // With VIGIL_SCREENSHOTS=<folder>, saves what the window looks like (for the README).
    void shot(const QString &name, QWidget *widget = nullptr) const
    {
        const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOTS");
        if (!dir.isEmpty())
            (widget ? widget : m_window.get())->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
    }

    // Presses "Load more" until the value is read to its end.
    bool readToTheEnd() const
    {
        for (int i = 0; i < 100; ++i) {
            if (!QTest::qWaitFor([this] { return !view()->model()->isLoading(); }, 10000))
                return false;
            if (view()->model()->atEnd())
                return true;
            view()->button(QStringLiteral("loadMore"))->click();
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = generated;
        m_sandbox = std::make_unique<Sandbox>(options);
        const VigilError error = m_sandbox->start();
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        m_window->setTarget(m_sandbox->target());
        QTRY_VERIFY_WITH_TIMEOUT(browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_sandbox.reset();
    }

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
        // Binary values cannot be edited as text.
        QVERIFY(!view()->button(QStringLiteral("editElement"))->isEnabled());
        QVERIFY(view()->button(QStringLiteral("editElement"))->toolTip().contains(QStringLiteral("binary")));
        // And if asked anyway, the action refuses rather than mangling the bytes.
        QSignalSpy failed(details()->actions(), &KeyActions::failed);
        details()->actions()->editString(binaryKey, value);
        QCOMPARE(failed.size(), 1);
        QVERIFY(details()->actionMessage().contains(QStringLiteral("binary")));
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
        view()->setFilter(QStringLiteral("field:4242*"));
        for (int request = 0; request < 200 && !view()->model()->atEnd(); ++request) {
            const int before = connection->commandCount("HSCAN");
            if (request > 0)
                view()->button(QStringLiteral("loadMore"))->click();
            QTRY_VERIFY_WITH_TIMEOUT(!view()->model()->isLoading(), 10000);
            const int sent = connection->commandCount("HSCAN") - before;
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

    void deleteAskesFirstAndUpdatesServerAndTree()
    {
        const QByteArray key = firstKeyWithPrefix("cache:page:");
        QVERIFY(select(key));
        // Cancel: nothing happens.
        QString question;
        confirmNext(&question, false);
        details()->button(QStringLiteral("deleteKey"))->click();
        QVERIFY(question.contains(KeyDisplay::escape(key)));
        QCOMPARE(server({"EXISTS", key}).toInteger(), 1);
        QVERIFY(!QTest::currentTestFailed());
        // Confirm: gone from the server and from the tree.
        QSignalSpy removed(details()->actions(), &KeyActions::keysRemoved);
        confirmNext(&question);
        details()->button(QStringLiteral("deleteKey"))->click();
        QVERIFY(question.startsWith(QStringLiteral("Delete the key")));
        QVERIFY(removed.wait(10000));
        QCOMPARE(server({"EXISTS", key}).toInteger(), 0);
        QVERIFY(!browser()->model()->indexOfKey(key).isValid());
        // The pane moves on: it shows the row the tree selected next, never the deleted key.
        QTRY_VERIFY(details()->key() != key);
    }

    void multiSelectDeleteStatesTheCount()
    {
        const SampleData data(generated);
        QList<QByteArray> keys;
        for (qint64 i = SampleData::specialCount(); keys.size() < 3; ++i)
            if (data.key(i).name.startsWith("rate:ip:"))
                keys.append(data.key(i).name);
        const qint64 before = browser()->model()->keyCount();
        QItemSelection selection;
        for (const QByteArray &key : keys) {
            const QModelIndex index = browser()->model()->indexOfKey(key);
            QVERIFY(index.isValid());
            selection.select(index, index);
        }
        browser()->view()->selectionModel()->select(selection,
                                                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(browser()->selectedKeys().size(), 3);
        QString question;
        confirmNext(&question, true, QStringLiteral("confirm-delete"));
        QSignalSpy removed(details()->actions(), &KeyActions::keysRemoved);
        // The Delete key on the tree, as a user would press it.
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        browser()->view()->setFocus();
        QTest::keyClick(browser()->view(), Qt::Key_Delete);
        QVERIFY(removed.wait(10000));
        QVERIFY2(question.startsWith(QStringLiteral("Delete 3 keys from master 127.0.0.1:")), qPrintable(question));
        for (const QByteArray &key : keys) {
            QCOMPARE(server({"EXISTS", key}).toInteger(), 0);
            QVERIFY(!browser()->model()->indexOfKey(key).isValid());
        }
        QCOMPARE(browser()->model()->keyCount(), before - 3);
    }

    void renameRefusesAnExistingName()
    {
        const QByteArray key = firstKeyWithPrefix("product:");
        const QByteArray taken = "feature:flags";
        QVERIFY(select(key));
        QSignalSpy failed(details()->actions(), &KeyActions::failed);
        fillNext({{QStringLiteral("newName"), QString::fromUtf8(taken)}});
        details()->button(QStringLiteral("renameKey"))->click();
        QVERIFY(failed.wait(10000));
        QVERIFY2(details()->actionMessage().contains(QStringLiteral("already exists")),
                 qPrintable(details()->actionMessage()));
        QCOMPARE(server({"EXISTS", key}).toInteger(), 1);
        QCOMPARE(server({"GET", taken}).toByteArray(), created(taken).first().at(2));

        // A free name: the key moves, on the server and in the tree, and stays selected.
        const QByteArray renamed = "renamed:" + key;
        QSignalSpy added(details()->actions(), &KeyActions::keyAdded);
        fillNext({{QStringLiteral("newName"), QString::fromUtf8(renamed)}});
        details()->button(QStringLiteral("renameKey"))->click();
        QVERIFY(added.wait(10000));
        QCOMPARE(server({"EXISTS", key}).toInteger(), 0);
        QCOMPARE(server({"EXISTS", renamed}).toInteger(), 1);
        QVERIFY(!browser()->model()->indexOfKey(key).isValid());
        QVERIFY(browser()->model()->indexOfKey(renamed).isValid());
        QTRY_COMPARE(details()->key(), renamed);
    }

    void ttlCanBeSetAndCleared()
    {
        const QByteArray key = "config:app";
        QVERIFY(select(key));
        QTRY_COMPARE(details()->field(QStringLiteral("TTL")), QStringLiteral("none (persistent)"));
        QVERIFY(!details()->button(QStringLiteral("clearTtl"))->isEnabled());
        fillNext({{QStringLiteral("seconds"), QStringLiteral("500")}});
        QSignalSpy changed(details()->actions(), &KeyActions::keyChanged);
        details()->button(QStringLiteral("setTtl"))->click();
        QVERIFY(changed.wait(10000));
        const qint64 ttl = server({"TTL", key}).toInteger();
        QVERIFY2(ttl > 490 && ttl <= 500, qPrintable(QString::number(ttl)));
        QTRY_VERIFY(details()->field(QStringLiteral("TTL")).startsWith(QStringLiteral("expires in 8 min")));
        QTRY_VERIFY(details()->button(QStringLiteral("clearTtl"))->isEnabled());

        QString question;
        confirmNext(&question);
        details()->button(QStringLiteral("clearTtl"))->click();
        QVERIFY(changed.wait(10000));
        QVERIFY(question.contains(QStringLiteral("persistent")));
        QCOMPARE(server({"TTL", key}).toInteger(), -1);
        QTRY_COMPARE(details()->field(QStringLiteral("TTL")), QStringLiteral("none (persistent)"));
    }

    void aStringCanBeEdited()
    {
        const QByteArray key = "stats:visits:today";
        QVERIFY(select(key));
        const qint64 ttlBefore = server({"TTL", key}).toInteger();
        QVERIFY(ttlBefore > 0);
        fillNext({{QStringLiteral("value"), QStringLiteral("{\"visits\": 12}")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("editElement"))));
        QCOMPARE(server({"GET", key}).toByteArray(), QByteArray("{\"visits\": 12}"));
        QVERIFY(server({"TTL", key}).toInteger() > 0); // the TTL is kept
        QCOMPARE(view()->shownStringMode(), ValueView::StringMode::Json);
        QCOMPARE(view()->stringText(), QStringLiteral("{\n  \"visits\": 12\n}"));
    }

    void hashFieldsCanBeAddedEditedAndRemoved()
    {
        const QByteArray key = firstKeyWithPrefix("user:");
        QVERIFY(select(key));
        const int fields = view()->model()->rowCount();

        fillNext(
            {{QStringLiteral("field"), QStringLiteral("nickname")}, {QStringLiteral("value"), QStringLiteral("ace")}},
            QStringLiteral("edit-form"));
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("addElement"))));
        QCOMPARE(server({"HGET", key, "nickname"}).toByteArray(), QByteArray("ace"));
        QCOMPARE(view()->model()->rowCount(), fields + 1);

        // Adding a field that exists is refused, not an overwrite.
        QSignalSpy failed(details()->actions(), &KeyActions::failed);
        fillNext(
            {{QStringLiteral("field"), QStringLiteral("nickname")}, {QStringLiteral("value"), QStringLiteral("x")}});
        view()->button(QStringLiteral("addElement"))->click();
        QVERIFY(failed.wait(10000));
        QCOMPARE(server({"HGET", key, "nickname"}).toByteArray(), QByteArray("ace"));

        selectRow(findRow(0, QStringLiteral("plan")));
        fillNext({{QStringLiteral("value"), QStringLiteral("enterprise")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("editElement"))));
        QCOMPARE(server({"HGET", key, "plan"}).toByteArray(), QByteArray("enterprise"));
        QVERIFY(findRow(1, QStringLiteral("enterprise")) >= 0);

        selectRow(findRow(0, QStringLiteral("nickname")));
        QString question;
        confirmNext(&question);
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("removeElement"))));
        QVERIFY(question.contains(QStringLiteral("“nickname”")));
        QCOMPARE(server({"HEXISTS", key, "nickname"}).toInteger(), 0);
        QCOMPARE(view()->model()->rowCount(), fields);
    }

    void listElementsAreGuardedByTheirValue()
    {
        const QByteArray key = "queue:jobs:high";
        QVERIFY(select(key));
        const qint64 length = server({"LLEN", key}).toInteger();
        fillNext({{QStringLiteral("value"), QStringLiteral("job-new")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("addElement"))));
        QCOMPARE(server({"LINDEX", key, "-1"}).toByteArray(), QByteArray("job-new"));

        selectRow(0);
        fillNext({{QStringLiteral("value"), QStringLiteral("job-first")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("editElement"))));
        QCOMPARE(server({"LINDEX", key, "0"}).toByteArray(), QByteArray("job-first"));
        QCOMPARE(rows(view()).at(0).at(1), QStringLiteral("job-first"));

        // Someone else changes element 1 after we read it: our edit must not overwrite their value.
        selectRow(1);
        server({"LSET", key, "1", "changed-elsewhere"});
        QSignalSpy failed(details()->actions(), &KeyActions::failed);
        fillNext({{QStringLiteral("value"), QStringLiteral("mine")}});
        view()->button(QStringLiteral("editElement"))->click();
        QVERIFY(failed.wait(10000));
        QVERIFY2(details()->actionMessage().contains(QStringLiteral("reload")), qPrintable(details()->actionMessage()));
        QCOMPARE(server({"LINDEX", key, "1"}).toByteArray(), QByteArray("changed-elsewhere"));

        view()->reload();
        QTRY_COMPARE(rows(view()).value(1).value(1), QStringLiteral("changed-elsewhere"));
        selectRow(1);
        QString question;
        confirmNext(&question);
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("removeElement"))));
        QCOMPARE(server({"LLEN", key}).toInteger(), length); // one added, one removed
        const RespValue all = server({"LRANGE", key, "0", "-1"});
        for (const RespValue &element : all.elements())
            QVERIFY(element.toByteArray() != "changed-elsewhere" && !element.toByteArray().startsWith("vigil-removed"));
    }

    void setAndZsetMembersCanBeChanged()
    {
        QVERIFY(select("tag:sale"));
        fillNext({{QStringLiteral("value"), QStringLiteral("product:new")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("addElement"))));
        QCOMPARE(server({"SISMEMBER", "tag:sale", "product:new"}).toInteger(), 1);
        selectRow(findRow(0, QStringLiteral("product:new")));
        fillNext({{QStringLiteral("value"), QStringLiteral("product:renamed")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("editElement"))));
        QCOMPARE(server({"SISMEMBER", "tag:sale", "product:new"}).toInteger(), 0);
        QCOMPARE(server({"SISMEMBER", "tag:sale", "product:renamed"}).toInteger(), 1);
        selectRow(findRow(0, QStringLiteral("product:renamed")));
        QString question;
        confirmNext(&question);
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("removeElement"))));
        QCOMPARE(server({"SISMEMBER", "tag:sale", "product:renamed"}).toInteger(), 0);
        QVERIFY(findRow(0, QStringLiteral("product:renamed")) < 0);

        QVERIFY(select("leaderboard:weekly"));
        fillNext(
            {{QStringLiteral("value"), QStringLiteral("player:top")}, {QStringLiteral("score"), QStringLiteral("-5")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("addElement"))));
        QCOMPARE(server({"ZSCORE", "leaderboard:weekly", "player:top"}).toByteArray(), QByteArray("-5"));
        QCOMPARE(rows(view()).first(), QStringList({QStringLiteral("player:top"), QStringLiteral("-5")}));
        selectRow(0);
        fillNext({{QStringLiteral("score"), QStringLiteral("1e9")}});
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("editElement"))));
        QCOMPARE(server({"ZSCORE", "leaderboard:weekly", "player:top"}).toByteArray(), QByteArray("1000000000"));
        QCOMPARE(rows(view()).last().first(), QStringLiteral("player:top"));
        selectRow(view()->model()->rowCount() - 1);
        confirmNext(&question);
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("removeElement"))));
        QCOMPARE(server({"ZSCORE", "leaderboard:weekly", "player:top"}).type(), RespValue::Type::Nil);
    }

    void streamEntriesCanBeRemoved()
    {
        QVERIFY(select("events:logins"));
        const qint64 length = server({"XLEN", "events:logins"}).toInteger();
        QVERIFY(length >= 2);
        QVERIFY(!view()->button(QStringLiteral("addElement"))->isVisible()); // entries are added by producers
        const QString id = rows(view()).first().first();
        selectRow(0);
        QString question;
        confirmNext(&question);
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("removeElement"))));
        QVERIFY2(question.contains(id), qPrintable(question));
        QCOMPARE(server({"XLEN", "events:logins"}).toInteger(), length - 1);
        QCOMPARE(server({"XRANGE", "events:logins", id.toLatin1(), id.toLatin1()}).size(), 0);
        QVERIFY(rows(view()).first().first() != id);
    }

    void readOnlyRefusesWritesAtTheConnection()
    {
        // Straight to the connection: the write never leaves.
        SentinelTarget target = m_sandbox->target();
        target.readOnly = true;
        RedisConnection connection(target.dataOptions(
            HostPort{QStringLiteral("127.0.0.1"), m_sandbox->currentMasterPort()}, QStringLiteral("master")));
        QVERIFY(!connection.openBlocking().isError());
        for (const RespCommand &write : QList<RespCommand>{{"SET", "ro:probe", "x"},
                                                           {"UNLINK", "feature:flags"},
                                                           {"EVAL", "return redis.call('SET','ro:probe','x')", "0"},
                                                           {"RENAMENX", "feature:flags", "ro:probe"}}) {
            const RespResult result = connection.execute(write);
            QCOMPARE(result.error.kind(), VigilError::Kind::Refused);
            QVERIFY(result.error.toString().contains(QStringLiteral("read-only")));
        }
        QCOMPARE(connection.commandCount("SET"), 0);
        QCOMPARE(server({"EXISTS", "ro:probe"}).toInteger(), 0);
        QCOMPARE(server({"EXISTS", "feature:flags"}).toInteger(), 1);
        QVERIFY(connection.execute({"GET", "feature:flags"}).ok());

        // And the window offers no writes.
        MainWindow window;
        window.show();
        window.setTarget(target);
        QTRY_VERIFY_WITH_TIMEOUT(window.browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
        const QModelIndex index = window.browser()->model()->indexOfKey("config:app");
        QSignalSpy loaded(window.details()->valueView(), &ValueView::valueLoaded);
        window.browser()->view()->setCurrentIndex(index);
        QVERIFY(loaded.wait(10000));
        for (const QString &name : {QStringLiteral("renameKey"), QStringLiteral("setTtl"), QStringLiteral("deleteKey")})
            QVERIFY2(!window.details()->button(name)->isEnabled(), qPrintable(name));
        QVERIFY(!window.details()->valueView()->button(QStringLiteral("addElement"))->isEnabled());
        QVERIFY(window.details()->button(QStringLiteral("copyName"))->isEnabled());
        // Even when asked directly, the action says no and the server is untouched.
        QSignalSpy failed(window.details()->actions(), &KeyActions::failed);
        window.details()->actions()->run(KeyEdit::remove({"config:app"}));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("read-only")));
        QCOMPARE(server({"EXISTS", "config:app"}).toInteger(), 1);
    }

    void aReplicaScanSaysWhichReplicaAndHowFarBehind()
    {
        Deployment deployment(m_sandbox->target());
        KeyBrowser replicaBrowser;
        deployment.start();
        replicaBrowser.setDeployment(&deployment);
        replicaBrowser.setScanSource(ScanOptions::Source::Replica);
        replicaBrowser.show();
        QVERIFY(replicaBrowser.replicaNote().isEmpty());
        replicaBrowser.startScan();
        QTRY_VERIFY_WITH_TIMEOUT(replicaBrowser.scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
        // Every key of the master is there (nothing is written meanwhile, so the replica has them all).
        QCOMPARE(replicaBrowser.model()->keyCount(), server({"DBSIZE"}).toInteger());
        const QList<quint16> replicas = [this] {
            QList<quint16> ports = m_sandbox->dataPorts();
            ports.removeAll(m_sandbox->currentMasterPort());
            return ports;
        }();
        const QString note = replicaBrowser.replicaNote();
        QVERIFY2(note.startsWith(QStringLiteral("Keys listed from replica 127.0.0.1:")), qPrintable(note));
        const quint16 port = note.section(QLatin1Char(':'), 1, 1).section(QLatin1Char(','), 0, 0).toUShort();
        QVERIFY2(replicas.contains(port), qPrintable(note));
        // The lag comes from the watcher's next snapshot (the master's INFO replication).
        QTRY_VERIFY_WITH_TIMEOUT(
            replicaBrowser.replicaNote().contains(QStringLiteral("behind the master at"))
                || replicaBrowser.replicaNote().contains(QStringLiteral("in step with the master")),
            15000);
        QVERIFY(replicaBrowser.replicaNote().contains(QStringLiteral("values and changes always use the master")));
        // Back to the master: the note goes.
        replicaBrowser.setScanSource(ScanOptions::Source::Master);
        replicaBrowser.startScan();
        QVERIFY(replicaBrowser.replicaNote().isEmpty());
    }

    void editsFollowTheMasterThroughAFailover()
    {
        QVERIFY(select("config:app"));
        const HostPort oldMaster = details()->link()->master();
        QSignalSpy switched(browser()->deployment()->watcher(), &SentinelWatcher::masterSwitched);
        QVERIFY(!m_sandbox->failover().isError());
        QVERIFY(switched.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(details()->link()->master() != oldMaster, 10000);
        QCOMPARE(details()->link()->master().port, m_sandbox->currentMasterPort());
        // Sentinel reconfigures the old master into a replica and kills client connections; the next edit goes to the
        // new master.
        QSignalSpy changed(details()->actions(), &KeyActions::keyChanged);
        details()->actions()->run(KeyEdit::hashSet("config:app", "after", "failover"));
        QVERIFY(changed.wait(10000));
        QCOMPARE(server({"HGET", "config:app", "after"}).toByteArray(), QByteArray("failover"));
        QCOMPARE(details()->link()->connection()->options().port, m_sandbox->currentMasterPort());
    }
};

QTEST_MAIN(TestValues)
#include "tst_values.moc"
