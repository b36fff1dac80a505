#include "fakeserver.h"
#include "scan/scaniterator.h"
#include "sentinel/masterresolver.h"

#include <QDeadlineTimer>
#include <QTest>

// A table of servers that answer with the wrong shape: wrong types anywhere in a reply, headers that announce
// gigabytes, replies that stop halfway, a reply over the size cap. Each shape is played by a fake master to SCAN and by
// a fake sentinel to the Sentinel commands a scan sends. A reply Vigil cannot accept is a protocol fault on that
// node: the scan tries again a few times at most, then fails naming the node and the step, and never says "complete".
// Beside them, what is not a fault stays waited out: a lost connection, a node that is loading or says it is a replica.
class TestHostileReplies final : public QObject
{
    Q_OBJECT

private:
    using Node = FakeDeployment::Node;

    struct Outcome
    {
        ScanSummary summary;
        VigilError error;
        bool started = false;
        QList<QByteArray> keys;
        int notices = 0;
    };

    static constexpr int pageSize = 10;
    static constexpr qint64 replyCap = 64 * 1024;

    static QList<QByteArray> sampleKeys()
    {
        QList<QByteArray> keys;
        for (int i = 0; i < 100; ++i)
            keys.append("key:" + QByteArray::number(i).rightJustified(3, '0'));
        return keys;
    }

    // Runs a scan of the fake deployment in this thread. A watchdog cancels it after a minute, and the tests check
    // that it never came to that: every row must end by itself.
    static Outcome scanOf(const FakeDeployment &fake, ScanOptions options = {})
    {
        SentinelTarget target = fake.target();
        target.limits.maxReplyBytes = replyCap;
        options.count = pageSize;
        if (options.recoveryTimeoutMs == ScanOptions().recoveryTimeoutMs)
            options.recoveryTimeoutMs = 20000;
        Outcome outcome;
        const QDeadlineTimer watchdog(60000);
        ScanIterator::Callbacks callbacks;
        callbacks.keys = [&outcome](const QList<QByteArray> &keys, int) { outcome.keys.append(keys); };
        callbacks.notice = [&outcome](const ScanNotice &) { ++outcome.notices; };
        callbacks.cancelled = [watchdog] { return watchdog.hasExpired(); };
        ScanIterator iterator(target, options, SwitchEpoch(), callbacks);
        outcome.summary = iterator.run(&outcome.error);
        outcome.started = iterator.started();
        return outcome;
    }

    static QString master(const FakeDeployment &fake)
    {
        return QStringLiteral("master 127.0.0.1:%1").arg(fake.masterPort());
    }

    static QString sentinel(const FakeDeployment &fake)
    {
        return QStringLiteral("sentinel 127.0.0.1:%1").arg(fake.sentinelPort());
    }

    static bool isCommand(const QList<QByteArray> &command, const QByteArray &name, const QByteArray &sub = {})
    {
        return command.first().toUpper() == name && (sub.isEmpty() || command.value(1).toUpper() == sub);
    }

    // 100 bulks of 1 KiB: over the 64 KiB cap the scans run with, in a reply whose every header is modest.
    static QByteArray overTheCap(const QByteArray &cursor = {})
    {
        QList<QByteArray> items;
        for (int i = 0; i < 100; ++i)
            items.append(FakeResp::bulk(QByteArray(1024, 'x')));
        const QByteArray list = FakeResp::array(items);
        return cursor.isEmpty() ? list : FakeResp::array({FakeResp::bulk(cursor), list});
    }

    static QByteArray nestedTooDeep()
    {
        QByteArray out;
        for (int i = 0; i < 9; ++i)
            out += "*1\r\n";
        return out + ":1\r\n";
    }

    // The shapes every command meets, as (row, bytes, close afterwards, what the error must say).
    static void addShapes(const QByteArray &halfway, const QByteArray &wrongInside, const QString &wrongInsideSays,
                          const QByteArray &wrongLength, const QString &shapeSays, const QString &capSays)
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<bool>("close");
        QTest::addColumn<QString>("expected");
        QTest::newRow("integer instead of an array") << FakeResp::integer(42) << false << shapeSays;
        QTest::newRow("status instead of an array") << FakeResp::status("OK") << false << shapeSays;
        QTest::newRow("array of the wrong length") << wrongLength << false << shapeSays;
        QTest::newRow("wrong type inside") << wrongInside << false << wrongInsideSays;
        QTest::newRow("bulk header announcing 4 GB")
            << QByteArray("$4000000000\r\n") << false << QStringLiteral("bulk reply of 4000000000 bytes exceeds");
        QTest::newRow("array header announcing 2 billion elements")
            << QByteArray("*2000000000\r\n") << false << QStringLiteral("array of 2000000000 elements exceeds");
        QTest::newRow("arrays nested 9 deep") << nestedTooDeep() << false << QStringLiteral("nested deeper than 7");
        QTest::newRow("not RESP at all") << QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n") << false
                                         << QStringLiteral("Protocol error");
        QTest::newRow("stops halfway, then closes")
            << halfway << true << QStringLiteral("the reply stopped halfway: the connection closed after");
        QTest::newRow("stops halfway, then hangs")
            << halfway << false << QStringLiteral("the reply stopped halfway: %1 bytes of it").arg(halfway.size());
        QTest::newRow("a reply over the size cap") << overTheCap("0") << false << capSays;
    }

    static void checkShortMessage(const VigilError &error)
    {
        // The reply is quoted by a short prefix only, and in printable bytes.
        QVERIFY2(error.toString().size() < 600, qPrintable(error.toString()));
        for (const QChar c : error.toString())
            QVERIFY2(c.unicode() >= 0x20, qPrintable(error.toString()));
    }

private Q_SLOTS:
    void scanReplyItCannotAccept_data()
    {
        addShapes(
            QByteArray("*2\r\n$2\r\n20\r\n*10\r\n$7\r\nkey:010\r\n$7\r\nkey:0"),
            FakeResp::array({FakeResp::bulk("20"), FakeResp::array({FakeResp::bulk("key:010"), FakeResp::integer(7)})}),
            QStringLiteral("key 2 of 2 is not a string: (integer) 7"), FakeResp::array({FakeResp::bulk("20")}),
            QStringLiteral("not a cursor and a list of keys"),
            QStringLiteral("the reply is bigger than the limit of 65536 bytes"));
        QTest::newRow("cursor that is not a number") << FakeResp::array({FakeResp::bulk("abc"), FakeResp::array({})})
                                                     << false << QStringLiteral("the cursor is not a number: \"abc\"");
        QTest::newRow("cursor past 64 bits")
            << FakeResp::array({FakeResp::bulk("99999999999999999999999"), FakeResp::array({})}) << false
            << QStringLiteral("the cursor is not a number");
        QTest::newRow("cursor as an integer") << FakeResp::array({FakeResp::integer(0), FakeResp::array({})}) << false
                                              << QStringLiteral("the cursor is not a number: (integer) 0");
        // The cursor says "done": with a key that is no string, it must still not end in "complete".
        QTest::newRow("last page with a nil key")
            << FakeResp::array({FakeResp::bulk("0"), FakeResp::array({QByteArray("$-1\r\n")})}) << false
            << QStringLiteral("key 1 of 1 is not a string: (nil)");
        QTest::newRow("control bytes quoted escaped")
            << FakeResp::array({FakeResp::bulk("\x1b[2J" + QByteArray(500, 'z')), FakeResp::array({})}) << false
            << QStringLiteral("the cursor is not a number: \"\\x1b[2Jzzz");
    }

    void scanReplyItCannotAccept()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, close);
        QFETCH(QString, expected);
        // The first page is good; from the second on, every SCAN gets the hostile reply.
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int seen) {
            if (node == Node::Master && isCommand(command, "SCAN") && seen >= 2)
                return std::optional<FakeReply>(FakeReply{reply, close});
            return std::optional<FakeReply>();
        });
        const Outcome outcome = scanOf(fake);
        QVERIFY2(outcome.error.isError(), "a scan that met a reply it cannot accept must not complete");
        QVERIFY2(outcome.error.kind() == VigilError::Kind::Protocol, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), master(fake));
        QCOMPARE(outcome.error.step(), QStringLiteral("SCAN"));
        QVERIFY2(outcome.error.message().contains(expected), qPrintable(outcome.error.toString()));
        QVERIFY(outcome.started); // vigil-scan: exit 1
        checkShortMessage(outcome.error);
        // The first page was reported, once; then the hostile SCAN and two more tries, each on a new connection.
        QCOMPARE(outcome.keys, fake.keys().mid(0, pageSize));
        QCOMPARE(fake.masterCount("SCAN"), 1 + 3);
        QCOMPARE(outcome.summary.resumes, 2);
        QCOMPARE(outcome.notices, 2);
    }

    void sentinelReplyItCannotAccept_data()
    {
        addShapes(QByteArray("*2\r\n$9\r\n127.0.0.1\r\n$4\r\n63"),
                  FakeResp::array({FakeResp::bulk("127.0.0.1"), FakeResp::integer(6379)}),
                  QStringLiteral("not a host and a port: [\"127.0.0.1\", (integer) 6379]"),
                  FakeResp::bulks({"127.0.0.1", "6379", "extra"}), QStringLiteral("not a host and a port"),
                  QStringLiteral("the reply is bigger than the limit of 65536 bytes"));
        QTest::newRow("port that is not a number")
            << FakeResp::bulks({"127.0.0.1", "http"}) << false << QStringLiteral("the port is not a port number");
        QTest::newRow("port out of range")
            << FakeResp::bulks({"127.0.0.1", "70000"}) << false << QStringLiteral("the port is not a port number");
        QTest::newRow("empty host") << FakeResp::bulks({"", "6379"}) << false
                                    << QStringLiteral("the host is not a host name");
    }

    // At the start: the scan cannot begin (vigil-scan: exit 3), and says which sentinel answered what.
    void sentinelReplyItCannotAccept()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, close);
        QFETCH(QString, expected);
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int) {
            if (node == Node::Sentinel && isCommand(command, "SENTINEL", "GET-MASTER-ADDR-BY-NAME"))
                return std::optional<FakeReply>(FakeReply{reply, close});
            return std::optional<FakeReply>();
        });
        const Outcome outcome = scanOf(fake);
        QVERIFY2(outcome.error.kind() == VigilError::Kind::Protocol, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), sentinel(fake));
        QCOMPARE(outcome.error.step(), QStringLiteral("SENTINEL GET-MASTER-ADDR-BY-NAME"));
        QVERIFY2(outcome.error.message().contains(expected), qPrintable(outcome.error.toString()));
        QVERIFY(!outcome.started);
        checkShortMessage(outcome.error);
        QCOMPARE(fake.sentinelCount("SENTINEL"), 1);
        QCOMPARE(fake.masterCount("SCAN"), 0);
        QVERIFY(outcome.keys.isEmpty());
    }

    void sentinelReplyDuringRecovery_data() { sentinelReplyItCannotAccept_data(); }

    // In the middle of a scan: the master drops the connection (a failover, as far as the scan can tell), and the
    // sentinel it asks where the master went answers with the hostile shape. Three tries, then the scan fails.
    void sentinelReplyDuringRecovery()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, close);
        QFETCH(QString, expected);
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int seen) {
            if (node == Node::Master && isCommand(command, "SCAN") && seen == 2)
                return std::optional<FakeReply>(FakeReply{{}, true});
            if (node == Node::Sentinel && isCommand(command, "SENTINEL", "GET-MASTER-ADDR-BY-NAME") && seen >= 2)
                return std::optional<FakeReply>(FakeReply{reply, close});
            return std::optional<FakeReply>();
        });
        const Outcome outcome = scanOf(fake);
        QVERIFY2(outcome.error.kind() == VigilError::Kind::Protocol, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), sentinel(fake));
        QCOMPARE(outcome.error.step(), QStringLiteral("SENTINEL GET-MASTER-ADDR-BY-NAME"));
        QVERIFY2(outcome.error.message().contains(expected), qPrintable(outcome.error.toString()));
        QVERIFY(outcome.started); // vigil-scan: exit 1
        QCOMPARE(outcome.keys, fake.keys().mid(0, pageSize));
        // Asked at the start (and SENTINEL SENTINELS after it), then three times while recovering.
        QCOMPARE(fake.sentinelCount("SENTINEL"), 1 + 1 + 3);
    }

    void replicaListItCannotAccept_data()
    {
        addShapes(QByteArray("*1\r\n*4\r\n$5\r\nflags\r\n$5\r\nsla"),
                  FakeResp::array({FakeResp::array({FakeResp::bulk("flags"), FakeResp::integer(1)})}),
                  QStringLiteral("not a list of replicas"), FakeResp::array({FakeResp::bulks({"flags"})}),
                  QStringLiteral("not a list of replicas"), QStringLiteral("the reply is bigger than the limit"));
    }

    // Scanning a replica: the sentinel's SENTINEL REPLICAS is the hostile one.
    void replicaListItCannotAccept()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, close);
        QFETCH(QString, expected);
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int) {
            if (node == Node::Sentinel && isCommand(command, "SENTINEL", "REPLICAS"))
                return std::optional<FakeReply>(FakeReply{reply, close});
            return std::optional<FakeReply>();
        });
        ScanOptions options;
        options.source = ScanOptions::Source::Replica;
        const Outcome outcome = scanOf(fake, options);
        QVERIFY2(outcome.error.kind() == VigilError::Kind::Protocol, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), sentinel(fake));
        QCOMPARE(outcome.error.step(), QStringLiteral("SENTINEL REPLICAS"));
        QVERIFY2(outcome.error.message().contains(expected), qPrintable(outcome.error.toString()));
        QVERIFY(!outcome.started);
        checkShortMessage(outcome.error);
        QCOMPARE(fake.masterCount("SCAN"), 0);
    }

    void infoReplyItCannotAccept_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("step");
        QTest::newRow("INFO as an integer")
            << QByteArray("INFO") << FakeResp::integer(1) << QStringLiteral("INFO server");
        QTest::newRow("INFO without a role")
            << QByteArray("INFO") << FakeResp::bulk("# nothing here\r\n") << QStringLiteral("INFO replication");
        QTest::newRow("DBSIZE as a string")
            << QByteArray("DBSIZE") << FakeResp::bulk("many") << QStringLiteral("DBSIZE");
        QTest::newRow("DBSIZE below zero") << QByteArray("DBSIZE") << FakeResp::integer(-5) << QStringLiteral("DBSIZE");
        QTest::newRow("ROLE as a status") << QByteArray("ROLE") << FakeResp::status("master") << QStringLiteral("ROLE");
    }

    // The master's own facts, read as the scan connects: the wrong shape there is a fault of the master.
    void infoReplyItCannotAccept()
    {
        QFETCH(QByteArray, command);
        QFETCH(QByteArray, reply);
        QFETCH(QString, step);
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &received, int) {
            if (node == Node::Master && isCommand(received, command))
                return std::optional<FakeReply>(FakeReply{reply, false});
            return std::optional<FakeReply>();
        });
        const Outcome outcome = scanOf(fake);
        QVERIFY2(outcome.error.kind() == VigilError::Kind::Protocol, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), master(fake));
        QCOMPARE(outcome.error.step(), step);
        QCOMPARE(fake.masterCount("SCAN"), 0);
    }

    // A connection that drops at every SCAN (no bytes: nothing hostile, a node that keeps going away) is waited out
    // for the recovery bound, then the scan fails; it does not loop for ever.
    void lostConnectionIsWaitedOutWithABound()
    {
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int seen) {
            if (node == Node::Master && isCommand(command, "SCAN") && seen >= 2)
                return std::optional<FakeReply>(FakeReply{{}, true});
            return std::optional<FakeReply>();
        });
        ScanOptions options;
        options.recoveryTimeoutMs = 1500;
        const Outcome outcome = scanOf(fake, options);
        QVERIFY2(outcome.error.kind() == VigilError::Kind::ConnectionLost, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), master(fake));
        QCOMPARE(outcome.error.step(), QStringLiteral("SCAN"));
        QVERIFY2(outcome.error.message().contains(QStringLiteral("gave up after")),
                 qPrintable(outcome.error.toString()));
        QVERIFY(outcome.started);
        QCOMPARE(outcome.keys, fake.keys().mid(0, pageSize));
        // It did try again (more than a protocol fault gets), and backed off instead of hammering the node.
        QVERIFY2(outcome.summary.resumes >= 3, qPrintable(QString::number(outcome.summary.resumes)));
        QVERIFY2(fake.masterCount("SCAN") < 20, qPrintable(QString::number(fake.masterCount("SCAN"))));
    }

    void busyIsWaitedOutWithABound()
    {
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int seen) {
            if (node == Node::Master && isCommand(command, "SCAN") && seen >= 2)
                return std::optional<FakeReply>(
                    FakeReply{FakeResp::error("BUSY Redis is busy running a script."), false});
            return std::optional<FakeReply>();
        });
        ScanOptions options;
        options.recoveryTimeoutMs = 1000;
        const Outcome outcome = scanOf(fake, options);
        QVERIFY2(outcome.error.kind() == VigilError::Kind::Server, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), master(fake));
        QCOMPARE(outcome.error.step(), QStringLiteral("SCAN"));
        QVERIFY2(
            outcome.error.message().startsWith(QStringLiteral("BUSY Redis is busy running a script. (still after")),
            qPrintable(outcome.error.toString()));
        QVERIFY(fake.masterCount("SCAN") > 2);
    }

    // What a failover looks like from the scan: the connection drops, and for a while the node the sentinel names
    // says it is a replica. That is waited out (not counted as a fault), and the scan completes, every key once.
    void failoverInProgressIsWaitedOut()
    {
        const QByteArray replica
            = FakeResp::array({FakeResp::bulk("slave"), FakeResp::bulk("127.0.0.1"), FakeResp::integer(6379),
                               FakeResp::bulk("connected"), FakeResp::integer(0)});
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int seen) {
            if (node == Node::Master && isCommand(command, "SCAN") && seen == 3)
                return std::optional<FakeReply>(FakeReply{{}, true});
            // ROLE 1 was the start; the next four tries (two resolutions of up to three) meet a replica.
            if (node == Node::Master && isCommand(command, "ROLE") && seen >= 2 && seen <= 5)
                return std::optional<FakeReply>(FakeReply{replica, false});
            return std::optional<FakeReply>();
        });
        const Outcome outcome = scanOf(fake);
        QVERIFY2(!outcome.error.isError(), qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.keys, fake.keys());
        QCOMPARE(outcome.summary.resumes, 1);
        QVERIFY(fake.masterCount("ROLE") >= 6);
    }

    // Running out of memory while the keys are handled (here, the second batch) is an error like any other: the scan
    // ends and says so, and no exception leaves run(), where on the GUI's scan thread it would end the program.
    void runningOutOfMemoryIsAnError()
    {
        const FakeDeployment fake(sampleKeys());
        int batches = 0;
        ScanIterator::Callbacks callbacks;
        callbacks.keys = [&batches](const QList<QByteArray> &, int) {
            if (++batches == 2)
                throw std::bad_alloc();
        };
        ScanOptions options;
        options.count = pageSize;
        ScanIterator iterator(fake.target(), options, SwitchEpoch(), callbacks);
        VigilError error;
        bool escaped = false;
        try {
            iterator.run(&error);
        } catch (const std::bad_alloc &) {
            escaped = true;
        }
        QVERIFY2(!escaped, "std::bad_alloc left ScanIterator::run()");
        QVERIFY2(error.kind() == VigilError::Kind::OutOfMemory, qPrintable(error.toString()));
        QCOMPARE(error.node(), master(fake));
        QCOMPARE(error.step(), QStringLiteral("SCAN"));
        QVERIFY2(error.message().startsWith(QStringLiteral("out of memory after ")), qPrintable(error.toString()));
        QVERIFY(iterator.started());
    }

    // DBSIZE is the server's word: a lie of a trillion keys must not size anything. The scan completes with the keys
    // that arrived, and the set that dedupes them stays as small as those keys need.
    // Well-formed replies whose cursors go round a circle of three (5, 6, 8, 5, ...), each with a key of its own: the
    // scan would never end. The circle is seen within two turns of it (Brent's check keeps one cursor, not a list),
    // each key is reported once, and the scan fails as it does on a reply it cannot accept.
    void cursorsGoingRoundAreAFault()
    {
        const QHash<QByteArray, QByteArray> next = {{"0", "5"}, {"5", "6"}, {"6", "8"}, {"8", "5"}};
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int) {
            if (node != Node::Master || !isCommand(command, "SCAN"))
                return std::optional<FakeReply>();
            const QByteArray cursor = command.value(1);
            return std::optional<FakeReply>(FakeReply{
                FakeResp::array({FakeResp::bulk(next.value(cursor, "0")), FakeResp::bulks({"k" + cursor})}), false});
        });
        const Outcome outcome = scanOf(fake);
        QVERIFY2(outcome.error.kind() == VigilError::Kind::Protocol, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.error.node(), master(fake));
        QCOMPARE(outcome.error.step(), QStringLiteral("SCAN"));
        QVERIFY2(outcome.error.message().contains(QLatin1String("came back a second time in one pass")),
                 qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.keys, (QList<QByteArray>{"k0", "k5", "k6", "k8"}));
        // Six replies to see the circle (0→5→6→8→5→6→8: 8 is the cursor kept), then the same tries as any fault.
        QCOMPARE(fake.masterCount("SCAN"), 6 + 2);
    }

    // A sentinel that names 5,000 other sentinels: the resolver keeps the deployment's bound, not 5,000 addresses
    // (each would get a connection on the next resolution), and still finds the master.
    void thousandsOfSentinelsAreNotAllKept()
    {
        QList<QByteArray> others;
        for (int i = 1; i <= 5000; ++i)
            others.append(FakeResp::bulks({"ip", "127.0.0.1", "port", QByteArray::number(20000 + i)}));
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int) {
            if (node == Node::Sentinel && isCommand(command, "SENTINEL", "SENTINELS"))
                return std::optional<FakeReply>(FakeReply{FakeResp::array(others), false});
            return std::optional<FakeReply>();
        });
        MasterResolver resolver(fake.target());
        VigilError error;
        const ResolvedMaster found = resolver.queryMasterAddress(&error);
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        QCOMPARE(found.address.port, fake.masterPort());
        QCOMPARE(fake.sentinelCount("SENTINEL"), 2); // get-master-addr-by-name, then SENTINELS
        QCOMPARE(resolver.sentinels().size(), fake.target().maxSentinels);
        QCOMPARE(resolver.sentinels().first().port, fake.sentinelPort());
    }

    void dbsizeIsNotBelieved()
    {
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int) {
            if (node == Node::Master && isCommand(command, "DBSIZE"))
                return std::optional<FakeReply>(FakeReply{FakeResp::integer(1000000000000LL), false});
            return std::optional<FakeReply>();
        });
        const Outcome outcome = scanOf(fake);
        QVERIFY2(!outcome.error.isError(), qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.keys, fake.keys());
        QVERIFY2(outcome.summary.dedupeBytes < 16 * 1024 * 1024,
                 qPrintable(QString::number(outcome.summary.dedupeBytes)));
    }
};

QTEST_GUILESS_MAIN(TestHostileReplies)
#include "tst_hostilereplies.moc"
