#include "connectiondialog.h"
#include "dialogfixture.h"
#include "keybrowser.h"
#include "keytreemodel.h"
#include "mainwindow.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"

#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using DialogFixture::field;
using DialogFixture::seeds;

// The connection dialog as a user fills it in: typing, pasting a URI, testing step by step, listing masters, saving a
// profile (without its passwords), and connecting the main window to a real sandbox.
class TestConnectionDialog final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox; // requirepass on data nodes and sentinels

    void fillIn(ConnectionDialog &dialog, const QString &dataPassword)
    {
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), seeds(*m_sandbox));
        QTest::keyClicks(field<QComboBox>(dialog, "master")->lineEdit(), QStringLiteral("vigil"));
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinelPassword"), QString::fromUtf8(m_sandbox->sentinelPassword()));
        QTest::keyClicks(field<QLineEdit>(dialog, "password"), dataPassword);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("VigilTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_connectiondialog"));
        QSettings().clear();
        SandboxOptions options;
        options.keys = 500;
        options.auth = SandboxOptions::Auth::Password;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_sandbox.reset();
    }

    void testConnectionStepByStep()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, QString::fromUtf8(m_sandbox->dataPassword()));
        const QStringList lines = DialogFixture::testConnection(dialog, 6);
        const quint16 master = m_sandbox->currentMasterPort();
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("✓ Sentinel reached: 127.0.0.1:")), qPrintable(lines.at(0)));
        QCOMPARE(lines.at(1), QStringLiteral("✓ Sentinel credentials: credentials accepted"));
        QCOMPARE(lines.at(2), QStringLiteral("✓ Master name known: at 127.0.0.1:%1").arg(master));
        QCOMPARE(lines.at(3), QStringLiteral("✓ Master reached: 127.0.0.1:%1 accepted the connection").arg(master));
        QCOMPARE(lines.at(4), QStringLiteral("✓ Master credentials: credentials accepted"));
        QCOMPARE(lines.at(5), QStringLiteral("✓ Master's ROLE: master"));
    }

    void wrongPasswordBreaksAtTheRightStep()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, QStringLiteral("not-the-password"));
        const QStringList lines = DialogFixture::testConnection(dialog, 6);
        for (int i = 0; i < 4; ++i)
            QVERIFY2(lines.at(i).startsWith(QStringLiteral("✓")), qPrintable(lines.at(i)));
        QCOMPARE(lines.at(4), QStringLiteral("✗ Master credentials: master 127.0.0.1:%1 refused the user name or "
                                             "password: check them under Data-node auth")
                                  .arg(m_sandbox->currentMasterPort()));
        QVERIFY(!lines.at(4).contains(QStringLiteral("not-the-password")));
        // Not tried is not failed.
        QCOMPARE(lines.at(5), QStringLiteral("· Master's ROLE: not tried"));
    }

    // No password where the master wants one: said as what to do, not as "CLIENT SETNAME failed: NOAUTH".
    void aMissingPasswordIsSaidInWords()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, QString());
        const QStringList lines = DialogFixture::testConnection(dialog, 6);
        QCOMPARE(lines.at(4), QStringLiteral("✗ Master credentials: the master requires a password: set it under "
                                             "Data-node auth"));
        QCOMPARE(lines.at(5), QStringLiteral("· Master's ROLE: not tried"));
    }

    void uriFillsTheFields()
    {
        ConnectionDialog dialog;
        const quint16 a = m_sandbox->sentinelPorts().at(0);
        const quint16 b = m_sandbox->sentinelPorts().at(1);
        QTest::keyClicks(field<QLineEdit>(dialog, "uri"),
                         QStringLiteral("redis+sentinel://alice:pw@127.0.0.1:%1,127.0.0.1:%2/vigil/3").arg(a).arg(b));
        QCOMPARE(field<QLineEdit>(dialog, "sentinels")->text(),
                 QStringLiteral("127.0.0.1:%1, 127.0.0.1:%2").arg(a).arg(b));
        QCOMPARE(field<QComboBox>(dialog, "master")->currentText(), QStringLiteral("vigil"));
        QCOMPARE(field<QSpinBox>(dialog, "db")->value(), 3);
        QCOMPARE(field<QLineEdit>(dialog, "user")->text(), QStringLiteral("alice"));
        QCOMPARE(field<QLineEdit>(dialog, "password")->text(), QStringLiteral("pw"));
        QVERIFY(field<QLabel>(dialog, "uriError")->text().isEmpty());

        field<QLineEdit>(dialog, "uri")->clear();
        QTest::keyClicks(field<QLineEdit>(dialog, "uri"), QStringLiteral("redis://localhost:6379"));
        QCOMPARE(field<QLabel>(dialog, "uriError")->text(),
                 QStringLiteral("unknown scheme 'redis': expected redis+sentinel://, rediss+sentinel:// (TLS), "
                                "redis-sentinel:// or rediss-sentinel:// (TLS)"));

        // A TLS URI is never taken as a plain one: it turns the TLS box on, for both sides.
        QVERIFY(!field<QGroupBox>(dialog, "tls")->isChecked());
        field<QLineEdit>(dialog, "uri")->clear();
        QTest::keyClicks(field<QLineEdit>(dialog, "uri"), QStringLiteral("rediss+sentinel://10.9.9.9:26379/tls"));
        QVERIFY(field<QLabel>(dialog, "uriError")->text().isEmpty());
        QCOMPARE(field<QComboBox>(dialog, "master")->currentText(), QStringLiteral("tls"));
        QVERIFY(field<QGroupBox>(dialog, "tls")->isChecked());
        QCOMPARE(field<QComboBox>(dialog, "tlsSides")->currentText(), QStringLiteral("Sentinels and data nodes"));
        SentinelTarget target;
        QString error;
        QVERIFY(dialog.profile().toTarget(&target, {}, {}, &error));
        QVERIFY(target.sentinelTls.enabled && target.dataTls.enabled);
    }

    void listMasters()
    {
        ConnectionDialog dialog;
        dialog.show();
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), seeds(*m_sandbox));
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinelPassword"), QString::fromUtf8(m_sandbox->sentinelPassword()));
        QTest::mouseClick(field<QPushButton>(dialog, "listMasters"), Qt::LeftButton);
        auto *master = field<QComboBox>(dialog, "master");
        QTRY_COMPARE_WITH_TIMEOUT(master->count(), 1, 10000);
        QCOMPARE(master->itemText(0), QStringLiteral("vigil"));
    }

    void profilesAreSavedWithoutPasswords()
    {
        {
            ConnectionDialog dialog;
            QTest::keyClicks(field<QLineEdit>(dialog, "name"), QStringLiteral("sandbox"));
            fillIn(dialog, QStringLiteral("data-secret-123"));
            QTest::keyClicks(field<QLineEdit>(dialog, "user"), QStringLiteral("alice"));
            QTest::mouseClick(field<QPushButton>(dialog, "saveProfile"), Qt::LeftButton);
        }
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray stored = file.readAll();
        QVERIFY(stored.contains("alice"));
        QVERIFY(!stored.contains("data-secret-123"));
        QVERIFY(!stored.contains(m_sandbox->sentinelPassword()));

        ConnectionDialog again;
        auto *profiles = again.findChild<QListWidget *>(QStringLiteral("profiles"));
        QCOMPARE(profiles->count(), 1);
        profiles->setCurrentRow(0);
        QCOMPARE(field<QLineEdit>(again, "sentinels")->text(), seeds(*m_sandbox));
        QCOMPARE(field<QComboBox>(again, "master")->currentText(), QStringLiteral("vigil"));
        QCOMPARE(field<QLineEdit>(again, "user")->text(), QStringLiteral("alice"));
        QVERIFY(field<QLineEdit>(again, "password")->text().isEmpty());
    }

    void connectTheWindowByTypingIntoTheDialog()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, QString::fromUtf8(m_sandbox->dataPassword()));
        QTest::mouseClick(field<QPushButton>(dialog, "connect"), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        MainWindow window;
        window.show();
        window.setTarget(dialog.target());
        QTRY_VERIFY_WITH_TIMEOUT(
            window.browser()->scanStatus().startsWith(
                QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(m_sandbox->loadedKeyCount()))),
            20000);
        QVERIFY(window.browser()->model()->rowCount() > 5);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.headline().contains(
                QStringLiteral("Connected to master 127.0.0.1:%1").arg(m_sandbox->currentMasterPort())),
            10000);
    }

    // The dialog opens with typing in its first field, not on Connect; Connect waits until the fields make a
    // connection, and the line beside it says what is still missing. Enter on an incomplete form does nothing.
    void connectWaitsForWhatItNeeds()
    {
        ConnectionDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.focusWidget(), field<QLineEdit>(dialog, "uri"));
        auto *connect = field<QPushButton>(dialog, "connect");
        auto *hint = field<QLabel>(dialog, "connectHint");
        QVERIFY(!connect->isEnabled());
        QCOMPARE(hint->text(), QStringLiteral("Give at least one sentinel as host:port."));
        QTest::keyClick(field<QLineEdit>(dialog, "uri"), Qt::Key_Return);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));

        QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), QStringLiteral("127.0.0.1:26379"));
        QVERIFY(!connect->isEnabled());
        QCOMPARE(hint->text(), QStringLiteral("Give the master's name (as the sentinels know it)."));
        QTest::keyClicks(field<QComboBox>(dialog, "master")->lineEdit(), QStringLiteral("vigil"));
        QVERIFY(connect->isEnabled());
        QCOMPARE(hint->text(), QString());
        QTest::keyClicks(field<QLineEdit>(dialog, "addressMap"), QStringLiteral("nonsense"));
        QVERIFY(!connect->isEnabled());
        QVERIFY2(hint->text().contains(QStringLiteral("is not an address remap")), qPrintable(hint->text()));
        field<QLineEdit>(dialog, "addressMap")->clear();

        // A pasted URI is enough.
        ConnectionDialog pasted;
        pasted.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pasted));
        QTest::keyClicks(pasted.focusWidget(), QStringLiteral("redis+sentinel://127.0.0.1:26379/vigil"));
        QVERIFY(field<QPushButton>(pasted, "connect")->isEnabled());
    }
};

QTEST_MAIN(TestConnectionDialog)
#include "tst_connectiondialog.moc"
