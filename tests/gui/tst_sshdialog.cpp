#include "connectiondialog.h"
#include "dialogfixture.h"
#include "keybrowser.h"
#include "mainwindow.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/connectionprofile.h"

#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using DialogFixture::field;

// A deployment behind a bastion opened as a user opens it: the connection dialog's SSH tab filled in, Test connection
// passing the SSH steps first and then every step through the tunnel, an unknown host key shown with its SHA256
// fingerprint and trusted, and the window that the dialog opens scanning every key "via" the bastion. The sandbox's
// nodes are on 127.0.0.2 only and VIGIL_TEST_NO_DIRECT=127.0.0.2 refuses direct connections there, so whatever works
// here went through sshd.
class TestSshDialog final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;
    QTemporaryDir m_scratch;

    QString seeds() const
    {
        QStringList list;
        for (quint16 port : m_sandbox->sentinelPorts())
            list.append(QStringLiteral("127.0.0.2:%1").arg(port));
        return list.join(QStringLiteral(", "));
    }

    QString hop() const { return QStringLiteral("127.0.0.1:%1").arg(m_sandbox->sshPort()); }

    // The host key's "SHA256:…", as `ssh-keygen -l` prints it.
    QString hostFingerprint() const
    {
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"), {QStringLiteral("-l"), QStringLiteral("-f"),
                                                    m_sandbox->sshDir() + QStringLiteral("/host_ed25519.pub")});
        if (!keygen.waitForFinished(10000))
            return {};
        return QString::fromLatin1(keygen.readAllStandardOutput()).section(QLatin1Char(' '), 1, 1);
    }

    void fillIn(ConnectionDialog &dialog, const QString &knownHosts)
    {
        const SshOptions ssh = m_sandbox->clientSsh();
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), seeds());
        QTest::keyClicks(field<QComboBox>(dialog, "master")->lineEdit(), QStringLiteral("vigil"));
        auto *sections = field<QTabWidget>(dialog, "sections");
        QCOMPARE(sections->tabText(2), QStringLiteral("SSH: off"));
        field<QGroupBox>(dialog, "ssh")->setChecked(true);
        QCOMPARE(sections->tabText(2), QStringLiteral("SSH: on"));
        QTest::keyClicks(field<QLineEdit>(dialog, "sshHost"), ssh.host);
        field<QSpinBox>(dialog, "sshPort")->setValue(ssh.port);
        QTest::keyClicks(field<QLineEdit>(dialog, "sshUser"), ssh.user);
        auto *auth = field<QComboBox>(dialog, "sshAuth");
        auth->setCurrentIndex(auth->findData(int(ConnectionProfile::SshAuth::KeyFile)));
        QTest::keyClicks(field<QLineEdit>(dialog, "sshKeyFile"), ssh.keyFile);
        QTest::keyClicks(field<QLineEdit>(dialog, "sshKnownHosts"), knownHosts);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_scratch.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("VigilTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_sshdialog"));
        QSettings().clear();
        // Test mode for the in-process clients; the sandbox's own control connections do not use a factory.
        qputenv("VIGIL_TEST_NO_DIRECT", "127.0.0.2");
        qunsetenv("SSH_AUTH_SOCK"); // the login is the sandbox's key, not whatever an agent holds
        SandboxOptions options;
        options.keys = 300;
        options.ssh = true;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    // Every step passes, the SSH ones first, and the window opened through the dialog scans every key via the bastion.
    void aDeploymentBehindABastionOpensThroughTheDialog()
    {
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, m_sandbox->clientSsh().knownHosts);
        const QStringList lines = DialogFixture::testConnection(dialog, 9);
        QCOMPARE(lines.size(), 9);
        for (const QString &line : lines)
            QVERIFY2(line.startsWith(QStringLiteral("✓")), qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("✓ SSH connect: %1 answered").arg(hop())),
                 qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).startsWith(
                     QStringLiteral("✓ SSH host key: known in %1").arg(m_sandbox->clientSsh().knownHosts)),
                 qPrintable(lines.at(1)));
        QVERIFY2(lines.at(2).startsWith(QStringLiteral("✓ SSH login:")), qPrintable(lines.at(2)));
        QVERIFY2(lines.at(3).startsWith(QStringLiteral("✓ Sentinel reached: 127.0.0.2:")), qPrintable(lines.at(3)));
        QVERIFY2(lines.at(5).startsWith(QStringLiteral("✓ Master name known: at 127.0.0.2:")), qPrintable(lines.at(5)));

        QTest::mouseClick(field<QPushButton>(dialog, "connect"), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.target().ssh.host, QStringLiteral("127.0.0.1"));
        MainWindow window;
        window.show();
        window.setTarget(dialog.target());
        QTRY_VERIFY_WITH_TIMEOUT(
            window.browser()->scanStatus().startsWith(
                QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(m_sandbox->loadedKeyCount()))),
            30000);
        QVERIFY2(window.fieldText(QStringLiteral("Connected")).startsWith(QStringLiteral("via %1").arg(hop())),
                 qPrintable(window.fieldText(QStringLiteral("Connected"))));
        bool said = false;
        for (const QLabel *label : window.statusBar()->findChildren<QLabel *>())
            said = said || label->text().contains(QStringLiteral("via %1").arg(hop()));
        QVERIFY(said);
    }

    // A known_hosts without the bastion's key: the host-key step fails with its SHA256 fingerprint, the steps after it
    // are not tried; Trust adds the key to that file, and the check passes.
    void anUnknownHostKeyIsShownAndTrusted()
    {
        const QString fingerprint = hostFingerprint();
        QVERIFY(fingerprint.startsWith(QStringLiteral("SHA256:")));
        const QString knownHosts = m_scratch.filePath(QStringLiteral("known_hosts"));
        QFile::remove(knownHosts);
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, knownHosts);
        QStringList lines = DialogFixture::testConnection(dialog, 9);
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("✓ SSH connect")), qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("✗ SSH host key: SSH %1: the host key is not known").arg(hop())),
                 qPrintable(lines.at(1)));
        QVERIFY2(lines.at(1).contains(fingerprint), qPrintable(lines.at(1)));
        QVERIFY2(!lines.at(1).contains(QStringLiteral("--ssh-accept-new")), qPrintable(lines.at(1)));
        for (int row = 2; row < lines.size(); ++row)
            QVERIFY2(lines.at(row).startsWith(QStringLiteral("·")), qPrintable(lines.at(row)));
        auto *trust = field<QPushButton>(dialog, "trustHostKey");
        QVERIFY(trust->isVisible());
        QVERIFY(field<QLabel>(dialog, "certificateOffer")->text().contains(fingerprint));
        QVERIFY(!QFile::exists(knownHosts));

        QTest::mouseClick(trust, Qt::LeftButton);
        const auto done = [&dialog] {
            const QStringList now = dialog.checkResults();
            return now.size() == 9 && !now.last().startsWith(QStringLiteral("…"));
        };
        QTRY_VERIFY_WITH_TIMEOUT(done(), 20000);
        lines = dialog.checkResults();
        for (const QString &line : lines)
            QVERIFY2(line.startsWith(QStringLiteral("✓")), qPrintable(lines.join(QLatin1Char('\n'))));
        QFile file(knownHosts);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray line = "[127.0.0.1]:" + QByteArray::number(m_sandbox->sshPort()) + " ssh-ed25519 ";
        QVERIFY(file.readAll().contains(line));
        QVERIFY(!trust->isVisible());
    }

    // The SSH fields are saved with the profile, and the passphrase or password is not.
    void theSshSectionIsSavedWithoutItsSecret()
    {
        ConnectionDialog dialog;
        fillIn(dialog, m_sandbox->clientSsh().knownHosts);
        auto *auth = field<QComboBox>(dialog, "sshAuth");
        auth->setCurrentIndex(auth->findData(int(ConnectionProfile::SshAuth::Password)));
        QTest::keyClicks(field<QLineEdit>(dialog, "sshSecret"), QStringLiteral("bastion-secret"));
        QTest::keyClicks(field<QLineEdit>(dialog, "name"), QStringLiteral("behind the bastion"));
        QTest::mouseClick(field<QPushButton>(dialog, "saveProfile"), Qt::LeftButton);

        QSettings settings;
        ConnectionProfile saved;
        QVERIFY(ConnectionProfile::find(settings, QStringLiteral("behind the bastion"), &saved));
        QVERIFY(saved.ssh);
        QCOMPARE(saved.sshHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(saved.sshPort, int(m_sandbox->sshPort()));
        QCOMPARE(saved.sshUser, m_sandbox->clientSsh().user);
        QCOMPARE(saved.sshAuth, ConnectionProfile::SshAuth::Password);
        QCOMPARE(saved.sshKnownHosts, m_sandbox->clientSsh().knownHosts);
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("bastion-secret"));

        ConnectionDialog again;
        again.setProfile(saved);
        QVERIFY(field<QGroupBox>(again, "ssh")->isChecked());
        QCOMPARE(field<QLineEdit>(again, "sshHost")->text(), QStringLiteral("127.0.0.1"));
        QCOMPARE(field<QSpinBox>(again, "sshPort")->value(), int(m_sandbox->sshPort()));
        QVERIFY(field<QLineEdit>(again, "sshSecret")->text().isEmpty());
    }
};

QTEST_MAIN(TestSshDialog)
#include "tst_sshdialog.moc"
