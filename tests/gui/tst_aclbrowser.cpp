#include "aclusers.h"
#include "deploymentpanel.h"
#include "deploymentview.h"
#include "monitorpanel.h"
#include "topologyview.h"
#include "valuesfixture.h"

#include <QStandardPaths>

namespace {
// Every message Qt or Vigil logs while a test counts them: a refused key must not add a line each.
QStringList loggedMessages;
void countMessages(QtMsgType, const QMessageLogContext &, const QString &message)
{
    // The offscreen platform's note when a window is resized is not ours.
    if (!message.contains(QLatin1String("propagateSizeHints")))
        loggedMessages.append(message);
}
} // namespace

// The key browser as least-privilege ACL users see it: the scan completes, writes and the drill are disabled with the
// reason, the role is marked as not verified, and keys outside a key pattern are marked, not reported as errors.
class TestAclBrowser final : public ValuesFixture
{
    Q_OBJECT

    bool openAs(const AclUsers::User &user, const AclUsers::User &sentinel = {})
    {
        m_window->setTarget(AclUsers::target(*m_sandbox, user, sentinel), 200);
        return QTest::qWaitFor([this] { return browser()->scanStatus().startsWith(QStringLiteral("Scan complete")); },
                               30000);
    }

    void pick(const QByteArray &key)
    {
        const QModelIndex index = browser()->model()->indexOfKey(key);
        QVERIFY(index.isValid());
        browser()->view()->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                                        | QItemSelectionModel::Rows);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_sandbox = SandboxFixture::start(generated);
        QVERIFY(m_sandbox);
        QVERIFY(AclUsers::setUp(*m_sandbox));
        m_window = std::make_unique<MainWindow>();
        m_window->setRememberSession(false);
        m_window->show();
    }
    void cleanupTestCase() { closeWindow(); }

    void readUserBrowsesReadOnlyByAcl()
    {
        QVERIFY(openAs(AclUsers::reader()));
        QCOMPARE(browser()->scanStatus().contains(QStringLiteral("failed")), false);
        // Said before the user tries anything.
        QTRY_VERIFY(m_window->fieldText(QStringLiteral("Access")).startsWith(QStringLiteral("read-only (by ACL)")));
        const QByteArray key = firstKeyWithPrefix("cache:page:");
        QVERIFY(select(key));
        // What @read grants keeps working: the facts and the value.
        QCOMPARE(details()->field(QStringLiteral("Type")), QStringLiteral("string"));
        QTRY_VERIFY(details()->field(QStringLiteral("Encoding")) != QStringLiteral("…"));
        QVERIFY(details()->field(QStringLiteral("Encoding")) != QStringLiteral("unknown"));
        QTRY_VERIFY(details()->field(QStringLiteral("Memory")) != QStringLiteral("…"));
        QVERIFY(details()->field(QStringLiteral("Memory")) != QStringLiteral("unknown"));
        QCOMPARE(view()->stringBytes(), server({"GET", key}).toByteArray());

        // Writes: disabled, with the reason, everywhere a user would try one.
        QTRY_VERIFY(m_window->fieldText(QStringLiteral("Access")).startsWith(QStringLiteral("read-only (by ACL)")));
        for (const QString &name :
             {QStringLiteral("deleteKey"), QStringLiteral("renameKey"), QStringLiteral("setTtl")}) {
            QPushButton *button = details()->button(name);
            QVERIFY2(button, qPrintable(name));
            QVERIFY2(!button->isEnabled(), qPrintable(name));
            QVERIFY2(button->toolTip().contains(QStringLiteral("this user may not write (ACL)")), qPrintable(name));
        }
        QMenu menu;
        details()->actions()->populateMenu(&menu, {key}, key);
        bool reasonShown = false;
        for (QAction *action : menu.actions()) {
            if (action->text().startsWith(QStringLiteral("Delete"))
                || action->text().startsWith(QStringLiteral("Rename")))
                QVERIFY2(!action->isEnabled(), qPrintable(action->text()));
            reasonShown = reasonShown || action->text().contains(QStringLiteral("this user may not write (ACL)"));
        }
        QVERIFY(reasonShown);

        // The role, and what INFO would have said.
        const QString unverified = QStringLiteral("role not verified: this user may not run ROLE or INFO");
        QTRY_VERIFY(m_window->fieldText(QStringLiteral("ROLE check")).contains(unverified));
        QTRY_VERIFY2(m_window->statusText().contains(unverified), qPrintable(m_window->statusText()));
        QVERIFY2(m_window->statusText().contains(QStringLiteral("read-only (by ACL)")),
                 qPrintable(m_window->statusText()));
        QCOMPARE(m_window->fieldText(QStringLiteral("Redis version")),
                 QStringLiteral("not permitted: this user may not run INFO"));
        QCOMPARE(m_window->fieldText(QStringLiteral("Replicas connected")),
                 QStringLiteral("not permitted: this user may not run INFO"));
        // The Topology tab says why it shows no offsets or lag, rather than leaving them out unexplained.
        QTRY_VERIFY(m_window->monitor()->topology()->nodeTexts().join(QLatin1Char('\n')).contains(unverified));
        const QString topology = m_window->monitor()->topology()->nodeTexts().join(QLatin1Char('\n'));
        QVERIFY2(topology.contains(QStringLiteral("offset not permitted: this user may not run INFO")),
                 qPrintable(topology));
        QCOMPARE(topology.count(QStringLiteral("lag unknown: this user may not run INFO on the master")), 2);
    }

    void keyPatternUserSeesNotPermittedKeysWithoutAStorm()
    {
        QVERIFY(openAs(AclUsers::patternReader()));
        QList<QByteArray> others;
        for (const QByteArray &prefix : {QByteArray("cache:page:"), QByteArray("session:"), QByteArray("feature:")}) {
            others.append(prefix == "feature:" ? QByteArray("feature:flags") : firstKeyWithPrefix(prefix));
        }
        // The scan listed them all the same (SCAN ignores key patterns).
        for (const QByteArray &key : std::as_const(others))
            QVERIFY(browser()->model()->indexOfKey(key).isValid());

        loggedMessages.clear();
        const QtMessageHandler previous = qInstallMessageHandler(countMessages);
        for (const QByteArray &key : std::as_const(others)) {
            pick(key);
            QTRY_VERIFY(details()->field(QStringLiteral("Type")).startsWith(QStringLiteral("not permitted")));
            // No dialog, no message line: a quiet mark in the pane and in the tree.
            QVERIFY(!QApplication::activeModalWidget());
            QVERIFY(details()->actionMessage().isEmpty());
            const QModelIndex index = browser()->model()->indexOfKey(key);
            QTRY_VERIFY(index.data(KeyTreeModel::IsNotPermittedRole).toBool());
            QCOMPARE(index.siblingAtColumn(KeyTreeModel::CountColumn).data().toString(),
                     QStringLiteral("not permitted"));
        }
        // Its own keys read as usual, and are not marked.
        const QByteArray own = firstKeyWithPrefix("user:");
        pick(own);
        QTRY_COMPARE(details()->field(QStringLiteral("Type")), QStringLiteral("hash"));
        QVERIFY(!browser()->model()->indexOfKey(own).data(KeyTreeModel::IsNotPermittedRole).toBool());
        qInstallMessageHandler(previous);
        QVERIFY2(loggedMessages.isEmpty(), qPrintable(loggedMessages.join(QLatin1Char('\n'))));
    }

    void editorIsToldTheRoleIsNotVerified()
    {
        QVERIFY(openAs(AclUsers::editor()));
        const QByteArray key = firstKeyWithPrefix("session:");
        QVERIFY(select(key));
        QTRY_VERIFY(m_window->fieldText(QStringLiteral("ROLE check")).contains(QStringLiteral("role not verified")));
        // The editing rules are enough to write: the buttons stay on, and a delete goes through.
        QVERIFY(details()->button(QStringLiteral("deleteKey"))->isEnabled());
        QCOMPARE(m_window->fieldText(QStringLiteral("Access")),
                 QStringLiteral("read and write (every change asks first)"));
        // The edit forms are confirmations too: they say it as well.
        QString formText;
        whenDialog([&formText](QWidget *dialog) {
            for (const QLabel *label : dialog->findChildren<QLabel *>())
                formText += label->text();
            qobject_cast<QDialog *>(dialog)->reject();
        });
        details()->button(QStringLiteral("setTtl"))->click();
        QVERIFY2(formText.contains(QStringLiteral("role not verified: this user may not run ROLE or INFO")),
                 qPrintable(formText));
        QString question;
        QSignalSpy removed(details()->actions(), &KeyActions::keysRemoved);
        confirmNext(&question);
        details()->button(QStringLiteral("deleteKey"))->click();
        QVERIFY2(question.contains(QStringLiteral("role not verified: this user may not run ROLE or INFO")),
                 qPrintable(question));
        QVERIFY(removed.wait(10000));
        QCOMPARE(server({"EXISTS", key}).toInteger(), 0);
    }

    void limitedSentinelUserDisablesTheDrill()
    {
        QVERIFY(openAs(AclUsers::editor(), AclUsers::sentinelWatcher()));
        QAction *failover = m_window->monitor()->failoverAction();
        QTRY_VERIFY(!failover->isEnabled());
        QVERIFY2(failover->toolTip().contains(QStringLiteral("may not run SENTINEL FAILOVER")),
                 qPrintable(failover->toolTip()));
    }
};

QTEST_MAIN(TestAclBrowser)
#include "tst_aclbrowser.moc"
