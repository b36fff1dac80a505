#include "scan/keyset.h"

#include <QSet>
#include <QTest>

// The scan's dedupe set: exact (no false positives, whatever the hashes do), binary-safe, compact, and able to say
// which keys from before a restart have not come up again.
class TestKeySet final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exactMembership()
    {
        KeySet set;
        QSet<QByteArray> reference;
        for (int i = 0; i < 200000; ++i) {
            const QByteArray key = "key:" + QByteArray::number(i * 7919 % 150000);
            QCOMPARE(set.insert(key), !reference.contains(key));
            reference.insert(key);
        }
        QCOMPARE(set.size(), qint64(reference.size()));
        for (int i = 0; i < 150000; ++i)
            QVERIFY(set.contains(QByteArray("key:" + QByteArray::number(i))));
        for (int i = 150000; i < 160000; ++i)
            QVERIFY(!set.contains(QByteArray("key:" + QByteArray::number(i))));
    }

    void binaryAndEmptyKeys()
    {
        KeySet set;
        const QList<QByteArray> keys
            = {QByteArray(),          QByteArray("\0", 1),       QByteArray("\0\0", 2),    QByteArray("a\0b", 3),
               QByteArray("a\0c", 3), QByteArray("\xff\xfe", 2), QByteArray("line\nbreak")};
        for (const QByteArray &k : keys)
            QVERIFY(set.insert(k));
        for (const QByteArray &k : keys)
            QVERIFY(!set.insert(k));
        QCOMPARE(set.size(), qint64(keys.size()));
        QVERIFY(!set.contains(QByteArray("a\0d", 3)));
    }

    void keysLargerThanAChunk()
    {
        KeySet set;
        const QByteArray big(5 * 1024 * 1024 + 3, 'x'); // bigger than one 4 MiB arena chunk
        QByteArray big2 = big;
        big2[big2.size() - 1] = 'y';
        QVERIFY(set.insert("before"));
        QVERIFY(set.insert(big));
        QVERIFY(set.insert("between"));
        QVERIFY(set.insert(big2));
        QVERIFY(set.insert("after"));
        for (const QByteArray &k : {QByteArray("before"), big, QByteArray("between"), big2, QByteArray("after")})
            QVERIFY(set.contains(k));
        QVERIFY(!set.contains(QByteArray(big.size(), 'z')));
    }

    void batchesMatchOneByOne()
    {
        KeySet batched;
        KeySet single;
        // Batches that repeat keys inside themselves and across each other, and make the table grow mid-way.
        for (int round = 0; round < 50; ++round) {
            QList<QByteArray> keys;
            for (int i = 0; i < 1000; ++i)
                keys.append("k:" + QByteArray::number((round * 700 + i * 13) % 40000));
            keys.append(keys.first()); // the same key twice in one reply
            QList<QByteArrayView> views(keys.cbegin(), keys.cend());
            QList<bool> isNew(keys.size());
            batched.insertMany(views.constData(), views.size(), isNew.data());
            for (qsizetype i = 0; i < keys.size(); ++i)
                QCOMPARE(isNew.at(i), single.insert(keys.at(i)));
            QVERIFY(!isNew.last());
        }
        QCOMPARE(batched.size(), single.size());
    }

    void unseenSinceRestart()
    {
        KeySet set;
        for (int i = 0; i < 1000; ++i)
            set.insert(QByteArray("old:" + QByteArray::number(i)));
        set.markRestart();
        // The new pass meets most of the old keys again, and some new ones.
        for (int i = 0; i < 1000; ++i)
            if (i % 100 != 0)
                QVERIFY(!set.insert(QByteArray("old:" + QByteArray::number(i))));
        for (int i = 0; i < 50; ++i)
            QVERIFY(set.insert(QByteArray("new:" + QByteArray::number(i))));
        qint64 count = 0;
        const QList<QByteArray> missing = set.unseenSinceRestart(5, &count);
        QCOMPARE(count, 10);
        QCOMPARE(missing.size(), 5);
        for (const QByteArray &k : missing) {
            QVERIFY(k.startsWith("old:"));
            QCOMPARE(k.mid(4).toInt() % 100, 0);
        }
        // A second restart forgets the first: everything before it counts, and nothing is seen yet.
        set.markRestart();
        set.unseenSinceRestart(0, &count);
        QCOMPARE(count, 1050);
    }

    void compact()
    {
        KeySet set;
        const int n = 1000000;
        for (int i = 0; i < n; ++i)
            set.insert(QByteArray::number(1000000000000000LL + i)); // 16-byte keys
        const double perKey = double(set.memoryBytes()) / n - 16.0;
        qInfo("KeySet: %.1f bytes a key beyond the key bytes (1M keys of 16 bytes)", perKey);
        QVERIFY2(perKey <= 64.0, qPrintable(QString::number(perKey)));
    }
};

QTEST_GUILESS_MAIN(TestKeySet)
#include "tst_keyset.moc"
