#include "values/editabletext.h"
#include "values/keyedit.h"
#include "valuesfixture.h"

#include <QAction>
#include <QComboBox>
#include <QTextCursor>

// The key actions as a user meets them, against a real sandbox: each action is confirmed and changes both the server
// and the tree, guarded edits refuse what changed under them, read-only mode refuses writes at the connection, a
// replica scan says which replica, and edits follow the master through a failover.
class TestKeyActions final : public ValuesFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(openWindow()); }
    void cleanupTestCase() { closeWindow(); }

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

    void keyNamesCannotDressUpAQuestion()
    {
        // A key name is the server's data: markup in it is shown as the characters it is, never rendered, so it
        // cannot make a confirmation say something else.
        const QByteArray key = "<h1>Nothing</h1><b>will be deleted</b>";
        QVERIFY(server({"SET", key, "x"}).isStatus());
        bool plain = false;
        QString shown;
        whenDialog([&](QWidget *dialog) {
            auto *box = qobject_cast<QMessageBox *>(dialog);
            QVERIFY(box);
            plain = box->textFormat() == Qt::PlainText;
            shown = box->text();
            box->button(QMessageBox::Cancel)->click();
        });
        details()->actions()->deleteKeys({key});
        QVERIFY(plain);
        QVERIFY2(shown.contains(QString::fromUtf8(key)), qPrintable(shown));
        // The rename form's explanation too.
        plain = false;
        whenDialog([&](QWidget *dialog) {
            auto *label = dialog->findChild<QLabel *>(QStringLiteral("explanation"));
            QVERIFY(label);
            plain = label->textFormat() == Qt::PlainText && label->text().contains(QString::fromUtf8(key));
            qobject_cast<QDialog *>(dialog)->reject();
        });
        details()->actions()->renameKey(key);
        QVERIFY(plain);
        QCOMPARE(server({"EXISTS", key}).toInteger(), 1);
        server({"DEL", key});
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

    // Every edit form opens with the keyboard in its first field (typing goes there, not to OK), and OK stays off
    // while what is typed would do nothing or cannot be sent: Enter then does nothing.
    void formsOpenWithTypingInTheFirstField()
    {
        const QByteArray key = "focus:rename";
        QVERIFY(server({"SET", key, "x"}).isStatus());
        QVERIFY(server({"EXPIRE", key, "600"}).toInteger() == 1);
        struct Seen
        {
            QString focus; // objectName of the focus widget once the form is shown
            bool okAtOpen = true;
            bool okSameName = true;
            bool okEmpty = true;
            bool stillOpen = false; // after Enter with OK off
        };

        // Rename: the name is selected in its field; the same name, or none, keeps OK off, and Enter does nothing.
        Seen rename;
        whenDialog([&](QWidget *dialog) {
            rename.focus = dialog->focusWidget() ? dialog->focusWidget()->objectName() : QString();
            auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("okButton"));
            auto *line = dialog->findChild<QLineEdit *>(QStringLiteral("newName"));
            rename.okAtOpen = ok->isEnabled();
            QTest::keyClicks(line, QString::fromUtf8(key)); // replaces the selected name with itself
            rename.okSameName = ok->isEnabled();
            QTest::keyClick(line, Qt::Key_Return);
            rename.stillOpen = dialog->isVisible();
            line->clear();
            rename.okEmpty = ok->isEnabled();
            qobject_cast<QDialog *>(dialog)->reject();
        });
        details()->actions()->renameKey(key);
        QCOMPARE(rename.focus, QStringLiteral("newName"));
        QVERIFY(!rename.okAtOpen);
        QVERIFY(!rename.okSameName);
        QVERIFY(rename.stillOpen);
        QVERIFY(!rename.okEmpty);
        QCOMPARE(server({"EXISTS", key}).toInteger(), 1);

        // Set TTL on a key that has one: the TTL it has keeps OK off; another turns it on.
        Seen ttl;
        bool okOther = false;
        whenDialog([&](QWidget *dialog) {
            ttl.focus = dialog->focusWidget() ? dialog->focusWidget()->objectName() : QString();
            auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("okButton"));
            ttl.okAtOpen = ok->isEnabled();
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("seconds")), QStringLiteral("2h"));
            okOther = ok->isEnabled();
            qobject_cast<QDialog *>(dialog)->reject();
        });
        details()->actions()->setTtl(key, 600);
        QCOMPARE(ttl.focus, QStringLiteral("seconds"));
        QVERIFY(!ttl.okAtOpen);
        QVERIFY(okOther);
        server({"DEL", key});

        // Add a hash field: the field's name first, and OK off until it has one.
        const QByteArray hash = firstKeyWithPrefix("user:");
        QVERIFY(select(hash));
        Seen add;
        bool okNamed = false;
        whenDialog([&](QWidget *dialog) {
            add.focus = dialog->focusWidget() ? dialog->focusWidget()->objectName() : QString();
            auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("okButton"));
            add.okAtOpen = ok->isEnabled();
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("field")), QStringLiteral("f"));
            okNamed = ok->isEnabled();
            qobject_cast<QDialog *>(dialog)->reject();
        });
        view()->button(QStringLiteral("addElement"))->click();
        QCOMPARE(add.focus, QStringLiteral("field"));
        QVERIFY(!add.okAtOpen);
        QVERIFY(okNamed);
    }

    // The multi-line value box: Enter is a new line, Ctrl+Enter saves.
    void ctrlEnterSavesAMultiLineValue()
    {
        const QByteArray key = "focus:string";
        QVERIFY(server({"SET", key, "one"}).isStatus());
        browser()->addKey(key);
        QVERIFY(select(key));
        QString focus;
        bool okAtOpen = true;
        whenDialog([&](QWidget *dialog) {
            focus = dialog->focusWidget() ? dialog->focusWidget()->objectName() : QString();
            okAtOpen = dialog->findChild<QPushButton *>(QStringLiteral("okButton"))->isEnabled();
            auto *text = dialog->findChild<QPlainTextEdit *>(QStringLiteral("value"));
            text->moveCursor(QTextCursor::End);
            QTest::keyClick(text, Qt::Key_Return);
            QTest::keyClicks(text, QStringLiteral("two"));
            QTest::keyClick(text, Qt::Key_Return, Qt::ControlModifier);
            if (dialog->isVisible()) // Ctrl+Enter did not save: leave the form, and let the checks below fail
                qobject_cast<QDialog *>(dialog)->reject();
        });
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("editElement"))));
        QCOMPARE(focus, QStringLiteral("value"));
        QVERIFY(!okAtOpen);
        QCOMPARE(server({"GET", key}).toByteArray(), QByteArray("one\ntwo"));
        server({"DEL", key});
        browser()->removeKeys({key});
    }

    // Scores as people write them: Redis 7.0 sends 91.7 as "91.700000000000003"; the table and the edit form show
    // "91.7", and an edit that leaves the score alone keeps the exact score.
    void scoresShowTheShortestDecimal()
    {
        const QByteArray key = "scores:noise";
        server({"ZADD", key, "91.7", "a", "0.1", "b", "1e9", "c", "-inf", "d"});
        QCOMPARE(server({"ZSCORE", key, "a"}).toByteArray(), QByteArray("91.700000000000003"));
        browser()->addKey(key);
        QVERIFY(select(key));
        QCOMPARE(rows(view()), QList<QStringList>({{QStringLiteral("d"), QStringLiteral("-inf")},
                                                   {QStringLiteral("b"), QStringLiteral("0.1")},
                                                   {QStringLiteral("a"), QStringLiteral("91.7")},
                                                   {QStringLiteral("c"), QStringLiteral("1000000000")}}));
        selectRow(findRow(0, QStringLiteral("a")));
        QString shown;
        whenDialog([&](QWidget *dialog) {
            shown = dialog->findChild<QLineEdit *>(QStringLiteral("score"))->text();
            auto *member = dialog->findChild<QLineEdit *>(QStringLiteral("value"));
            member->clear();
            QTest::keyClicks(member, QStringLiteral("a2"));
            dialog->findChild<QPushButton *>(QStringLiteral("okButton"))->click();
        });
        QVERIFY(clickAndWaitForReload(view()->button(QStringLiteral("editElement"))));
        QCOMPARE(shown, QStringLiteral("91.7"));
        QCOMPARE(server({"ZSCORE", key, "a2"}).toByteArray(), QByteArray("91.700000000000003"));
        server({"DEL", key});
        browser()->removeKeys({key});
    }

    void ttlsAreTypedWithUnits()
    {
        // "1h" is an hour, never 1 second; what cannot be read keeps OK off; under a minute asks again.
        const QByteArray key = "ttl:units";
        QVERIFY(server({"SET", key, "x"}).isStatus());
        QSignalSpy changed(details()->actions(), &KeyActions::keyChanged);

        fillNext({{QStringLiteral("seconds"), QStringLiteral("1h")}});
        details()->actions()->setTtl(key);
        QVERIFY(changed.wait(10000));
        const qint64 hour = server({"TTL", key}).toInteger();
        QVERIFY2(hour > 3590 && hour <= 3600, qPrintable(QString::number(hour)));

        // Garbage: the form says why and OK stays off; Enter does nothing; the TTL is untouched.
        QString hint;
        bool okEnabled = true;
        whenDialog([&](QWidget *dialog) {
            auto *line = dialog->findChild<QLineEdit *>(QStringLiteral("seconds"));
            QVERIFY(line);
            line->clear();
            QTest::keyClicks(line, QStringLiteral("1x"));
            QTest::keyClick(line, Qt::Key_Return);
            okEnabled = dialog->findChild<QPushButton *>(QStringLiteral("okButton"))->isEnabled();
            hint = dialog->findChild<QLabel *>(QStringLiteral("secondsHint"))->text();
            if (dialog->isVisible())
                qobject_cast<QDialog *>(dialog)->reject();
        });
        details()->actions()->setTtl(key);
        QVERIFY(!okEnabled);
        QVERIFY2(hint.contains(QStringLiteral("not a duration")), qPrintable(hint));
        const qint64 still = server({"TTL", key}).toInteger();
        QVERIFY2(still > 3580 && still <= 3600, qPrintable(QString::number(still)));

        // Under a minute: a second question, which can say no.
        QString question;
        fillNext({{QStringLiteral("seconds"), QStringLiteral("30s")}});
        confirmNext(&question, false);
        details()->actions()->setTtl(key);
        QVERIFY2(question.contains(QStringLiteral("expire in 30 s")), qPrintable(question));
        QVERIFY(server({"TTL", key}).toInteger() > 3500);
        fillNext({{QStringLiteral("seconds"), QStringLiteral("45")}});
        confirmNext(&question, true);
        details()->actions()->setTtl(key);
        QVERIFY(changed.wait(10000));
        const qint64 short_ = server({"TTL", key}).toInteger();
        QVERIFY2(short_ > 35 && short_ <= 45, qPrintable(QString::number(short_)));
        server({"DEL", key});
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

private:
    // The labels of the key pane a user can see that say the key is gone.
    QStringList goneMentions() const
    {
        QStringList texts;
        for (const QLabel *label : details()->findChildren<QLabel *>())
            if (label->isVisibleTo(details())
                && (label->text().contains(QStringLiteral("gone"), Qt::CaseInsensitive)
                    || label->text().contains(QStringLiteral("no longer exists"))))
                texts.append(label->text());
        return texts;
    }

    // "New key…" (Ctrl+N) fills a form; the key is made with its first value and TTL, and selected in the tree.
    struct NewKey
    {
        QByteArray name;
        QString type; // the combo's text
        QString field, value, score, ttl;
    };

    // Presses Ctrl+N, checks the form opens with typing in the name and OK off, fills it and presses Create.
    void createWithForm(const NewKey &k, QString *focus, bool *okOffAtFirst)
    {
        whenDialog([k, focus, okOffAtFirst](QWidget *dialog) {
            *focus = dialog->focusWidget() ? dialog->focusWidget()->objectName() : QString();
            auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("okButton"));
            *okOffAtFirst = !ok->isEnabled();
            auto *type = dialog->findChild<QComboBox *>(QStringLiteral("type"));
            type->setCurrentIndex(type->findText(k.type));
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("name")), QString::fromUtf8(k.name));
            if (!k.field.isEmpty())
                QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("field")), k.field);
            dialog->findChild<QPlainTextEdit *>(QStringLiteral("value"))->setPlainText(k.value);
            if (!k.score.isEmpty()) {
                auto *score = dialog->findChild<QLineEdit *>(QStringLiteral("score"));
                score->clear();
                QTest::keyClicks(score, k.score);
            }
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("ttl")), k.ttl);
            if (const QString dir = qEnvironmentVariable("VIGIL_SCREENSHOTS"); !dir.isEmpty())
                dialog->grab().save(dir + QStringLiteral("/new-key.png"));
            ok->click();
        });
        auto *action = m_window->findChild<QAction *>(QStringLiteral("newKeyAction"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(QKeySequence::New));
        action->trigger();
    }

private Q_SLOTS:
    void newKeysOfEveryTypeAreCreated()
    {
        const QList<NewKey> keys = {
            {"vigil:new:string", QStringLiteral("String"), {}, QStringLiteral("hello"), {}, QStringLiteral("1h")},
            {"vigil:new:hash",
             QStringLiteral("Hash"),
             QStringLiteral("f"),
             QStringLiteral("v"),
             {},
             QStringLiteral("1h30m")},
            {"vigil:new:list", QStringLiteral("List"), {}, QStringLiteral("first"), {}, QStringLiteral("2h")},
            {"vigil:new:set", QStringLiteral("Set"), {}, QStringLiteral("m"), {}, QStringLiteral("90m")},
            {"vigil:new:zset",
             QStringLiteral("Sorted set (zset)"),
             {},
             QStringLiteral("m"),
             QStringLiteral("2.5"),
             QStringLiteral("1d")},
            {"vigil:new:stream",
             QStringLiteral("Stream"),
             QStringLiteral("f"),
             QStringLiteral("v"),
             {},
             QStringLiteral("45m")},
        };
        const QList<qint64> ttls = {3600, 5400, 7200, 5400, 86400, 2700};
        for (qsizetype i = 0; i < keys.size(); ++i) {
            const NewKey &k = keys.at(i);
            QSignalSpy added(details()->actions(), &KeyActions::keyAdded);
            QString focus;
            bool okOff = false;
            createWithForm(k, &focus, &okOff);
            QVERIFY2(added.wait(10000) || !added.isEmpty(), qPrintable(details()->actionMessage()));
            QCOMPARE(focus, QStringLiteral("name"));
            QVERIFY(okOff);
            QCOMPARE(server({"TYPE", k.name}).toByteArray(),
                     k.type == QStringLiteral("Sorted set (zset)") ? QByteArray("zset") : k.type.toLower().toUtf8());
            const qint64 ttl = server({"TTL", k.name}).toInteger();
            QVERIFY2(ttl > ttls.at(i) - 10 && ttl <= ttls.at(i), qPrintable(QString::number(ttl)));
            // Selected in the tree, and shown.
            QTRY_COMPARE(browser()->view()->currentIndex().data(KeyTreeModel::KeyBytesRole).toByteArray(), k.name);
            QTRY_COMPARE(details()->key(), k.name);
        }
        QCOMPARE(server({"GET", "vigil:new:string"}).toByteArray(), QByteArray("hello"));
        QCOMPARE(server({"HGET", "vigil:new:hash", "f"}).toByteArray(), QByteArray("v"));
        const RespValue list = server({"LRANGE", "vigil:new:list", "0", "-1"});
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0).toByteArray(), QByteArray("first"));
        QCOMPARE(server({"SISMEMBER", "vigil:new:set", "m"}).toInteger(), 1);
        QCOMPARE(server({"SCARD", "vigil:new:set"}).toInteger(), 1);
        QCOMPARE(server({"ZSCORE", "vigil:new:zset", "m"}).toByteArray(), QByteArray("2.5"));
        const RespValue stream = server({"XRANGE", "vigil:new:stream", "-", "+"});
        QCOMPARE(stream.size(), 1);
        QCOMPARE(stream.at(0).at(1).at(0).toByteArray(), QByteArray("f"));
        QCOMPARE(stream.at(0).at(1).at(1).toByteArray(), QByteArray("v"));
    }

    void aNewKeyNeverOverwritesOne()
    {
        const QByteArray key = "vigil:new:taken";
        QCOMPARE(server({"HSET", key, "keep", "me"}).toInteger(), 1);
        for (const QString &type : {QStringLiteral("String"), QStringLiteral("Hash"), QStringLiteral("List")}) {
            QSignalSpy failed(details()->actions(), &KeyActions::failed);
            QString focus;
            bool okOff = false;
            createWithForm({key, type, QStringLiteral("keep"), QStringLiteral("overwritten?"), {}, QStringLiteral("1h")},
                           &focus, &okOff);
            QVERIFY(failed.wait(10000) || !failed.isEmpty());
            const QString message = failed.first().first().toString();
            QVERIFY2(message.contains(QStringLiteral("a key with this name exists; nothing was changed")),
                     qPrintable(message));
            QCOMPARE(server({"TYPE", key}).toByteArray(), QByteArray("hash"));
            QCOMPARE(server({"HGETALL", key}).size(), 2);
            QCOMPARE(server({"HGET", key, "keep"}).toByteArray(), QByteArray("me"));
            QCOMPARE(server({"TTL", key}).toInteger(), -1);
        }
    }

    // A key that expires while it is shown says so, with its actions disabled and the key struck out in the tree.
    void aKeyThatExpiresWhileShownSaysSo()
    {
        const QByteArray key = "vigil:test:expiring";
        QCOMPARE(server({"SET", key, "soon gone", "PX", "1500"}).toByteArray(), QByteArray("OK"));
        browser()->addKey(key);
        QVERIFY(select(key));
        QCOMPARE(details()->field(QStringLiteral("Type")), QStringLiteral("string"));
        QTRY_VERIFY(details()->field(QStringLiteral("TTL")).startsWith(QStringLiteral("expires in")));
        QVERIFY(details()->goneText().isEmpty());
        QVERIFY(details()->button(QStringLiteral("deleteKey"))->isEnabled());

        // The live TTL runs out: the pane asks the server and says what it found.
        QTRY_VERIFY_WITH_TIMEOUT(!details()->goneText().isEmpty(), 5000);
        const QString gone = details()->goneText();
        QVERIFY2(gone.startsWith(QStringLiteral("This key no longer exists")), qPrintable(gone));
        QVERIFY2(gone.contains(QStringLiteral("noticed at ")), qPrintable(gone));
        const auto *label = details()->findChild<QLabel *>(QStringLiteral("keyGone"));
        QVERIFY(label && label->isVisible());
        QCOMPARE(label->text(), gone);
        // Said once, and the facts of the key that was are cleared, not left standing as if it were there.
        QCOMPARE(goneMentions(), QStringList{gone});
        for (const char *field : {"Type", "TTL", "Encoding", "Size", "Memory"})
            QCOMPARE(details()->field(QString::fromLatin1(field)), QStringLiteral("–"));
        for (const char *name : {"renameKey", "setTtl", "clearTtl", "deleteKey"}) {
            const QPushButton *b = details()->button(QString::fromLatin1(name));
            QVERIFY2(!b->isEnabled(), name);
            QCOMPARE(b->toolTip(), gone);
        }
        QVERIFY(!view()->button(QStringLiteral("editElement"))->isEnabled());
        QCOMPARE(view()->button(QStringLiteral("editElement"))->toolTip(), gone);
        // Reload reads the key afresh: still gone, it says so again (once), never an empty "0 bytes".
        view()->button(QStringLiteral("reload"))->click();
        QTRY_VERIFY(!details()->goneText().isEmpty());
        QCOMPARE(goneMentions(), QStringList{details()->goneText()});
        QVERIFY(!view()->statusText().contains(QStringLiteral("0 bytes")));

        const QModelIndex row = browser()->model()->indexOfKey(key);
        QVERIFY(row.isValid());
        QVERIFY(row.data(KeyTreeModel::IsMissingRole).toBool());
        QVERIFY(row.data(Qt::FontRole).value<QFont>().strikeOut());
        QVERIFY2(row.data(Qt::ToolTipRole).toString().contains(QStringLiteral("No longer exists")),
                 qPrintable(row.data(Qt::ToolTipRole).toString()));
        QVERIFY(!browser()->model()->missingKeys().contains(key)); // not one of a failover's missing keys
        shot(QStringLiteral("key-gone"));
    }

    // A key deleted elsewhere is found gone by Reload, instead of showing an empty value.
    void reloadFindsAKeyDeletedElsewhere()
    {
        const QByteArray key = "vigil:test:deleted-elsewhere";
        QCOMPARE(server({"SET", key, "here"}).toByteArray(), QByteArray("OK"));
        browser()->addKey(key);
        QVERIFY(select(key));
        QCOMPARE(view()->stringText(), QStringLiteral("here"));
        QCOMPARE(server({"DEL", key}).toInteger(), 1);
        view()->button(QStringLiteral("reload"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(details()->goneText().startsWith(QStringLiteral("This key no longer exists")), 5000);
        QCOMPARE(goneMentions(), QStringList{details()->goneText()});
        QCOMPARE(details()->field(QStringLiteral("Size")), QStringLiteral("–"));
        QVERIFY(!details()->button(QStringLiteral("renameKey"))->isEnabled());
        QVERIFY(browser()->model()->indexOfKey(key).data(KeyTreeModel::IsMissingRole).toBool());
    }

    // A key struck out as gone that exists again is un-struck: made again with New key…, or found by Reload.
    void aGoneKeyThatExistsAgainIsUnstruck()
    {
        const QByteArray key = "vigil:test:back-again";
        QCOMPARE(server({"SET", key, "first"}).toByteArray(), QByteArray("OK"));
        browser()->addKey(key);
        QVERIFY(select(key));
        const auto struck = [this, key] {
            const QModelIndex row = browser()->model()->indexOfKey(key);
            return row.data(KeyTreeModel::IsMissingRole).toBool() && row.data(Qt::FontRole).value<QFont>().strikeOut();
        };
        const auto rowsNamed = [this, key] {
            const QModelIndex row = browser()->model()->indexOfKey(key);
            int n = 0;
            for (int r = 0; r < browser()->model()->rowCount(row.parent()); ++r)
                n += browser()->model()->index(r, 0, row.parent()).data(KeyTreeModel::KeyBytesRole).toByteArray()
                     == key;
            return n;
        };
        QCOMPARE(server({"DEL", key}).toInteger(), 1);
        view()->button(QStringLiteral("reload"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(struck(), 5000);

        // New key… makes it again: one row, no longer struck out.
        QSignalSpy added(details()->actions(), &KeyActions::keyAdded);
        details()->actions()->run(KeyEdit::create(key, ValueType::Hash, "f", "v", 0, 0));
        QVERIFY(added.wait(10000));
        QVERIFY(!struck());
        QCOMPARE(rowsNamed(), 1);
        QTRY_COMPARE(details()->field(QStringLiteral("Type")), QStringLiteral("hash"));

        // Gone again, then made elsewhere: Reload finds it and the tree un-strikes it.
        QCOMPARE(server({"DEL", key}).toInteger(), 1);
        view()->button(QStringLiteral("reload"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(struck(), 5000);
        QCOMPARE(server({"RPUSH", key, "x"}).toInteger(), 1);
        view()->button(QStringLiteral("reload"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!struck(), 5000);
        QVERIFY(details()->goneText().isEmpty());
        QTRY_COMPARE(details()->field(QStringLiteral("Type")), QStringLiteral("list"));
        QVERIFY(details()->button(QStringLiteral("renameKey"))->isEnabled());
        QCOMPARE(rowsNamed(), 1);
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

    void untouchedBytesStayAsTheyAre_data()
    {
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QByteArray>("bytes");
        const QList<QPair<const char *, QByteArray>> values = {
            {"CRLF", QByteArray("line 1\r\nline 2\r\n")},
            {"CR", QByteArray("a\rb")},
            {"NBSP", QByteArray("10\xc2\xa0kg")},
            {"U+2028", QByteArray("a\xe2\x80\xa8z")},
            {"U+2029", QByteArray("a\xe2\x80\xa9z")},
            {"invalid UTF-8", QByteArray("caf\xe9 \xff\xfe")},
            {"NUL", QByteArray("a\0b\0", 4)},
            {"bidi", QByteArray("invoice\xe2\x80\xaegpj.exe")},
            {"every byte",
             [] {
                 QByteArray all;
                 for (int b = 0; b < 256; ++b)
                     all += char(b);
                 return all;
             }()},
            {"plain", QByteArray("plain text\n\twith a tab and a \\")},
        };
        for (const char *type : {"string", "hash", "list", "set", "zset"})
            for (const auto &[name, bytes] : values)
                QTest::addRow("%s %s", type, name) << QByteArray(type) << bytes;
    }

    void untouchedBytesStayAsTheyAre()
    {
        // Open the editor on a value a text box would change, press Save without touching it: nothing is written.
        // Change one character: exactly that changes on the server, every other byte stays as it was.
        QFETCH(QByteArray, type);
        QFETCH(QByteArray, bytes);
        const QByteArray key = "bytes:" + QByteArray(QTest::currentDataTag()).replace(' ', ':');
        server({"DEL", key});
        if (type == "string")
            server({"SET", key, bytes});
        else if (type == "hash")
            server({"HSET", key, "f", bytes});
        else if (type == "list")
            server({"RPUSH", key, bytes});
        else if (type == "set")
            server({"SADD", key, bytes});
        else
            server({"ZADD", key, "1", bytes});
        browser()->addKey(key);
        QVERIFY(select(key));
        if (type != "string") {
            QTRY_COMPARE(view()->model()->rowCount(), 1);
            selectRow(0);
        } else {
            QCOMPARE(view()->stringBytes(), bytes);
        }
        const bool multiLine = type == "string" || type == "hash" || type == "list";
        const QString why = EditableText::whatNeedsEscaping(bytes);
        RedisConnection *connection = details()->link()->connection();
        QVERIFY(connection);
        const int writes = connection->commandCount("EVAL") + connection->commandCount("SET");

        bool okEnabled = true;
        QString shown, hint;
        whenDialog([&](QWidget *dialog) {
            okEnabled = dialog->findChild<QPushButton *>(QStringLiteral("okButton"))->isEnabled();
            if (auto *text = dialog->findChild<QPlainTextEdit *>(QStringLiteral("value")))
                shown = text->toPlainText();
            else if (auto *line = dialog->findChild<QLineEdit *>(QStringLiteral("value")))
                shown = line->text();
            if (auto *label = dialog->findChild<QLabel *>(QStringLiteral("valueHint")))
                hint = label->text();
            qobject_cast<QDialog *>(dialog)->accept(); // as Enter would, were OK enabled
        });
        view()->button(QStringLiteral("editElement"))->click();
        QVERIFY(!okEnabled); // nothing changed: nothing to save
        if (why.isEmpty()) {
            QCOMPARE(shown, QString::fromUtf8(bytes));
            QVERIFY(hint.isEmpty());
        } else {
            QCOMPARE(shown, EditableText::escape(bytes, multiLine));
            QVERIFY2(hint.startsWith(QStringLiteral("Shown escaped: it holds %1").arg(why)), qPrintable(hint));
        }
        QCOMPARE(connection->commandCount("EVAL") + connection->commandCount("SET"), writes);

        // One character typed at the end.
        whenDialog([](QWidget *dialog) {
            if (auto *text = dialog->findChild<QPlainTextEdit *>(QStringLiteral("value"))) {
                text->moveCursor(QTextCursor::End);
                QTest::keyClicks(text, QStringLiteral("!"));
            } else {
                auto *line = dialog->findChild<QLineEdit *>(QStringLiteral("value"));
                line->end(false);
                QTest::keyClicks(line, QStringLiteral("!"));
            }
            dialog->findChild<QPushButton *>(QStringLiteral("okButton"))->click();
        });
        QSignalSpy changed(details()->actions(), &KeyActions::keyChanged);
        view()->button(QStringLiteral("editElement"))->click();
        QVERIFY2(changed.wait(10000), qPrintable(details()->actionMessage()));
        const QByteArray expected = bytes + '!';
        if (type == "string") {
            QCOMPARE(server({"GET", key}).toByteArray(), expected);
        } else if (type == "hash") {
            QCOMPARE(server({"HGET", key, "f"}).toByteArray(), expected);
        } else if (type == "list") {
            QCOMPARE(server({"LRANGE", key, "0", "-1"}), RespValue::array({RespValue::bulk(expected)}));
        } else if (type == "set") {
            QCOMPARE(server({"SMEMBERS", key}), RespValue::array({RespValue::bulk(expected)}));
        } else {
            QCOMPARE(server({"ZRANGE", key, "0", "-1", "WITHSCORES"}),
                     RespValue::array({RespValue::bulk(expected), RespValue::bulk("1")}));
        }
        server({"DEL", key});
        browser()->removeKeys({key});
    }

    void editsRefuseWhatChangedSinceItWasRead()
    {
        // Someone else writes between the user's read and the user's save: the server refuses the save, in the same
        // step as the check, and what the other writer wrote stays.
        QSignalSpy failed(details()->actions(), &KeyActions::failed);
        const auto refused = [&](const std::function<void()> &act, const QString &words) {
            failed.clear();
            act();
            if (!failed.wait(10000) && failed.isEmpty())
                return false;
            const QString message = failed.first().first().toString();
            if (!message.contains(words)) {
                qWarning() << "refused with" << message;
                return false;
            }
            return true;
        };
        const auto editSelected = [this](const QHash<QString, QString> &values) {
            return [this, values] {
                fillNext(values);
                view()->button(QStringLiteral("editElement"))->click();
            };
        };
        const auto addOne = [this](const QHash<QString, QString> &values) {
            return [this, values] {
                fillNext(values);
                view()->button(QStringLiteral("addElement"))->click();
            };
        };
        const QString changed = QStringLiteral("changed since you opened it");
        const QString gone = QStringLiteral("changed since you opened it (the key no longer exists)");
        const auto open = [this](const QByteArray &key, const QList<RespCommand> &create) {
            server({"DEL", key});
            for (const RespCommand &command : create)
                server(command);
            browser()->addKey(key);
            return select(key);
        };

        // A string: overwritten, retyped, deleted.
        QVERIFY(open("guard:string", {{"SET", "guard:string", "seen"}}));
        server({"SET", "guard:string", "theirs"});
        QVERIFY(refused(editSelected({{QStringLiteral("value"), QStringLiteral("mine")}}),
                        changed + QStringLiteral(" (the value is not the one shown any more)")));
        QCOMPARE(server({"GET", "guard:string"}).toByteArray(), QByteArray("theirs"));
        QVERIFY(open("guard:string", {{"SET", "guard:string", "seen"}}));
        server({"DEL", "guard:string"});
        server({"HSET", "guard:string", "f", "v"});
        QVERIFY(refused(editSelected({{QStringLiteral("value"), QStringLiteral("mine")}}),
                        changed + QStringLiteral(" (the key holds a hash now)")));
        QCOMPARE(server({"HGETALL", "guard:string"}), RespValue::array({RespValue::bulk("f"), RespValue::bulk("v")}));
        QVERIFY(open("guard:string", {{"SET", "guard:string", "seen"}}));
        server({"DEL", "guard:string"});
        QVERIFY(refused(editSelected({{QStringLiteral("value"), QStringLiteral("mine")}}), gone));
        QCOMPARE(server({"EXISTS", "guard:string"}).toInteger(), 0);

        // A hash: a field's value changed, then the key deleted.
        QVERIFY(open("guard:hash", {{"HSET", "guard:hash", "f", "seen"}}));
        selectRow(0);
        server({"HSET", "guard:hash", "f", "theirs"});
        QVERIFY(refused(editSelected({{QStringLiteral("value"), QStringLiteral("mine")}}), changed));
        QString question;
        confirmNext(&question);
        QVERIFY(refused([this] { view()->button(QStringLiteral("removeElement"))->click(); }, changed));
        QCOMPARE(server({"HGET", "guard:hash", "f"}).toByteArray(), QByteArray("theirs"));
        server({"DEL", "guard:hash"});
        QVERIFY(refused(
            addOne({{QStringLiteral("field"), QStringLiteral("g")}, {QStringLiteral("value"), QStringLiteral("x")}}),
            gone));
        QCOMPARE(server({"EXISTS", "guard:hash"}).toInteger(), 0);

        // A list: appending to a deleted list does not make a new one.
        QVERIFY(open("guard:list", {{"RPUSH", "guard:list", "a"}}));
        server({"DEL", "guard:list"});
        QVERIFY(refused(addOne({{QStringLiteral("value"), QStringLiteral("b")}}), QStringLiteral("no longer exists")));
        QCOMPARE(server({"EXISTS", "guard:list"}).toInteger(), 0);

        // A set: renaming a member onto another would merge the two; adding to a deleted set would recreate it.
        QVERIFY(open("guard:set", {{"SADD", "guard:set", "a", "b"}}));
        selectRow(findRow(0, QStringLiteral("a")));
        QVERIFY(refused(editSelected({{QStringLiteral("value"), QStringLiteral("b")}}),
                        QStringLiteral("the new member is already in the set; nothing was changed")));
        QCOMPARE(server({"SCARD", "guard:set"}).toInteger(), 2);
        server({"DEL", "guard:set"});
        QVERIFY(refused(addOne({{QStringLiteral("value"), QStringLiteral("c")}}), gone));
        QCOMPARE(server({"EXISTS", "guard:set"}).toInteger(), 0);

        // A sorted set: renaming onto another member would overwrite its score; a score edit needs the member, with
        // the score shown.
        QVERIFY(open("guard:zset", {{"ZADD", "guard:zset", "1", "a", "2", "b"}}));
        selectRow(findRow(0, QStringLiteral("a")));
        QVERIFY(refused(editSelected({{QStringLiteral("value"), QStringLiteral("b")}}),
                        QStringLiteral("the new member is already in the sorted set; nothing was changed")));
        QCOMPARE(server({"ZSCORE", "guard:zset", "b"}).toByteArray(), QByteArray("2"));
        QCOMPARE(server({"ZSCORE", "guard:zset", "a"}).toByteArray(), QByteArray("1"));
        server({"ZREM", "guard:zset", "a"});
        QVERIFY(refused(editSelected({{QStringLiteral("score"), QStringLiteral("7")}}),
                        changed + QStringLiteral(" (the member is no longer in the sorted set)")));
        QVERIFY(server({"ZSCORE", "guard:zset", "a"}).isNil());
        selectRow(findRow(0, QStringLiteral("b")));
        server({"ZADD", "guard:zset", "5", "b"});
        QVERIFY(refused(editSelected({{QStringLiteral("score"), QStringLiteral("7")}}),
                        changed + QStringLiteral(" (its score is 5 now)")));
        QCOMPARE(server({"ZSCORE", "guard:zset", "b"}).toByteArray(), QByteArray("5"));

        for (const QByteArray key : {"guard:string", "guard:hash", "guard:list", "guard:set", "guard:zset"}) {
            server({"DEL", key});
            browser()->removeKeys({key});
        }
    }

    void aWriteNoReplicaHasIsSaidToBeAtRisk()
    {
        // The write lands on the master; WAIT on the same connection says whether a replica has it. With both
        // replicas paused, none does: the user is told that a failover now would lose it.
        const QByteArray key = "risk:counter";
        server({"SET", key, "1"});
        browser()->addKey(key);
        QVERIFY(select(key));
        QTRY_COMPARE_WITH_TIMEOUT(browser()->deployment()->watcher()->lastSnapshot().master.connectedReplicas, 2, 15000);
        QList<quint16> replicas = m_sandbox->dataPorts();
        replicas.removeAll(m_sandbox->currentMasterPort());
        QCOMPARE(replicas.size(), 2);
        for (quint16 port : replicas)
            QVERIFY(!m_sandbox->pauseNode(port).isError());
        const auto resume = qScopeGuard([&] {
            for (quint16 port : replicas)
                m_sandbox->resumeNode(port);
        });
        QSignalSpy warned(details()->actions(), &KeyActions::warned);
        QSignalSpy succeeded(details()->actions(), &KeyActions::succeeded);
        fillNext({{QStringLiteral("value"), QStringLiteral("2")}});
        view()->button(QStringLiteral("editElement"))->click();
        QVERIFY(warned.wait(15000));
        QVERIFY(succeeded.isEmpty());
        QVERIFY2(details()->actionMessage().endsWith(
                     QStringLiteral("but not yet on any of its 2 replicas: a failover now would lose it.")),
                 qPrintable(details()->actionMessage()));
        QCOMPARE(server({"GET", key}).toByteArray(), QByteArray("2")); // it is saved, on the master

        // Replicas back and caught up: the next write is plainly done.
        for (quint16 port : replicas)
            QVERIFY(!m_sandbox->resumeNode(port).isError());
        QTRY_VERIFY_WITH_TIMEOUT(replicasCaughtUp(), 30000);
        QVERIFY(select(key));
        warned.clear();
        fillNext({{QStringLiteral("value"), QStringLiteral("3")}});
        view()->button(QStringLiteral("editElement"))->click();
        QVERIFY(succeeded.wait(15000));
        QVERIFY(warned.isEmpty());
        QVERIFY2(details()->actionMessage().endsWith(QStringLiteral(": done.")), qPrintable(details()->actionMessage()));
        server({"DEL", key});
        browser()->removeKeys({key});
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

        // The sentinels too: nothing that changes what they do leaves a read-only deployment's connection.
        const quint16 masterPort = m_sandbox->currentMasterPort();
        const QByteArray name = target.masterName.toUtf8();
        RedisConnection sentinel(
            target.sentinelOptions(HostPort{QStringLiteral("127.0.0.1"), m_sandbox->sentinelPorts().first()}));
        QVERIFY(!sentinel.openBlocking().isError());
        for (const RespCommand &write : QList<RespCommand>{{"SENTINEL", "FAILOVER", name},
                                                           {"SENTINEL", "SET", name, "quorum", "1"},
                                                           {"SENTINEL", "RESET", "*"},
                                                           {"SENTINEL", "REMOVE", name},
                                                           {"SENTINEL", "MONITOR", "other", "127.0.0.1", "1", "1"}}) {
            const RespResult result = sentinel.execute(write);
            QCOMPARE(result.error.kind(), VigilError::Kind::Refused);
            QVERIFY2(result.error.toString().contains(QStringLiteral("read-only")), qPrintable(result.error.toString()));
        }
        QCOMPARE(sentinel.commandCount("SENTINEL"), 0);
        const RespResult master = sentinel.execute({"SENTINEL", "MASTER", name});
        QVERIFY(master.ok() && master.value.isArray()); // reads still work, and the master is still monitored
        QCOMPARE(m_sandbox->currentMasterPort(), masterPort);

        // And the window offers no writes.
        MainWindow window;
        window.show();
        window.setTarget(target);
        QTRY_VERIFY_WITH_TIMEOUT(window.browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
        const QModelIndex index = window.browser()->model()->indexOfKey("config:app");
        window.browser()->view()->setCurrentIndex(index);
        // The value is read through the window's own link, once the watcher names the master: wait for what the
        // user would see, the value's status line, not for one signal that may already have gone by.
        QTRY_VERIFY_WITH_TIMEOUT(window.details()->valueView()->key() == "config:app"
                                     && !window.details()->valueView()->isLoading()
                                     && !window.details()->valueView()->statusText().isEmpty(),
                                 30000);
        for (const QString &name : {QStringLiteral("renameKey"), QStringLiteral("setTtl"), QStringLiteral("deleteKey")})
            QVERIFY2(!window.details()->button(name)->isEnabled(), qPrintable(name));
        QVERIFY(!window.details()->valueView()->button(QStringLiteral("addElement"))->isEnabled());
        QVERIFY(window.details()->button(QStringLiteral("copyName"))->isEnabled());
        // "New key…" is off in the Keys menu and the tree's menu, saying why.
        auto *newKey = window.findChild<QAction *>(QStringLiteral("newKeyAction"));
        QVERIFY(newKey);
        const auto *keysMenu = qobject_cast<QMenu *>(newKey->associatedObjects().value(0));
        QVERIFY(keysMenu);
        Q_EMIT const_cast<QMenu *>(keysMenu)->aboutToShow();
        QVERIFY(!newKey->isEnabled());
        QVERIFY2(newKey->toolTip().contains(QStringLiteral("read-only")), qPrintable(newKey->toolTip()));
        QMenu treeMenu;
        window.details()->actions()->populateMenu(&treeMenu, {"config:app"}, "config:app");
        QVERIFY(!treeMenu.actions().value(0)->isEnabled());
        QCOMPARE(treeMenu.actions().value(0)->text(), QStringLiteral("New key…"));
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
        details()->actions()->run(KeyEdit::hashAdd("config:app", "after", "failover"));
        QVERIFY(changed.wait(10000));
        QCOMPARE(server({"HGET", "config:app", "after"}).toByteArray(), QByteArray("failover"));
        QCOMPARE(details()->link()->connection()->options().port, m_sandbox->currentMasterPort());
    }
};

QTEST_MAIN(TestKeyActions)
#include "tst_keyactions.moc"
