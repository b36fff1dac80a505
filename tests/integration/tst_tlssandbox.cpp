#include "faultedscan.h"
#include "processrun.h"
#include "sandbox/sampledata.h"
#include "sandbox/sandbox.h"
#include "sandbox/tlsmaterial.h"
#include "sandboxfixture.h"

#include <QDir>
#include <QSet>
#include <QTest>

// A whole deployment that speaks TLS only (`vigil-sandbox up --tls`): three nodes and three sentinels on tls-port,
// replicating over TLS. A scan over it, as vigil-scan and as the key browser run it, and a scan across a real
// SENTINEL FAILOVER with nothing lost and nothing twice; then what a user gets wrong: no --tls, another CA, and a
// deployment that wants a client certificate.
class TestTlsSandbox final : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 generatedKeys = 40000;
    std::unique_ptr<Sandbox> m_sandbox;
    QSet<QByteArray> m_keys;

    static ProcessRun vigilScan(const QStringList &arguments)
    {
        return ProcessRun::of(QStringLiteral(VIGIL_SCAN_BIN), arguments, QProcessEnvironment::systemEnvironment(),
                              60000);
    }

    static QStringList deployment(const Sandbox &sandbox)
    {
        QStringList seeds;
        for (quint16 port : sandbox.sentinelPorts())
            seeds.append(QStringLiteral("127.0.0.1:%1").arg(port));
        return {QStringLiteral("--sentinel"), seeds.join(QLatin1Char(',')), QStringLiteral("--master"),
                QStringLiteral("vigil"),      QStringLiteral("--format"),   QStringLiteral("hex")};
    }

    static QStringList caOf(const Sandbox &sandbox)
    {
        return {QStringLiteral("--tls"), QStringLiteral("--cacert"), sandbox.tlsDir() + QStringLiteral("/ca.crt")};
    }

    static QList<QByteArray> keysOf(const ProcessRun &run)
    {
        QList<QByteArray> keys;
        for (const QByteArray &line : run.out.split('\n'))
            if (!line.isEmpty())
                keys.append(QByteArray::fromHex(line));
        return keys;
    }

    // The one line on stderr names the sentinel the scan tried first and says what to do, in words.
    void checkOneLine(const ProcessRun &run, const QString &says)
    {
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.out.isEmpty(), run.out.left(200).constData());
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.contains("sentinel 127.0.0.1:"), run.err.constData());
        QVERIFY2(QString::fromUtf8(run.err).contains(says), run.err.constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        SandboxOptions options;
        options.keys = generatedKeys;
        options.tls = true;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
        const SampleData data(generatedKeys);
        for (qint64 i = 0; i < data.count(); ++i)
            m_keys.insert(data.key(i).name);
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void vigilScanReadsEveryKeyOverTls()
    {
        const ProcessRun run = vigilScan(deployment(*m_sandbox) + caOf(*m_sandbox));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> keys = keysOf(run);
        const QSet<QByteArray> unique(keys.cbegin(), keys.cend());
        QCOMPARE(unique.size(), keys.size());
        QCOMPARE(unique, m_keys);
        for (const QByteArray &awkward : SampleData::awkwardKeyNames())
            QVERIFY(unique.contains(awkward));
    }

    // The watcher's pub/sub links, the resolver and the scan all speak TLS: the switch is seen, the scan restarts on
    // the new master, and every key arrives once.
    void aFailoverOverTlsLosesNothing()
    {
        const quint16 before = m_sandbox->currentMasterPort();
        FaultedScan::Outcome o;
        ScanOptions options;
        options.count = 100;
        options.keysPerSecond = 10000; // about 4 s for the keyspace: the failover lands in the first pass
        FaultedScan::run(
            this, m_sandbox->target(), options, 8000, [this] { QVERIFY(!m_sandbox->failover().isError()); }, &o);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(!o.error.isError(), qPrintable(o.error.toString()));
        const QSet<QByteArray> reported(o.reported.cbegin(), o.reported.cend());
        QCOMPARE(reported.size(), o.reported.size()); // 0 repeated
        QCOMPARE(reported, m_keys);                   // 0 lost
        QVERIFY(o.masterAtEnd.port != before);
        QVERIFY(o.restarts.size() >= 1);
        QCOMPARE(o.restarts.first().from.address.port, before);
        QVERIFY2(FaultedScan::named(o, o.summary.node.address.port), qPrintable(FaultedScan::namedList(o)));
        QVERIFY(SandboxFixture::settle(*m_sandbox));
    }

    void withoutTlsTheUserIsToldToAskForIt()
    {
        checkOneLine(vigilScan(deployment(*m_sandbox)), QStringLiteral("use --tls"));
    }

    void anotherCaIsNamedAsUnknown()
    {
        const QString other = QDir(m_sandbox->dir()).filePath(QStringLiteral("other-ca"));
        TlsMaterial material(other);
        const VigilError made = material.createCa(QStringLiteral("Another CA"));
        QVERIFY2(!made.isError(), qPrintable(made.toString()));
        checkOneLine(vigilScan(deployment(*m_sandbox)
                               + QStringList{QStringLiteral("--tls"), QStringLiteral("--cacert"),
                                             other + QStringLiteral("/ca.crt")}),
                     QStringLiteral("give its CA with --cacert"));
    }

    // A second sandbox whose every node and sentinel demands a client certificate.
    void aClientCertificateDemandedIsGivenOrAskedFor()
    {
        SandboxOptions options;
        options.keys = 500;
        options.tls = true;
        options.tlsClientAuth = true;
        const std::unique_ptr<Sandbox> sandbox = SandboxFixture::start(options);
        QVERIFY(sandbox);
        checkOneLine(vigilScan(deployment(*sandbox) + caOf(*sandbox)), QStringLiteral("--cert and --key"));
        const QString dir = sandbox->tlsDir();
        const ProcessRun run = vigilScan(deployment(*sandbox) + caOf(*sandbox)
                                         + QStringList{QStringLiteral("--cert"), dir + QStringLiteral("/client.crt"),
                                                       QStringLiteral("--key"), dir + QStringLiteral("/client.key")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(qsizetype(keysOf(run).size()), qsizetype(SampleData(500).count()));
    }
};

QTEST_GUILESS_MAIN(TestTlsSandbox)
#include "tst_tlssandbox.moc"
