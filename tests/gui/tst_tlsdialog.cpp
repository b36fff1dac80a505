#include "connectiondialog.h"
#include "deploymentpanel.h"
#include "deploymentview.h"
#include "dialogfixture.h"
#include "keybrowser.h"
#include "mainwindow.h"
#include "resp/tlsdiagnosis.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandboxcontroller.h"
#include "sandboxfixture.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>

using DialogFixture::field;

// A TLS-only deployment opened as a user opens it: through the connection dialog's TLS box, with "Test connection"
// showing each handshake (protocol, cipher, the certificate's subject, issuer and expiry); a certificate this machine
// does not trust shown with its fingerprint and pinned; a pin that no longer matches refused with both fingerprints;
// --insecure marked on the tab; the Deployment tab's TLS state; `vigil --demo --tls`; and a password about to cross
// the network in clear.
class TestTlsDialog final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;

    QString ca() const { return m_sandbox->tlsDir() + QStringLiteral("/ca.crt"); }

    // What the sandbox's nodes present: one server certificate for all of them.
    QByteArray serverSha256() const
    {
        const QList<QSslCertificate> certificates
            = QSslCertificate::fromPath(m_sandbox->tlsDir() + QStringLiteral("/server.crt"));
        return certificates.isEmpty() ? QByteArray() : TlsDiagnosis::sha256(certificates.first());
    }

    void fillIn(ConnectionDialog &dialog, const QString &caFile)
    {
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), DialogFixture::seeds(*m_sandbox));
        QTest::keyClicks(field<QComboBox>(dialog, "master")->lineEdit(), QStringLiteral("vigil"));
        field<QGroupBox>(dialog, "tls")->setChecked(true);
        QTest::keyClicks(field<QLineEdit>(dialog, "caFile"), caFile);
    }

    void waitForTheWholeScan(MainWindow &window)
    {
        QTRY_VERIFY_WITH_TIMEOUT(
            window.browser()->scanStatus().startsWith(
                QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(m_sandbox->loadedKeyCount()))),
            30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("VigilTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_tlsdialog"));
        QSettings().clear();
        SandboxOptions options;
        options.keys = 300;
        options.tls = true;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_sandbox.reset();
    }

    void aTlsDeploymentOpensThroughTheDialog()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, ca());
        const QStringList lines = DialogFixture::testConnection(dialog, 8);
        QCOMPARE(lines.size(), 8);
        for (const QString &line : lines)
            QVERIFY2(line.startsWith(QStringLiteral("✓")), qPrintable(lines.join(QLatin1Char('\n'))));
        // The handshakes as steps: protocol, cipher, subject, issuer and expiry.
        for (int row : {1, 5}) {
            QVERIFY2(lines.at(row).contains(QStringLiteral(" TLS: TLSv1.")), qPrintable(lines.at(row)));
            QVERIFY2(lines.at(row).contains(QStringLiteral("issued by CN=Vigil sandbox CA, valid until 20")),
                     qPrintable(lines.at(row)));
        }
        QVERIFY(lines.at(1).startsWith(QStringLiteral("✓ Sentinel TLS:")));
        QVERIFY(lines.at(5).startsWith(QStringLiteral("✓ Master TLS:")));

        QTest::mouseClick(field<QPushButton>(dialog, "connect"), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        MainWindow window;
        window.show();
        window.setTarget(dialog.target());
        waitForTheWholeScan(window);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.fieldText(QStringLiteral("TLS to data nodes")).contains(QStringLiteral("TLSv1.")), 15000);
        QVERIFY2(window.fieldText(QStringLiteral("TLS to data nodes"))
                     .startsWith(QStringLiteral("on, verified against %1\n").arg(ca())),
                 qPrintable(window.fieldText(QStringLiteral("TLS to data nodes"))));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.fieldText(QStringLiteral("TLS to sentinels")).contains(QStringLiteral("TLSv1.")), 15000);
        QVERIFY(!window.tabs()->tabText(0).contains(QStringLiteral("unverified")));
        QVERIFY(window.tabs()->tabIcon(0).isNull());
    }

    // No CA given, so the sandbox's certificate is unknown here: each side shows it and offers to pin it; pinned on
    // both sides, the check passes, and the pins survive a saved profile.
    void anUntrustedCertificateIsShownAndPinned()
    {
        const QByteArray sha256 = serverSha256();
        QCOMPARE(sha256.size(), 64);
        ConnectionDialog dialog;
        dialog.show();
        QTest::keyClicks(field<QLineEdit>(dialog, "name"), QStringLiteral("pinned"));
        fillIn(dialog, QString());
        auto *offer = field<QLabel>(dialog, "certificateOffer");
        auto *trust = field<QPushButton>(dialog, "trustCertificate");

        QStringList lines = DialogFixture::testConnection(dialog, 8);
        // Said for the dialog: its fields, not the command line's options.
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("✗ Sentinel TLS: the certificate is signed by an unknown "
                                                       "authority (issuer CN=Vigil sandbox CA); give its CA in the TLS "
                                                       "tab's CA file")),
                 qPrintable(lines.at(1)));
        QCOMPARE(lines.at(7), QStringLiteral("· Master's ROLE: not tried"));
        QVERIFY(offer->isVisible() && trust->isVisible());
        QVERIFY2(offer->text().contains(QStringLiteral("SHA-256 ") + QString::fromLatin1(sha256)),
                 qPrintable(offer->text()));
        QVERIFY(offer->text().contains(QStringLiteral("issued by CN=Vigil sandbox CA")));
        QTest::mouseClick(trust, Qt::LeftButton);
        QCOMPARE(field<QLineEdit>(dialog, "sentinelPin")->text(), QString::fromLatin1(sha256));
        QVERIFY(field<QLineEdit>(dialog, "dataPin")->text().isEmpty());

        lines = DialogFixture::testConnection(dialog, 8);
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("✓ Sentinel TLS:")), qPrintable(lines.at(1)));
        QVERIFY2(lines.at(5).startsWith(QStringLiteral("✗ Master TLS: the certificate is signed by an unknown")),
                 qPrintable(lines.at(5)));
        QVERIFY(offer->text().startsWith(QStringLiteral("Master 127.0.0.1:")));
        QTest::mouseClick(trust, Qt::LeftButton);
        QCOMPARE(field<QLineEdit>(dialog, "dataPin")->text(), QString::fromLatin1(sha256));

        lines = DialogFixture::testConnection(dialog, 8);
        for (const QString &line : lines)
            QVERIFY2(line.startsWith(QStringLiteral("✓")), qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY(!trust->isVisible());

        QTest::keyClicks(field<QLineEdit>(dialog, "keyPassphrase"), QStringLiteral("passphrase-never-saved"));
        QTest::mouseClick(field<QPushButton>(dialog, "saveProfile"), Qt::LeftButton);
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("passphrase-never-saved"));
        ConnectionDialog again;
        auto *profiles = again.findChild<QListWidget *>(QStringLiteral("profiles"));
        QCOMPARE(profiles->count(), 1);
        profiles->setCurrentRow(0);
        QVERIFY(field<QGroupBox>(again, "tls")->isChecked());
        QCOMPARE(field<QLineEdit>(again, "sentinelPin")->text(), QString::fromLatin1(sha256));
        QCOMPARE(field<QLineEdit>(again, "dataPin")->text(), QString::fromLatin1(sha256));
        QVERIFY(field<QLineEdit>(again, "keyPassphrase")->text().isEmpty());
    }

    // A pin is held even when the chain verifies: another certificate is refused with both fingerprints, and is not
    // offered for pinning (that is for a certificate seen the first time).
    void aChangedCertificateIsRefusedWithBothFingerprints()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, ca());
        const QString stale(64, QLatin1Char('a'));
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinelPin"), stale);
        const QStringList lines = DialogFixture::testConnection(dialog, 8);
        QCOMPARE(lines.at(1), QStringLiteral("✗ Sentinel TLS: the certificate is not the one pinned: it has SHA-256 "
                                             "%1, the profile pinned %2")
                                  .arg(QString::fromLatin1(serverSha256()), stale));
        QVERIFY(!field<QPushButton>(dialog, "trustCertificate")->isVisible());
    }

    void insecureIsMarkedOnTheTab()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, QString());
        QTest::mouseClick(field<QCheckBox>(dialog, "tlsInsecure"), Qt::LeftButton);
        const QStringList lines = DialogFixture::testConnection(dialog, 8);
        for (const QString &line : lines)
            QVERIFY2(line.startsWith(QStringLiteral("✓")), qPrintable(lines.join(QLatin1Char('\n'))));
        QTest::mouseClick(field<QPushButton>(dialog, "connect"), Qt::LeftButton);
        MainWindow window;
        window.show();
        window.setTarget(dialog.target());
        waitForTheWholeScan(window);
        QVERIFY2(window.tabs()->tabText(0).endsWith(QStringLiteral(" · TLS unverified")),
                 qPrintable(window.tabs()->tabText(0)));
        QVERIFY(!window.tabs()->tabIcon(0).isNull());
        QVERIFY(window.tabs()->tabToolTip(0).contains(QStringLiteral("not verified (--insecure)")));
        QVERIFY(window.fieldText(QStringLiteral("TLS to sentinels")).startsWith(QStringLiteral("on, NOT VERIFIED")));
    }

    // What `vigil --demo --tls` does: the demo's sandbox speaks TLS only, and its tab reaches it verified against the
    // sandbox's own CA.
    void theDemoSpeaksTls()
    {
        MainWindow window;
        window.show();
        SandboxOptions options;
        options.keys = 200;
        options.tls = true;
        SandboxController controller(options);
        window.setSandbox(&controller);
        controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(window.deploymentCount(), 1, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(window.browser()->scanStatus().startsWith(QStringLiteral("Scan complete: ")), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.fieldText(QStringLiteral("TLS to data nodes")).contains(QStringLiteral("TLSv1.")), 15000);
        const QString sandboxCa = window.fieldText(QStringLiteral("Sandbox folder")) + QStringLiteral("/tls/ca.crt");
        QVERIFY2(window.fieldText(QStringLiteral("TLS to data nodes"))
                     .startsWith(QStringLiteral("on, verified against %1").arg(sandboxCa)),
                 qPrintable(window.fieldText(QStringLiteral("TLS to data nodes"))));
        controller.stop();
    }

    // A sentinel password for a sentinel on another machine, without TLS: said on the Deployment tab and once in the
    // status bar, before anything answers. On loopback (the sandbox above) it is not said.
    void aPasswordInClearTextToAnotherMachineIsSaid()
    {
        MainWindow window;
        window.show();
        SentinelTarget target;
        target.seeds = {HostPort{QStringLiteral("10.255.255.1"), 26379}};
        target.masterName = QStringLiteral("far");
        target.sentinelPassword = "sentinel-secret";
        window.setTarget(target);
        auto *warning = window.findChild<QLabel *>(QStringLiteral("cleartextWarning"));
        QVERIFY(warning);
        QVERIFY2(
            warning->text().contains(QStringLiteral("the sentinel password goes to 10.255.255.1:26379 without TLS")),
            qPrintable(warning->text()));
        QVERIFY(!warning->isHidden());
        QVERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("⚠ Passwords in clear text")));
        QVERIFY(!warning->text().contains(QStringLiteral("sentinel-secret")));

        SentinelTarget local = m_sandbox->target();
        local.sentinelTls = {};
        local.sentinelPassword = "sentinel-secret";
        MainWindow other;
        other.setTarget(local);
        auto *none = other.findChild<QLabel *>(QStringLiteral("cleartextWarning"));
        QVERIFY(none && none->isHidden() && none->text().isEmpty());
    }
};

QTEST_MAIN(TestTlsDialog)
#include "tst_tlsdialog.moc"
