#include "sentinel/sentineluri.h"

#include <QTest>

// Sentinel URIs as users paste them, and the messages bad ones get.
class TestSentinelUri final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("seeds");
        QTest::addColumn<QString>("master");
        QTest::addColumn<int>("db");
        QTest::addColumn<QByteArray>("user");
        QTest::addColumn<QByteArray>("password");

        QTest::newRow("simple") << "redis+sentinel://10.0.0.5:26379/mymaster"
                                << "10.0.0.5:26379"
                                << "mymaster" << 0 << QByteArray() << QByteArray();
        QTest::newRow("several and db") << "redis+sentinel://a:1,b:2,c:3/cache/4"
                                        << "a:1,b:2,c:3"
                                        << "cache" << 4 << QByteArray() << QByteArray();
        QTest::newRow("user and password") << "redis+sentinel://alice:s%40cret@h:26379/m"
                                           << "h:26379"
                                           << "m" << 0 << QByteArray("alice") << QByteArray("s@cret");
        QTest::newRow("default port") << "redis+sentinel://sentinel-0,sentinel-1/m"
                                      << "sentinel-0:26379,sentinel-1:26379"
                                      << "m" << 0 << QByteArray() << QByteArray();
        QTest::newRow("ipv6") << "redis+sentinel://[::1]:26380,[fe80::1]/m"
                              << "[::1]:26380,[fe80::1]:26379"
                              << "m" << 0 << QByteArray() << QByteArray();
        QTest::newRow("lettuce") << "redis-sentinel://localhost:26379,localhost:26380#mymaster"
                                 << "localhost:26379,localhost:26380"
                                 << "mymaster" << 0 << QByteArray() << QByteArray();
        QTest::newRow("lettuce password and db") << "redis-sentinel://pw@h1,h2:26381/2#m"
                                                 << "h1:26379,h2:26381"
                                                 << "m" << 2 << QByteArray() << QByteArray("pw");
        QTest::newRow("lettuce user and query") << "redis-sentinel://bob:pw@h?sentinelMasterId=orders&database=3"
                                                << "h:26379"
                                                << "orders" << 3 << QByteArray("bob") << QByteArray("pw");
        QTest::newRow("spaces around") << "  redis+sentinel://h:1/m  "
                                       << "h:1"
                                       << "m" << 0 << QByteArray() << QByteArray();
    }

    void rediss_turnsTlsOn()
    {
        // Both spellings with the extra s mean TLS; without it, none.
        for (const auto &[uri, tls] :
             {std::pair{"rediss+sentinel://h:1/m", true}, std::pair{"rediss-sentinel://h#m", true},
              std::pair{"redis+sentinel://h:1/m", false}, std::pair{"redis-sentinel://h#m", false}}) {
            SentinelUri parsed;
            QString error;
            QVERIFY2(SentinelUri::parse(QString::fromLatin1(uri), &parsed, &error), qPrintable(error));
            QCOMPARE(parsed.tls, tls);
            QCOMPARE(parsed.masterName, QStringLiteral("m"));
        }
    }

    void parses()
    {
        QFETCH(QString, uri);
        QFETCH(QString, seeds);
        QFETCH(QString, master);
        QFETCH(int, db);
        QFETCH(QByteArray, user);
        QFETCH(QByteArray, password);
        SentinelUri parsed;
        QString error;
        QVERIFY2(SentinelUri::parse(uri, &parsed, &error), qPrintable(error));
        QStringList got;
        for (const HostPort &hp : parsed.seeds)
            got.append(hp.toString());
        QCOMPARE(got.join(QLatin1Char(',')), seeds);
        QCOMPARE(parsed.masterName, master);
        QCOMPARE(parsed.db, db);
        QCOMPARE(parsed.user, user);
        QCOMPARE(parsed.password, password);
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("message");
        QTest::newRow("not a uri") << "localhost:26379"
                                   << "not a URI";
        QTest::newRow("plain redis") << "redis://localhost:6379/0"
                                     << "unknown scheme 'redis'";
        QTest::newRow("no master") << "redis+sentinel://h:26379"
                                   << "no master name";
        QTest::newRow("no master lettuce") << "redis-sentinel://h:26379"
                                           << "no master name";
        QTest::newRow("bad port") << "redis+sentinel://h:99999/m"
                                  << "bad port '99999' in 'h:99999'";
        QTest::newRow("port not a number") << "redis+sentinel://h:abc/m"
                                           << "bad port 'abc'";
        QTest::newRow("empty host") << "redis+sentinel://:26379/m"
                                    << "no host in ':26379'";
        QTest::newRow("empty address") << "redis+sentinel://h:1,,h:2/m"
                                       << "an empty sentinel address";
        QTest::newRow("no address") << "redis+sentinel:///m"
                                    << "no sentinel address";
        QTest::newRow("bad db") << "redis+sentinel://h:1/m/x"
                                << "the database must be a number, not 'x'";
        QTest::newRow("too many parts") << "redis+sentinel://h:1/m/1/2"
                                        << "too many path parts";
        QTest::newRow("unclosed ipv6") << "redis+sentinel://[::1:26379/m"
                                       << "unclosed '['";
    }

    void refuses()
    {
        QFETCH(QString, uri);
        QFETCH(QString, message);
        SentinelUri parsed;
        QString error;
        QVERIFY(!SentinelUri::parse(uri, &parsed, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    // What the dialog shows once a pasted password has moved to its masked field: the same URI, parsed the same
    // way, without the password.
    void withoutPassword_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("shown");
        QTest::newRow("user and password") << QStringLiteral("redis+sentinel://alice:s3cr%40t@h1:26379,h2/mymaster/2")
                                           << QStringLiteral("redis+sentinel://alice@h1:26379,h2/mymaster/2");
        QTest::newRow("password only") << QStringLiteral("redis+sentinel://:pw@h1/m")
                                       << QStringLiteral("redis+sentinel://h1/m");
        QTest::newRow("user only") << QStringLiteral("redis+sentinel://alice@h1/m")
                                   << QStringLiteral("redis+sentinel://alice@h1/m");
        QTest::newRow("no userinfo") << QStringLiteral("redis+sentinel://h1/m")
                                     << QStringLiteral("redis+sentinel://h1/m");
        QTest::newRow("@ in the path is not userinfo")
            << QStringLiteral("redis+sentinel://h1/m@x") << QStringLiteral("redis+sentinel://h1/m@x");
        QTest::newRow("lettuce password") << QStringLiteral("redis-sentinel://pw@h1:26379?sentinelMasterId=m")
                                          << QStringLiteral("redis-sentinel://h1:26379?sentinelMasterId=m");
        QTest::newRow("lettuce user and password")
            << QStringLiteral("rediss-sentinel://bob:pw@h1#m") << QStringLiteral("rediss-sentinel://bob:@h1#m");
    }

    void withoutPassword()
    {
        QFETCH(QString, uri);
        QFETCH(QString, shown);
        QCOMPARE(SentinelUri::withoutPassword(uri), shown);
        SentinelUri full;
        SentinelUri redacted;
        QString error;
        QVERIFY2(SentinelUri::parse(uri, &full, &error), qPrintable(error));
        QVERIFY2(SentinelUri::parse(shown, &redacted, &error), qPrintable(error));
        QVERIFY(redacted.password.isEmpty());
        QCOMPARE(redacted.user, full.user);
        QCOMPARE(redacted.seeds, full.seeds);
        QCOMPARE(redacted.masterName, full.masterName);
        QCOMPARE(redacted.db, full.db);
        QCOMPARE(redacted.tls, full.tls);
    }
};

QTEST_GUILESS_MAIN(TestSentinelUri)
#include "tst_sentineluri.moc"
