#include "common/workerthread.h"
#include "faultedscan.h"
#include "resp/infoparser.h"
#include "resp/redisconnection.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "scan/scaniterator.h"
#include "scan/scanworker.h"
#include "sentinel/sentinelwatcher.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <functional>

// The heart: a scan over 100k keys that is interrupted by a real fault, and must still report every key exactly once,
// tell the user what happened, and finish on the current master.
class TestScanIterator final : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 generatedKeys = 100000;
    std::unique_ptr<Sandbox> m_sandbox;
    QSet<QByteArray> m_allKeys;

    SentinelTarget target() const { return m_sandbox->target(); }

    void settle() { QVERIFY(SandboxFixture::settle(*m_sandbox)); }

    using Outcome = FaultedScan::Outcome;

    // Runs a paced scan on a worker thread, calls `fault` once `faultAfter` keys are in, and waits for the end.
    void scanWithFault(const std::function<void()> &fault, Outcome *result, qint64 faultAfter = 20000,
                       ScanOptions::Source source = ScanOptions::Source::Master)
    {
        ScanOptions options;
        options.count = 100;
        options.keysPerSecond = 20000; // about 5 s for the whole keyspace: slow enough to interrupt
        options.source = source;
        FaultedScan::run(this, target(), options, faultAfter, fault, result);
    }

    void checkCompleteAndUnique(const Outcome &o, bool onMaster = true)
    {
        QVERIFY2(!o.error.isError(), qPrintable(o.error.toString()));
        const QSet<QByteArray> reported(o.reported.cbegin(), o.reported.cend());
        QCOMPARE(reported.size(), o.reported.size()); // no key twice
        QCOMPARE(o.summary.keys, qint64(o.reported.size()));
        QSet<QByteArray> missing = m_allKeys;
        missing.subtract(reported);
        QVERIFY2(missing.isEmpty(),
                 qPrintable(QStringLiteral("%1 loaded keys never reported, e.g. %2")
                                .arg(missing.size())
                                .arg(QString::fromLatin1(missing.isEmpty() ? QByteArray() : *missing.cbegin()))));
        QCOMPARE(reported.size(), m_allKeys.size());
        // It finished on a master the sentinels named (or on a replica, when it scanned one).
        QVERIFY(o.masterAtEnd.isValid());
        if (onMaster)
            QVERIFY2(FaultedScan::named(o, o.summary.node.address.port),
                     qPrintable(QStringLiteral("ended on %1; named: %2")
                                    .arg(o.summary.node.address.port)
                                    .arg(FaultedScan::namedList(o))));
        else
            QCOMPARE(o.summary.node.role, QByteArray("slave"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = generatedKeys;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
        const SampleData data(generatedKeys);
        for (qint64 i = 0; i < data.count(); ++i)
            m_allKeys.insert(data.key(i).name);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void matchAndTypeEqualTheLoadedSets_data()
    {
        QTest::addColumn<QByteArray>("match");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QByteArray>("prefix");
        QTest::newRow("all") << QByteArray() << QByteArray() << QByteArray();
        QTest::newRow("match session:*") << QByteArray("session:*") << QByteArray() << QByteArray("session:");
        QTest::newRow("type hash") << QByteArray() << QByteArray("hash") << QByteArray();
        QTest::newRow("type stream") << QByteArray() << QByteArray("stream") << QByteArray();
        QTest::newRow("match order:* type hash") << QByteArray("order:*") << QByteArray("hash") << QByteArray("order:");
        QTest::newRow("match tag:* type zset (none)")
            << QByteArray("tag:*") << QByteArray("zset") << QByteArray("tag:");
    }

    void matchAndTypeEqualTheLoadedSets()
    {
        QFETCH(QByteArray, match);
        QFETCH(QByteArray, type);
        QFETCH(QByteArray, prefix);
        QSet<QByteArray> expected;
        const SampleData data(generatedKeys);
        for (qint64 i = 0; i < data.count(); ++i) {
            const SampleData::Key k = data.key(i);
            if (k.name.startsWith(prefix) && (type.isEmpty() || k.type == type))
                expected.insert(k.name);
        }
        QSet<QByteArray> reported;
        qint64 calls = 0;
        ScanIterator::Callbacks callbacks;
        callbacks.keys = [&](const QList<QByteArray> &keys, int) {
            for (const QByteArray &k : keys)
                reported.insert(k);
            calls += keys.size();
        };
        ScanOptions options;
        options.match = match;
        options.type = type;
        ScanIterator iterator(target(), options, SwitchEpoch(), callbacks);
        VigilError error;
        const ScanSummary summary = iterator.run(&error);
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        QCOMPARE(reported, expected);
        QCOMPARE(calls, qint64(expected.size()));
        QCOMPARE(summary.keys, qint64(expected.size()));
        QCOMPARE(summary.restarts, 0);
    }

    void sentinelFailover()
    {
        const quint16 before = m_sandbox->currentMasterPort();
        Outcome o;
        scanWithFault([this] { QVERIFY(!m_sandbox->failover().isError()); }, &o);
        if (QTest::currentTestFailed())
            return;
        checkCompleteAndUnique(o);
        QVERIFY(o.masterAtEnd.port != before);
        QVERIFY(o.restarts.size() >= 1);
        QCOMPARE(o.restarts.last().to.address.port, o.summary.node.address.port);
        QCOMPARE(o.restarts.first().from.address.port, before);
        QVERIFY(o.restarts.first().keysReported >= 20000);
        QCOMPARE(o.summary.restarts, o.restarts.size());
        QCOMPARE(o.summary.passes, 1 + o.restarts.size());
        QVERIFY(o.summary.duplicatesSkipped > 0); // the second pass met the keys of the first
        settle();
    }

    void killMinusNineOfTheMaster()
    {
        const quint16 before = m_sandbox->currentMasterPort();
        Outcome o;
        scanWithFault([this] { QVERIFY(!m_sandbox->killMaster().isError()); }, &o);
        if (QTest::currentTestFailed())
            return;
        checkCompleteAndUnique(o);
        QVERIFY(o.masterAtEnd.port != before);
        QVERIFY(o.restarts.size() >= 1);
        QCOMPARE(o.restarts.last().to.address.port, o.summary.node.address.port);
        settle();
    }

    void pausedMaster()
    {
        // SIGSTOP for 3 s with down-after-milliseconds 1000: Sentinel usually fails over. Whatever it did, the
        // notice must match it: a restart if the master changed, a resume (or nothing) if it did not.
        const quint16 before = m_sandbox->currentMasterPort();
        Outcome o;
        scanWithFault(
            [this, before] {
                QVERIFY(!m_sandbox->pauseNode(before).isError());
                QTimer::singleShot(3000, m_sandbox.get(), [this, before] { m_sandbox->resumeNode(before); });
            },
            &o);
        if (QTest::currentTestFailed())
            return;
        checkCompleteAndUnique(o);
        if (o.summary.node.address.port != before) {
            QVERIFY(o.restarts.size() >= 1);
            QCOMPARE(o.restarts.last().to.address.port, o.summary.node.address.port);
        } else {
            QCOMPARE(o.restarts.size(), 0);
        }
        settle();
    }

    void killTheSentinelInUse()
    {
        const quint16 master = m_sandbox->currentMasterPort();
        Outcome o;
        scanWithFault([this] { QVERIFY(!m_sandbox->killSentinel(0).isError()); }, &o);
        if (QTest::currentTestFailed())
            return;
        checkCompleteAndUnique(o);
        // The scan reads the master; losing a sentinel changes nothing for it.
        QCOMPARE(m_sandbox->currentMasterPort(), master);
        QCOMPARE(o.restarts.size(), 0);
        QCOMPARE(o.resumes.size(), 0);
        settle();
    }

    void clientKillOfTheScanConnection()
    {
        const quint16 master = m_sandbox->currentMasterPort();
        Outcome o;
        scanWithFault(
            [this, master] {
                RedisConnection admin(m_sandbox->dataOptions(master));
                QVERIFY(!admin.openBlocking().isError());
                // The scan's connection is the one whose last command was SCAN.
                const QByteArray list = admin.execute({"CLIENT", "LIST"}).value.toByteArray();
                QByteArray id;
                for (const QByteArray &line : list.split('\n'))
                    if (line.contains(" cmd=scan"))
                        id = line.mid(3, line.indexOf(' ') - 3);
                QVERIFY2(!id.isEmpty(), list.constData());
                QCOMPARE(admin.execute({"CLIENT", "KILL", "ID", id}).value.toInteger(), 1);
            },
            &o);
        if (QTest::currentTestFailed())
            return;
        checkCompleteAndUnique(o);
        QCOMPARE(m_sandbox->currentMasterPort(), master);
        QCOMPARE(o.restarts.size(), 0);
        QCOMPARE(o.resumes.size(), 1); // same node, same data: the cursor is still good
        QCOMPARE(o.resumes.first().to.address.port, master);
        QCOMPARE(o.summary.duplicatesSkipped, 0);
    }

    void stickyReplicaLostMidScan()
    {
        // --replica: the scan reads a replica, and sticks to it. Killed, it is abandoned for another replica, from
        // cursor 0, with a notice; the master is never touched.
        const quint16 master = m_sandbox->currentMasterPort();
        Outcome o;
        scanWithFault(
            [this, &o] {
                QCOMPARE(o.startedOn.role, QByteArray("slave"));
                QVERIFY(!m_sandbox->killNode(o.startedOn.address.port).isError());
            },
            &o, 20000, ScanOptions::Source::Replica);
        if (QTest::currentTestFailed())
            return;
        checkCompleteAndUnique(o, false);
        QVERIFY(o.restarts.size() >= 1);
        QCOMPARE(o.restarts.last().from.address, o.startedOn.address);
        QVERIFY(o.summary.node.address != o.startedOn.address);
        QVERIFY(o.summary.node.address.port != master);
        QCOMPARE(m_sandbox->currentMasterPort(), master); // a replica's death is no failover
        settle();
    }

    void cancelStopsWithinOneRoundTrip()
    {
        WorkerThread thread(QStringLiteral("vigil-scan"));
        auto *worker = new ScanWorker;
        thread.start(worker);
        QSignalSpy failed(worker, &ScanWorker::failed);
        // The SCANs the master has answered, from its own statistics (nothing else here sends SCAN).
        const ConnectionOptions master = m_sandbox->dataOptions(m_sandbox->currentMasterPort());
        const auto scansAnswered = [master] {
            RedisConnection admin(master);
            if (admin.openBlocking().isError())
                return qint64(-1);
            const QByteArray stats
                = InfoParser::field(admin.execute({"INFO", "commandstats"}).value.toByteArray(), "cmdstat_scan");
            return stats.startsWith("calls=") ? stats.mid(6, stats.indexOf(',') - 6).toLongLong() : qint64(-1);
        };
        // Cancelled from inside the scan, on its own thread, as its first batch goes out: the worker sends nothing
        // while it is here, so what the master counts now is exact, and whatever follows came after cancel().
        std::atomic<int> batches{0};
        std::atomic<qint64> scansAtCancel{-1};
        const QMetaObject::Connection cancelling = connect(
            worker, &ScanWorker::keysScanned, worker,
            [&](const KeyBatch &) {
                if (++batches == 1) {
                    scansAtCancel = scansAnswered();
                    worker->cancel();
                }
            },
            Qt::DirectConnection);
        ScanRequest request;
        request.target = target();
        request.options.count = 100;
        request.options.keysPerSecond = 2000; // 50 s for the keyspace, were it not cancelled
        worker->request(request);
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.first().at(1).value<VigilError>().kind(), VigilError::Kind::Cancelled);
        // Within one round trip: at most one more SCAN, and no keys after the batch that saw the cancel.
        QVERIFY(scansAtCancel > 0);
        const qint64 scansAfter = scansAnswered() - scansAtCancel;
        QVERIFY2(scansAfter >= 0 && scansAfter <= 1, qPrintable(QString::number(scansAfter)));
        QCOMPARE(batches.load(), 1);
        disconnect(cancelling);

        // A new request cancels the running one and takes over.
        QSignalSpy finished(worker, &ScanWorker::finished);
        request.options.keysPerSecond = 0;
        request.options.count = 1000;
        const quint64 slow = worker->request([&] {
            ScanRequest r = request;
            r.options.keysPerSecond = 1000;
            return r;
        }());
        const quint64 fast = worker->request(request);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().value<ScanSummary>().scanId, fast);
        QCOMPARE(finished.first().first().value<ScanSummary>().keys, qint64(m_allKeys.size()));
        QTRY_VERIFY([&] {
            for (const QList<QVariant> &args : std::as_const(failed))
                if (args.at(0).toULongLong() == slow)
                    return true;
            return false;
        }());
    }
};

QTEST_GUILESS_MAIN(TestScanIterator)
#include "tst_scaniterator.moc"
