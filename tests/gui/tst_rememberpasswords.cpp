#include "connectiondialog.h"
#include "deploymentview.h"
#include "dialogfixture.h"
#include "keybrowser.h"
#include "mainwindow.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "secrets/memorysecretstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using DialogFixture::field;
using DialogFixture::seeds;

// "Remember passwords" as a user meets it, against a sandbox that requires passwords: a saved profile's passwords go
// to the keychain (a MemorySecretStore here; tst_keychain runs the real one) and never to the settings file, come back
// when the profile is opened and when the window reopens its tabs, move with a renamed profile and go with a deleted
// one. Without a keychain the box is off and a line says why. A password pasted in a URI ends up masked.
class TestRememberPasswords final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<Sandbox> m_sandbox; // requirepass on data nodes and sentinels
    MemorySecretStore m_store;

    QByteArray settingsFile() const
    {
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    // Fills in the sandbox with both passwords and saves it as `name`, remembering the passwords.
    void saveRemembered(const QString &name)
    {
        ConnectionDialog dialog;
        QTest::keyClicks(field<QLineEdit>(dialog, "name"), name);
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), seeds(*m_sandbox));
        QTest::keyClicks(field<QComboBox>(dialog, "master")->lineEdit(), QStringLiteral("vigil"));
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinelPassword"), QString::fromUtf8(m_sandbox->sentinelPassword()));
        QTest::keyClicks(field<QLineEdit>(dialog, "password"), QString::fromUtf8(m_sandbox->dataPassword()));
        auto *remember = field<QCheckBox>(dialog, "rememberPasswords");
        QVERIFY(remember->isEnabled());
        remember->click();
        QVERIFY(remember->isChecked());
        QTest::mouseClick(field<QPushButton>(dialog, "saveProfile"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_store.entries().size(), 2, 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("VigilTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_rememberpasswords"));
        SecretStore::setShared(&m_store);
        SandboxOptions options;
        options.keys = 300;
        options.auth = SandboxOptions::Auth::Password;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
    }

    void init()
    {
        QSettings().clear();
        m_store.setUnavailable(QString());
        const auto entries = m_store.entries();
        for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
            const QString profile = it.key().section(QLatin1Char('/'), 1);
            bool done = false;
            m_store.removeProfile(profile, nullptr, [&](const QString &) { done = true; });
            QTRY_VERIFY(done);
        }
        QVERIFY(m_store.entries().isEmpty());
    }

    void cleanupTestCase()
    {
        SecretStore::setShared(nullptr);
        m_sandbox.reset();
    }

    void passwordsGoToTheKeychainNotTheSettingsFile()
    {
        saveRemembered(QStringLiteral("sandbox"));
        const QHash<QString, QByteArray> entries = m_store.entries();
        QCOMPARE(entries.value(QStringLiteral("sentinel-password/sandbox")), m_sandbox->sentinelPassword());
        QCOMPARE(entries.value(QStringLiteral("data-password/sandbox")), m_sandbox->dataPassword());

        const QByteArray stored = settingsFile();
        QVERIFY(stored.contains("sandbox"));
        QVERIFY(stored.contains("rememberPasswords=true"));
        QVERIFY(!stored.contains(m_sandbox->sentinelPassword()));
        QVERIFY(!stored.contains(m_sandbox->dataPassword()));
    }

    // The TLS client key's passphrase is a secret like the passwords: keychain only, and back with the profile.
    void theKeyPassphraseIsRememberedToo()
    {
        {
            ConnectionDialog dialog;
            dialog.show();
            QTest::keyClicks(field<QLineEdit>(dialog, "name"), QStringLiteral("tlskey"));
            QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), seeds(*m_sandbox));
            QTest::keyClicks(field<QComboBox>(dialog, "master")->lineEdit(), QStringLiteral("vigil"));
            field<QGroupBox>(dialog, "tls")->setChecked(true);
            QTest::keyClicks(field<QLineEdit>(dialog, "keyPassphrase"), QStringLiteral("key-pass-7"));
            field<QCheckBox>(dialog, "rememberPasswords")->click();
            QTest::mouseClick(field<QPushButton>(dialog, "saveProfile"), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(m_store.entries().value(QStringLiteral("tls-key-passphrase/tlskey")),
                                      QByteArray("key-pass-7"), 10000);
        }
        QVERIFY(!settingsFile().contains("key-pass-7"));
        ConnectionDialog dialog;
        dialog.show();
        field<QListWidget>(dialog, "profiles")->setCurrentRow(0);
        auto *passphrase = field<QLineEdit>(dialog, "keyPassphrase");
        QTRY_COMPARE_WITH_TIMEOUT(passphrase->text(), QStringLiteral("key-pass-7"), 10000);
        QCOMPARE(passphrase->echoMode(), QLineEdit::Password);
    }

    void openingTheProfileFillsThePasswordsIn()
    {
        saveRemembered(QStringLiteral("sandbox"));
        ConnectionDialog dialog;
        dialog.show();
        auto *profiles = field<QListWidget>(dialog, "profiles");
        QCOMPARE(profiles->count(), 1);
        profiles->setCurrentRow(0);
        auto *password = field<QLineEdit>(dialog, "password");
        QTRY_COMPARE_WITH_TIMEOUT(password->text(), QString::fromUtf8(m_sandbox->dataPassword()), 10000);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QCOMPARE(field<QLineEdit>(dialog, "sentinelPassword")->text(), QString::fromUtf8(m_sandbox->sentinelPassword()));
        QVERIFY(field<QCheckBox>(dialog, "rememberPasswords")->isChecked());

        // With those passwords the sandbox answers: Test connection passes every step.
        QTest::mouseClick(field<QPushButton>(dialog, "test"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(field<QPushButton>(dialog, "test")->isEnabled(), 20000);
        for (const QString &line : dialog.checkResults())
            QVERIFY2(line.startsWith(QStringLiteral("✓")), qPrintable(line));
    }

    void renameMovesTheEntriesAndDeleteRemovesThem()
    {
        saveRemembered(QStringLiteral("sandbox"));
        ConnectionDialog dialog;
        auto *profiles = field<QListWidget>(dialog, "profiles");
        profiles->setCurrentRow(0);
        auto *name = field<QLineEdit>(dialog, "name");
        name->clear();
        QTest::keyClicks(name, QStringLiteral("renamed"));
        QTest::mouseClick(field<QPushButton>(dialog, "renameProfile"), Qt::LeftButton);
        QCOMPARE(profiles->count(), 1);
        QCOMPARE(profiles->item(0)->text(), QStringLiteral("renamed"));
        QTRY_COMPARE_WITH_TIMEOUT(m_store.entries().value(QStringLiteral("data-password/renamed")),
                                  m_sandbox->dataPassword(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_store.entries().size(), 2, 10000);
        QVERIFY(!m_store.entries().contains(QStringLiteral("data-password/sandbox")));

        profiles->setCurrentRow(0);
        QTest::mouseClick(field<QPushButton>(dialog, "deleteProfile"), Qt::LeftButton);
        QCOMPARE(profiles->count(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_store.entries().isEmpty(), 10000);
    }

    void withoutAKeychainTheBoxIsOffAndSaysWhy()
    {
        m_store.setUnavailable(QStringLiteral("no secret service (keychain) is running"));
        ConnectionDialog dialog;
        dialog.show();
        auto *remember = field<QCheckBox>(dialog, "rememberPasswords");
        QVERIFY(!remember->isEnabled());
        auto *note = field<QLabel>(dialog, "keychainNote");
        QVERIFY(note->isVisible());
        QCOMPARE(note->text(),
                 QStringLiteral("Passwords are not remembered: no secret service (keychain) is running. Vigil asks for "
                                "them each time."));
        // Whole, not cut: as tall as its wrapped lines need at the width it has, at the dialog's size on a 1024x700 screen.
        dialog.resize(dialog.width(), qMin(dialog.height(), 700));
        QTRY_VERIFY2(note->height() >= note->heightForWidth(note->width()),
                     qPrintable(QStringLiteral("%1 < %2 at width %3")
                                    .arg(note->height())
                                    .arg(note->heightForWidth(note->width()))
                                    .arg(note->width())));

        QTest::keyClicks(field<QLineEdit>(dialog, "name"), QStringLiteral("sandbox"));
        QTest::keyClicks(field<QLineEdit>(dialog, "sentinels"), seeds(*m_sandbox));
        QTest::keyClicks(field<QComboBox>(dialog, "master")->lineEdit(), QStringLiteral("vigil"));
        QTest::keyClicks(field<QLineEdit>(dialog, "password"), QStringLiteral("typed-while-no-keychain"));
        QTest::mouseClick(field<QPushButton>(dialog, "saveProfile"), Qt::LeftButton);
        QCOMPARE(field<QListWidget>(dialog, "profiles")->count(), 1);
        QVERIFY(m_store.entries().isEmpty());
        const QByteArray stored = settingsFile();
        QVERIFY(stored.contains("sandbox"));
        QVERIFY(!stored.contains("typed-while-no-keychain"));

        // The keychain comes back: so does the box.
        m_store.setUnavailable(QString());
        QVERIFY(remember->isEnabled());
        QVERIFY(!note->isVisible());
    }

    void reopenedTabsGetTheirPasswordsFromTheKeychain()
    {
        saveRemembered(QStringLiteral("sandbox"));
        {
            MainWindow window;
            SentinelTarget target = m_sandbox->target();
            window.openDeployment(target, 1000)->setProfileName(QStringLiteral("sandbox"));
            window.close();
        }
        const QByteArray stored = settingsFile();
        QVERIFY(stored.contains("sandbox"));
        QVERIFY(!stored.contains(m_sandbox->dataPassword()));
        QVERIFY(!stored.contains(m_sandbox->sentinelPassword()));

        // The scan can only complete with both passwords: the sentinels and the master require them.
        MainWindow again;
        again.show();
        QVERIFY(again.restoreSession());
        QTRY_COMPARE_WITH_TIMEOUT(again.deploymentCount(), 1, 10000);
        QCOMPARE(again.view(0)->profileName(), QStringLiteral("sandbox"));
        QTRY_VERIFY_WITH_TIMEOUT(
            again.browser()->scanStatus().startsWith(
                QStringLiteral("Scan complete: %1 keys").arg(QLocale().toString(m_sandbox->loadedKeyCount()))),
            20000);
    }

    void withoutAKeychainReopenedTabsSayWhyTheyHaveNoPasswords()
    {
        saveRemembered(QStringLiteral("sandbox"));
        {
            MainWindow window;
            window.openDeployment(m_sandbox->target(), 1000)->setProfileName(QStringLiteral("sandbox"));
            window.close();
        }
        m_store.setUnavailable(QStringLiteral("no secret service (keychain) is running"));
        MainWindow again;
        again.show();
        QVERIFY(again.restoreSession());
        QTRY_COMPARE_WITH_TIMEOUT(again.deploymentCount(), 1, 10000);
        QCOMPARE(again.statusBar()->currentMessage(),
                 QStringLiteral("The passwords of 'sandbox' are not filled in: keychain: could not read the sentinel "
                                "password of 'sandbox': no secret service (keychain) is running"));
        QVERIFY(again.view(0)->deployment() != nullptr);
    }

    void aPasswordPastedInAUriIsMasked()
    {
        ConnectionDialog dialog;
        auto *uri = field<QLineEdit>(dialog, "uri");
        const QString pasted = QStringLiteral("redis+sentinel://alice:pasted-secret@127.0.0.1:%1/vigil")
                                   .arg(m_sandbox->sentinelPorts().at(0));
        QTest::keyClicks(uri, pasted);
        auto *password = field<QLineEdit>(dialog, "password");
        QCOMPARE(password->text(), QStringLiteral("pasted-secret"));
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QCOMPARE(field<QLineEdit>(dialog, "user")->text(), QStringLiteral("alice"));
        QVERIFY(!uri->text().contains(QStringLiteral("pasted-secret")));
        QCOMPARE(uri->text(),
                 QStringLiteral("redis+sentinel://alice@127.0.0.1:%1/vigil").arg(m_sandbox->sentinelPorts().at(0)));
        QVERIFY(field<QLabel>(dialog, "uriError")->text().isEmpty());
    }
};

QTEST_MAIN(TestRememberPasswords)
#include "tst_rememberpasswords.moc"
