#include "homefiles.h"
#include "secrets/keychainsecretstore.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

// KeychainSecretStore where no secret service can be reached (a session bus address that leads nowhere, in a
// throwaway home: tests/support/keychainsession.sh --no-bus). The store says so in words, every call answers with
// that reason, and nothing is written anywhere: there is no plain-file fallback.
class TestNoKeychain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariable("VIGIL_KEYCHAIN_TEST_HOME").isEmpty()
                     && qEnvironmentVariable("HOME") == qEnvironmentVariable("VIGIL_KEYCHAIN_TEST_HOME"),
                 "run through tests/support/keychainsession.sh --no-bus, which gives a throwaway HOME");
        QCoreApplication::setOrganizationName(QStringLiteral("VigilTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_nokeychain"));
    }

    void storeSaysUnavailableAndWritesNothing()
    {
        const QString home = qEnvironmentVariable("HOME");
        const QStringList before = HomeFiles::all(home);

        KeychainSecretStore store(QStringLiteral("vigil-test"));
        QSignalSpy changed(&store, &SecretStore::stateChanged);
        store.probe();
        QVERIFY(changed.wait(15000));
        QCOMPARE(store.state(), SecretStore::State::Unavailable);
        QVERIFY2(store.unavailableReason().startsWith(QStringLiteral("no secret service (keychain) is running")),
                 qPrintable(store.unavailableReason()));
        qInfo("the store says: %s", qPrintable(store.unavailableReason()));

        ProfileSecrets secrets;
        secrets.sentinelPassword = "never-on-disk-sentinel";
        secrets.dataPassword = "never-on-disk-data";
        std::optional<QString> error;
        store.writeProfile(QStringLiteral("prod"), secrets, nullptr, [&](const QString &e) { error = e; });
        QTRY_VERIFY_WITH_TIMEOUT(error.has_value(), 15000);
        QVERIFY2(
            error->startsWith(QStringLiteral(
                "keychain: could not store the sentinel password of 'prod': no secret service (keychain) is running")),
            qPrintable(*error));

        std::optional<QString> readError;
        store.readProfile(QStringLiteral("prod"), nullptr,
                          [&](const ProfileSecrets &, const QString &e) { readError = e; });
        QTRY_VERIFY_WITH_TIMEOUT(readError.has_value(), 15000);
        QVERIFY2(readError->contains(QStringLiteral("no secret service (keychain) is running")), qPrintable(*readError));

        QCOMPARE(HomeFiles::all(home), before);
        QCOMPARE(HomeFiles::holding(home, "never-on-disk"), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestNoKeychain)
#include "tst_nokeychain.moc"
