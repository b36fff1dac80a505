#include "homefiles.h"
#include "secrets/keychainsecretstore.h"
#include "sentinel/connectionprofile.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <optional>

// KeychainSecretStore against a real gnome-keyring-daemon on a private session bus, in a throwaway home
// (tests/support/keychainsession.sh): secrets go in and come back byte for byte, move with a renamed profile, go
// with a deleted one, never reach a plain file, and a secret service that stops answering costs a bounded wait.
class TestKeychain final : public QObject
{
    Q_OBJECT

private:
    QProcess m_daemon;
    QString m_home;

    struct Read
    {
        ProfileSecrets secrets;
        QString error;
    };

    // Each waits for the store's answer with a bound; no answer reads as an error that fails the comparison.
    static Read read(SecretStore &store, const QString &profile, int boundMs = 15000)
    {
        std::optional<Read> result;
        store.readProfile(profile, nullptr, [&](const ProfileSecrets &secrets, const QString &error) {
            result = Read{secrets, error};
        });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, boundMs))
            return Read{{}, QStringLiteral("no answer within %1 ms").arg(boundMs)};
        return *result;
    }

    static QString run(const std::function<void(SecretStore::Done)> &call, int boundMs = 15000)
    {
        std::optional<QString> result;
        call([&](const QString &error) { result = error; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, boundMs))
            return QStringLiteral("no answer within %1 ms").arg(boundMs);
        return *result;
    }

    static ProfileSecrets sample(const QByteArray &tag)
    {
        ProfileSecrets s;
        s.sentinelPassword = "sentinel-" + tag + "-\xc3\xa9\x01";
        s.dataPassword = "data-" + tag + "-p@ss:word";
        s.keyPassphrase = "passphrase-" + tag;
        return s;
    }

    static void compare(const ProfileSecrets &a, const ProfileSecrets &b)
    {
        QCOMPARE(a.sentinelPassword, b.sentinelPassword);
        QCOMPARE(a.dataPassword, b.dataPassword);
        QCOMPARE(a.keyPassphrase, b.keyPassphrase);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Never the user's own keyring: the wrapper made this home and it must be the one in use.
        m_home = qEnvironmentVariable("VIGIL_KEYCHAIN_TEST_HOME");
        QVERIFY2(!m_home.isEmpty() && qEnvironmentVariable("HOME") == m_home,
                 "run through tests/support/keychainsession.sh, which gives a throwaway HOME");
        QVERIFY2(QDBusConnection::sessionBus().isConnected(), "no session bus: run through keychainsession.sh");
        QCoreApplication::setOrganizationName(QStringLiteral("VigilTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_keychain"));

        // The keyring is created and unlocked with a password read from stdin, never from the command line.
        m_daemon.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_daemon.start(
            QStringLiteral("gnome-keyring-daemon"),
            {QStringLiteral("--foreground"), QStringLiteral("--unlock"), QStringLiteral("--components=secrets")});
        QVERIFY2(m_daemon.waitForStarted(10000), "gnome-keyring-daemon did not start (install gnome-keyring)");
        m_daemon.write("test-keyring-password");
        m_daemon.closeWriteChannel();
        QDBusConnectionInterface *bus = QDBusConnection::sessionBus().interface();
        QTRY_VERIFY_WITH_TIMEOUT(bus->isServiceRegistered(QStringLiteral("org.freedesktop.secrets")).value(), 15000);
    }

    void cleanupTestCase()
    {
        if (m_daemon.state() != QProcess::NotRunning) {
            ::kill(static_cast<pid_t>(m_daemon.processId()), SIGCONT);
            m_daemon.terminate();
            if (!m_daemon.waitForFinished(10000)) {
                m_daemon.kill();
                m_daemon.waitForFinished(10000);
            }
        }
    }

    void probeFindsTheSecretService()
    {
        KeychainSecretStore store(QStringLiteral("vigil-test"));
        QCOMPARE(store.state(), SecretStore::State::Unknown);
        QSignalSpy changed(&store, &SecretStore::stateChanged);
        store.probe();
        QVERIFY(changed.wait(15000));
        QCOMPARE(store.state(), SecretStore::State::Available);
        QVERIFY(store.unavailableReason().isEmpty());
    }

    void roundTrip()
    {
        KeychainSecretStore store(QStringLiteral("vigil-test"));
        const ProfileSecrets written = sample("round");
        auto error = run([&](auto done) { store.writeProfile(QStringLiteral("prod cache"), written, nullptr, done); });
        QCOMPARE(error, QString());

        // A second store is a second reader: the secrets come from the keyring, not from memory.
        KeychainSecretStore other(QStringLiteral("vigil-test"));
        auto back = read(other, QStringLiteral("prod cache"));
        QCOMPARE(back.error, QString());
        compare(back.secrets, written);

        // Entries are per profile and per service.
        auto unrelated = read(other, QStringLiteral("prod"));
        QVERIFY(unrelated.secrets.isEmpty());
        KeychainSecretStore otherService(QStringLiteral("vigil-test-other"));
        auto elsewhere = read(otherService, QStringLiteral("prod cache"));
        QVERIFY(elsewhere.secrets.isEmpty());

        // A cleared field is forgotten, the others stay.
        ProfileSecrets cleared = written;
        cleared.dataPassword.clear();
        error = run([&](auto done) { store.writeProfile(QStringLiteral("prod cache"), cleared, nullptr, done); });
        QCOMPARE(error, QString());
        back = read(other, QStringLiteral("prod cache"));
        compare(back.secrets, cleared);
    }

    void renameMovesAndRemoveDeletes()
    {
        KeychainSecretStore store(QStringLiteral("vigil-test"));
        const ProfileSecrets written = sample("rename");
        auto error = run([&](auto done) { store.writeProfile(QStringLiteral("old name"), written, nullptr, done); });
        QCOMPARE(error, QString());

        error = run([&](auto done) {
            store.renameProfile(QStringLiteral("old name"), QStringLiteral("new name"), nullptr, done);
        });
        QCOMPARE(error, QString());
        compare(read(store, QStringLiteral("new name")).secrets, written);
        QVERIFY(read(store, QStringLiteral("old name")).secrets.isEmpty());

        error = run([&](auto done) { store.removeProfile(QStringLiteral("new name"), nullptr, done); });
        QCOMPARE(error, QString());
        QVERIFY(read(store, QStringLiteral("new name")).secrets.isEmpty());
    }

    void secretsNeverReachAPlainFile()
    {
        // A profile saved as the dialog saves it: its fields to QSettings, its secrets to the keychain.
        ConnectionProfile profile;
        profile.name = QStringLiteral("plain-file-check");
        profile.seeds = QStringLiteral("10.0.0.5:26379");
        profile.masterName = QStringLiteral("mymaster");
        profile.dataUser = QStringLiteral("alice");
        profile.rememberSecrets = true;
        {
            QSettings settings;
            ConnectionProfile::save(settings, profile);
        }
        KeychainSecretStore store(QStringLiteral("vigil-test"));
        const ProfileSecrets written = sample("disk");
        auto error = run([&](auto done) { store.writeProfile(profile.name, written, nullptr, done); });
        QCOMPARE(error, QString());

        // Both were written into this home: the settings file and the (encrypted) keyring.
        QVERIFY(!HomeFiles::holding(m_home, "plain-file-check").isEmpty());
        QVERIFY(!HomeFiles::holding(m_home, "mymaster").isEmpty());
        bool keyring = false;
        for (const QString &path : HomeFiles::all(m_home))
            keyring = keyring || path.endsWith(QStringLiteral("/keyrings/login.keyring"));
        QVERIFY2(keyring, qPrintable(HomeFiles::all(m_home).join(QLatin1Char(' '))));
        for (const QByteArray &secret : {written.sentinelPassword, written.dataPassword, written.keyPassphrase})
            QCOMPARE(HomeFiles::holding(m_home, secret), QStringList());
    }

    // Last: it stops the daemon for a while.
    void aSecretServiceThatHangsCostsABoundedWait()
    {
        KeychainSecretStore store(QStringLiteral("vigil-test"));
        store.setTimeout(1500);
        const pid_t daemon = static_cast<pid_t>(m_daemon.processId());
        QVERIFY(daemon > 0);
        QCOMPARE(::kill(daemon, SIGSTOP), 0);

        auto stuck = read(store, QStringLiteral("prod cache"), 20000);
        QCOMPARE(stuck.error,
                 QStringLiteral("keychain: could not read the sentinel password of 'prod cache': the keychain did not "
                                "answer within 1.5 s"));
        QCOMPARE(store.state(), SecretStore::State::Unavailable);
        QCOMPARE(store.unavailableReason(), QStringLiteral("the keychain did not answer within 1.5 s"));

        // Once the service answers again so does the store (qtkeychain runs its jobs one after the other: the
        // abandoned one finishes first).
        QCOMPARE(::kill(daemon, SIGCONT), 0);
        store.setTimeout(15000);
        auto again = read(store, QStringLiteral("prod cache"), 20000);
        QCOMPARE(again.error, QString());
        QCOMPARE(store.state(), SecretStore::State::Available);
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
