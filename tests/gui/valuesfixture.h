#pragma once

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
#include "sandboxfixture.h"
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

// What the value tests share: a sandbox, a main window on it with its scan complete, and the helpers that act as a
// user would (select a key, answer the next dialog, read what the server holds). tst_valueview and tst_keyactions
// derive from it; each test class starts its own sandbox.
class ValuesFixture : public QObject
{
protected:
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

    // Whether every replica of the master is online and has everything the master wrote (INFO replication).
    bool replicasCaughtUp() const
    {
        const QByteArray info = server({"INFO", "replication"}).toByteArray();
        qint64 offset = -1;
        int replicas = 0, caughtUp = 0;
        for (const QByteArray &line : info.split('\n')) {
            const QByteArray l = line.trimmed();
            if (l.startsWith("master_repl_offset:"))
                offset = l.mid(19).toLongLong();
        }
        for (const QByteArray &line : info.split('\n')) {
            const QByteArray l = line.trimmed();
            if (!l.startsWith("slave") || !l.contains("state="))
                continue;
            ++replicas;
            if (l.contains("state=online") && l.contains(QByteArray("offset=" + QByteArray::number(offset) + ',')))
                ++caughtUp;
        }
        return replicas > 0 && caughtUp == replicas;
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

    bool openWindow()
    {
        m_sandbox = SandboxFixture::start(generated);
        if (!m_sandbox)
            return false;
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        m_window->setTarget(m_sandbox->target());
        return QTest::qWaitFor([this] { return browser()->scanStatus().startsWith(QStringLiteral("Scan complete")); },
                               30000);
    }

    void closeWindow()
    {
        m_window.reset();
        m_sandbox.reset();
    }
};
