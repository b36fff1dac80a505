#include "common/naturalorder.h"

#include <QRandomGenerator>
#include <QTest>

// The order of the key tree's rows, without a GUI: digits by value, bytes otherwise, fewer leading zeros first.
class TestNaturalOrder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compare_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::newRow("numbers by value") << QByteArray("2") << QByteArray("10");
        QTest::newRow("inside names") << QByteArray("item9") << QByteArray("item10");
        QTest::newRow("versions") << QByteArray("v1.9") << QByteArray("v1.10");
        QTest::newRow("ids in paths") << QByteArray("2019-12") << QByteArray("18579");
        QTest::newRow("leading zeros after") << QByteArray("1") << QByteArray("01");
        QTest::newRow("same value, then what follows") << QByteArray("07a") << QByteArray("7b");
        QTest::newRow("prefix first") << QByteArray("user") << QByteArray("user1");
        QTest::newRow("bytes otherwise") << QByteArray("Zebra") << QByteArray("apple");
        QTest::newRow("digits before letters") << QByteArray("9") << QByteArray("a");
        QTest::newRow("high bytes last") << QByteArray("z") << QByteArray("\xff");
        QTest::newRow("huge numbers") << QByteArray("99999999999999999999") << QByteArray("100000000000000000000");
        QTest::newRow("a run that ends first") << QByteArray("a1b") << QByteArray("a12");
        QTest::newRow("differing inside a run") << QByteArray("id-123-x") << QByteArray("id-124-a");
    }

    void compare()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QVERIFY(NaturalOrder::compare(before, after) < 0);
        QVERIFY(NaturalOrder::compare(after, before) > 0);
        QCOMPARE(NaturalOrder::compare(before, before), 0);
    }

    void naturalOrderMatchesAPlainDefinition()
    {
        // NaturalOrder::compare skips the common prefix for speed; against a plain token-by-token definition, on random
        // names that share prefixes and mix digits, zeros and other bytes, the sign must always agree.
        const auto reference = [](QByteArrayView a, QByteArrayView b) {
            const auto tokens = [](QByteArrayView s) {
                QList<QByteArrayView> out;
                for (qsizetype i = 0; i < s.size();) {
                    qsizetype j = i + 1;
                    if (QChar::isDigit(s[i]))
                        while (j < s.size() && QChar::isDigit(s[j]))
                            ++j;
                    out.append(s.sliced(i, j - i));
                    i = j;
                }
                return out;
            };
            const QList<QByteArrayView> ta = tokens(a);
            const QList<QByteArrayView> tb = tokens(b);
            int zeros = 0;
            for (qsizetype k = 0; k < qMin(ta.size(), tb.size()); ++k) {
                const QByteArrayView x = ta[k];
                const QByteArrayView y = tb[k];
                if (QChar::isDigit(x[0]) && QChar::isDigit(y[0])) {
                    QByteArrayView vx = x;
                    QByteArrayView vy = y;
                    while (vx.size() > 1 && vx[0] == '0')
                        vx = vx.sliced(1);
                    while (vy.size() > 1 && vy[0] == '0')
                        vy = vy.sliced(1);
                    if (vx.size() != vy.size())
                        return vx.size() < vy.size() ? -1 : 1;
                    if (const int c = vx.compare(vy))
                        return c < 0 ? -1 : 1;
                    if (zeros == 0 && x.size() != y.size())
                        zeros = x.size() < y.size() ? -1 : 1;
                } else if (x[0] != y[0]) {
                    return uchar(x[0]) < uchar(y[0]) ? -1 : 1;
                }
            }
            if (ta.size() != tb.size())
                return ta.size() < tb.size() ? -1 : 1;
            return zeros;
        };
        const auto sign = [](int c) { return (c > 0) - (c < 0); };
        QRandomGenerator random(20261126);
        const QByteArray alphabet("0019a:b");
        const auto randomName = [&](int maxLength) {
            QByteArray name;
            const int length = static_cast<int>(random.bounded(maxLength + 1));
            for (int i = 0; i < length; ++i)
                name.append(alphabet[static_cast<int>(random.bounded(alphabet.size()))]);
            return name;
        };
        for (int n = 0; n < 200000; ++n) {
            const QByteArray prefix = randomName(6);
            const QByteArray a = prefix + randomName(5);
            const QByteArray b = prefix + randomName(5);
            QVERIFY2(sign(NaturalOrder::compare(a, b)) == reference(a, b),
                     qPrintable(QStringLiteral("%1 vs %2").arg(QString::fromLatin1(a), QString::fromLatin1(b))));
        }
    }
};

QTEST_GUILESS_MAIN(TestNaturalOrder)
#include "tst_naturalorder.moc"
