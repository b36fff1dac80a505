#include "values/duration.h"

#include <QTest>

// TTLs as people type them: "1h" is an hour, never a second.
class TestDuration final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::newRow("plain seconds") << QStringLiteral("500") << qint64(500);
        QTest::newRow("seconds") << QStringLiteral("90s") << qint64(90);
        QTest::newRow("minutes") << QStringLiteral("15m") << qint64(900);
        QTest::newRow("an hour") << QStringLiteral("1h") << qint64(3600);
        QTest::newRow("upper case") << QStringLiteral("1H") << qint64(3600);
        QTest::newRow("days") << QStringLiteral("2d") << qint64(172800);
        QTest::newRow("a week") << QStringLiteral("1w") << qint64(604800);
        QTest::newRow("sum") << QStringLiteral("1h30m") << qint64(5400);
        QTest::newRow("spaces") << QStringLiteral(" 1d 12h ") << qint64(129600);
        QTest::newRow("space before the unit") << QStringLiteral("10 m") << qint64(600);
        QTest::newRow("unknown unit") << QStringLiteral("1x") << qint64(-1);
        QTest::newRow("a word") << QStringLiteral("1hour") << qint64(-1);
        QTest::newRow("min is not a unit") << QStringLiteral("5min") << qint64(-1);
        QTest::newRow("trailing number") << QStringLiteral("1h30") << qint64(-1);
        QTest::newRow("zero") << QStringLiteral("0") << qint64(-1);
        QTest::newRow("negative") << QStringLiteral("-5") << qint64(-1);
        QTest::newRow("fraction") << QStringLiteral("1.5h") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
        QTest::newRow("only a unit") << QStringLiteral("h") << qint64(-1);
        QTest::newRow("a hundred years is the most") << QStringLiteral("36500d") << qint64(36500LL * 86400);
        QTest::newRow("more than a hundred years") << QStringLiteral("36501d") << qint64(-1);
        QTest::newRow("digits that overflow") << QStringLiteral("99999999999999999999") << qint64(-1);
        QTest::newRow("huge times a unit") << QStringLiteral("999999999999w") << qint64(-1);
    }

    void parse()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        QString error;
        const std::optional<qint64> parsed = Duration::parseSeconds(text, &error);
        if (seconds < 0) {
            QVERIFY2(!parsed, qPrintable(QString::number(parsed.value_or(0))));
            QVERIFY(!error.isEmpty());
        } else {
            QVERIFY2(parsed, qPrintable(error));
            QCOMPARE(*parsed, seconds);
        }
    }

    void describe()
    {
        QCOMPARE(Duration::describe(45), QStringLiteral("45 s"));
        QCOMPARE(Duration::describe(5400), QStringLiteral("1 h 30 min"));
        QCOMPARE(Duration::describe(90061), QStringLiteral("1 d 1 h 1 min 1 s"));
    }
};

QTEST_GUILESS_MAIN(TestDuration)
#include "tst_duration.moc"
