#include "connectiondialog.h"
#include "dialogfixture.h"
#include "keybrowser.h"
#include "mainwindow.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "secrets/memorysecretstore.h"
#include "sentinel/connectionprofile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
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
    MemorySecretStore m_store;

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

    // The host-key question Connect asks, once it is on screen.
    static QMessageBox *hostKeyPrompt(ConnectionDialog &dialog)
    {
        QMessageBox *box = nullptr;
        const auto shown = [&] {
            box = dialog.findChild<QMessageBox *>(QStringLiteral("hostKeyPrompt"));
            return box && box->isVisible();
        };
        if (!QTest::qWaitFor(shown, 15000))
            qWarning("no host-key prompt; the dialog says: %s", qPrintable(field<QLabel>(dialog, "error")->text()));
        return shown() ? box : nullptr;
    }

    void fillIn(ConnectionDialog &dialog, const QString &knownHosts, const QString &key = {})
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
        QTest::keyClicks(field<QLineEdit>(dialog, "sshKeyFile"), key.isEmpty() ? ssh.keyFile : key);
        QTest::keyClicks(field<QLineEdit>(dialog, "sshKnownHosts"), knownHosts);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_scratch.isValid());
        // ~/.ssh/config is read by default, as ssh does: a HOME of our own keeps the user's out of this test.
        qputenv("HOME", QFile::encodeName(m_scratch.path()));
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("VigilTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_sshdialog"));
        QSettings().clear();
        SecretStore::setShared(&m_store); // the SSH secret's keychain
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
        // Connect checks the host key first (known here): no question, the dialog closes.
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
        QVERIFY(!dialog.findChild<QMessageBox *>(QStringLiteral("hostKeyPrompt")));
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

    // Connect, not only Test connection, asks about a host key known_hosts does not hold: the fingerprint as OpenSSH
    // shows it, Cancel leaves everything as it was, Trust and connect adds exactly that key and connects.
    void connectAsksAboutAnUnknownHostKey()
    {
        const QString fingerprint = hostFingerprint();
        QVERIFY(fingerprint.startsWith(QStringLiteral("SHA256:")));
        const QString knownHosts = m_scratch.filePath(QStringLiteral("connect_known_hosts"));
        QFile::remove(knownHosts);
        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, knownHosts);
        auto *connectButton = field<QPushButton>(dialog, "connect");

        QTest::mouseClick(connectButton, Qt::LeftButton);
        QMessageBox *box = hostKeyPrompt(dialog);
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("The authenticity of host %1 can't be established").arg(hop())),
                 qPrintable(box->text()));
        QVERIFY2(box->text().contains(QStringLiteral("ED25519 key fingerprint is %1.").arg(fingerprint)),
                 qPrintable(box->text()));
        QVERIFY(box->text().contains(knownHosts));
        QVERIFY(!connectButton->isEnabled()); // one question at a time
        QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!dialog.findChild<QMessageBox *>(QStringLiteral("hostKeyPrompt")));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(!QFile::exists(knownHosts));
        QVERIFY(connectButton->isEnabled());

        QTest::mouseClick(connectButton, Qt::LeftButton);
        box = hostKeyPrompt(dialog);
        QVERIFY(box);
        QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("trustAndConnect")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
        QVERIFY(!dialog.isVisible());
        QFile file(knownHosts);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray added = file.readAll();
        QVERIFY2(added.contains(m_sandbox->sshKnownHostsLine().split(' ').value(2)), added.constData());
    }

    // A changed host key: OpenSSH's warning with both fingerprints, no way to trust it, and no connection.
    void connectRefusesAChangedHostKey()
    {
        const QString otherKey = m_scratch.filePath(QStringLiteral("other_host"));
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
                     {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                      QString(), QStringLiteral("-f"), otherKey});
        QVERIFY(keygen.waitForFinished(10000) && keygen.exitCode() == 0);
        QFile pub(otherKey + QStringLiteral(".pub"));
        QVERIFY(pub.open(QIODevice::ReadOnly));
        const QList<QByteArray> fields = pub.readAll().simplified().split(' ');
        const QString knownHosts = m_scratch.filePath(QStringLiteral("changed_known_hosts"));
        QFile file(knownHosts);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("[127.0.0.1]:" + QByteArray::number(m_sandbox->sshPort()) + ' ' + fields.at(0) + ' ' + fields.at(1)
                   + '\n');
        file.close();

        ConnectionDialog dialog;
        dialog.show();
        fillIn(dialog, knownHosts);
        QTest::mouseClick(field<QPushButton>(dialog, "connect"), Qt::LeftButton);
        QMessageBox *box = hostKeyPrompt(dialog);
        QVERIFY(box);
        QCOMPARE(box->icon(), QMessageBox::Critical);
        QVERIFY2(box->text().contains(QStringLiteral("REMOTE HOST IDENTIFICATION HAS CHANGED")),
                 qPrintable(box->text()));
        const QString details = box->informativeText();
        QVERIFY2(details.contains(hostFingerprint()), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("man-in-the-middle")), qPrintable(details));
        QCOMPARE(box->buttons().size(), 1); // Close: nothing offers to trust it
        QVERIFY(!box->findChild<QPushButton *>(QStringLiteral("trustAndConnect")));
        QTest::mouseClick(box->button(QMessageBox::Close), Qt::LeftButton);
        QTRY_VERIFY(!dialog.findChild<QMessageBox *>(QStringLiteral("hostKeyPrompt")));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY2(field<QLabel>(dialog, "error")->text().contains(QStringLiteral("host key has changed")),
                 qPrintable(field<QLabel>(dialog, "error")->text()));
        QFile after(knownHosts);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QVERIFY(!after.readAll().contains(m_sandbox->sshKnownHostsLine().split(' ').value(2)));
    }

    // A key with a passphrase and none given: Connect asks for it (masked), with a box to remember it; remembered, it
    // is in the keychain (never in the settings file), and the profile reopened has it. The window then scans through
    // the bastion with it.
    void connectAsksForTheKeysPassphraseAndRemembersIt()
    {
        const QString key = m_scratch.filePath(QStringLiteral("client_with_passphrase"));
        QFile::remove(key);
        QVERIFY(QFile::copy(m_sandbox->clientSsh().keyFile, key));
        QFile::setPermissions(key, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const QByteArray passphrase = "bastion-passphrase-42";
        QProcess keygen; // the same key, now encrypted (the passphrase on argv of ssh-keygen only, in the test)
        keygen.start(QStringLiteral("ssh-keygen"), {QStringLiteral("-q"), QStringLiteral("-p"), QStringLiteral("-N"),
                                                    QString::fromUtf8(passphrase), QStringLiteral("-f"), key});
        QVERIFY(keygen.waitForFinished(10000) && keygen.exitCode() == 0);

        const QString name = QStringLiteral("bastion with passphrase");
        {
            ConnectionDialog dialog;
            dialog.show();
            fillIn(dialog, m_sandbox->clientSsh().knownHosts, key);
            QTest::keyClicks(field<QLineEdit>(dialog, "name"), name);
            QTest::mouseClick(field<QPushButton>(dialog, "connect"), Qt::LeftButton);
            QDialog *prompt = nullptr;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    prompt = dialog.findChild<QDialog *>(QStringLiteral("sshSecretPrompt"));
                    return prompt && prompt->isVisible();
                },
                15000));
            auto *secret = field<QLineEdit>(*prompt, "sshPromptSecret");
            QCOMPARE(secret->echoMode(), QLineEdit::Password);
            QVERIFY(prompt->findChildren<QLabel *>().constFirst()->text().contains(key));
            auto *remember = field<QCheckBox>(*prompt, "sshPromptRemember");
            QVERIFY(remember->isEnabled());
            QTest::keyClicks(secret, QString::fromUtf8(passphrase));
            remember->click();
            QTest::keyClick(secret, Qt::Key_Return);
            QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 15000);
            QCOMPARE(dialog.target().ssh.passphrase, passphrase);
            QTRY_COMPARE_WITH_TIMEOUT(m_store.entries().value(SecretStore::entryKey(name, SecretRole::SshSecret)),
                                      passphrase, 10000);

            MainWindow window;
            window.show();
            window.setTarget(dialog.target());
            QTRY_VERIFY_WITH_TIMEOUT(
                window.browser()->scanStatus().startsWith(
                    QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(m_sandbox->loadedKeyCount()))),
                30000);
        }
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray saved = file.readAll();
        QVERIFY(saved.contains(name.toUtf8()));
        QVERIFY(!saved.contains(passphrase));

        // Reopened: the passphrase comes back from the keychain, and Connect asks nothing.
        ConnectionDialog again;
        again.show();
        auto *profiles = field<QListWidget>(again, "profiles");
        const QList<QListWidgetItem *> items = profiles->findItems(name, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        profiles->setCurrentItem(items.first());
        QTRY_COMPARE(field<QLineEdit>(again, "sshSecret")->text(), QString::fromUtf8(passphrase));
        QTest::mouseClick(field<QPushButton>(again, "connect"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(again.result(), int(QDialog::Accepted), 15000);
        QVERIFY(!again.findChild<QDialog *>(QStringLiteral("sshSecretPrompt")));
        QCOMPARE(again.target().ssh.passphrase, passphrase);
    }

    // Through a bastion, a password without TLS is still clear text from the bastion to the node: said so, naming it.
    void aPasswordInClearTextBeyondTheBastionIsSaid()
    {
        MainWindow window;
        window.show();
        SentinelTarget target;
        target.seeds = {HostPort{QStringLiteral("10.255.255.1"), 26379}};
        target.masterName = QStringLiteral("far");
        target.sentinelPassword = "sentinel-secret";
        target.ssh.host = QStringLiteral("bastion.invalid");
        target.ssh.knownHosts = m_scratch.filePath(QStringLiteral("unused_known_hosts"));
        window.setTarget(target);
        auto *warning = window.findChild<QLabel *>(QStringLiteral("cleartextWarning"));
        QVERIFY(warning);
        QVERIFY2(
            warning->text().contains(QStringLiteral(
                "the sentinel password goes to 10.255.255.1:26379 via the bastion bastion.invalid:22 without TLS")),
            qPrintable(warning->text()));
        QVERIFY2(warning->text().contains(QStringLiteral("network path beyond the bastion")),
                 qPrintable(warning->text()));
        QVERIFY(!warning->isHidden());
    }

    // A tab opened on the bastion without the dialog (a restored session, `vigil --ssh`) cannot ask: its banner names
    // the key and says where it is asked about and trusted. A refused login says to look at the SSH tab, not at a
    // Redis password.
    void aTabOpenedWithoutTheDialogSaysHowToTrustTheKey()
    {
        const QString knownHosts = m_scratch.filePath(QStringLiteral("tab_known_hosts"));
        QFile::remove(knownHosts);
        SentinelTarget target = m_sandbox->target();
        target.ssh = m_sandbox->clientSsh();
        target.ssh.knownHosts = knownHosts;
        {
            MainWindow window;
            window.show();
            window.setTarget(target);
            QTRY_VERIFY_WITH_TIMEOUT(window.browser()->scanStatus().startsWith(QStringLiteral("Scan failed")), 20000);
            const QString banner = window.browser()->bannerText();
            QVERIFY2(banner.contains(hostFingerprint()), qPrintable(banner));
            QVERIFY2(banner.contains(QStringLiteral("open File > Connect this tab to… (Ctrl+O) and press Connect")),
                     qPrintable(banner));
            QVERIFY2(!banner.contains(QStringLiteral("password")), qPrintable(banner));
            QVERIFY2(!banner.contains(QStringLiteral("--ssh-accept-new")), qPrintable(banner)); // no CLI advice here
        }
        target.ssh = m_sandbox->clientSsh();
        target.ssh.user = QStringLiteral("nobody-here"); // the sandbox's key, for a user sshd does not have
        MainWindow window;
        window.show();
        window.setTarget(target);
        QTRY_VERIFY_WITH_TIMEOUT(window.browser()->scanStatus().startsWith(QStringLiteral("Scan failed")), 20000);
        const QString banner = window.browser()->bannerText();
        QVERIFY2(banner.contains(QStringLiteral("authentication failed")), qPrintable(banner));
        QVERIFY2(banner.contains(QStringLiteral("Check the login on the SSH tab")), qPrintable(banner));
        QVERIFY2(!banner.contains(QStringLiteral("data-node password")), qPrintable(banner));
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
