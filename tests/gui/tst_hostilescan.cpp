#include "deployment/deployment.h"
#include "fakeserver.h"
#include "keybrowser.h"
#include "keytreemodel.h"

#include <QTest>
#include <QToolButton>

// The key browser against a fake deployment whose master answers SCAN with what Vigil cannot accept, or keeps going
// away: the scan ends in a failed state that names the node and the step, what was found before stays in the tree,
// and nothing ever says "complete".
class TestHostileScan final : public QObject
{
    Q_OBJECT

private:
    using Node = FakeDeployment::Node;

    static QList<QByteArray> sampleKeys()
    {
        QList<QByteArray> keys;
        for (int i = 0; i < 50; ++i)
            keys.append("item:" + QByteArray::number(i));
        return keys;
    }

private Q_SLOTS:
    void failedScanNamesTheNodeAndTheStep_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<bool>("close");
        QTest::addColumn<int>("from");            // the first SCAN that gets the reply
        QTest::addColumn<int>("recoveryTimeout"); // ms
        QTest::addColumn<QString>("expected");
        QTest::newRow("integer instead of a SCAN reply, from the start")
            << FakeResp::integer(42) << false << 1 << 20000 << QStringLiteral("not a cursor and a list of keys");
        QTest::newRow("header announcing 4 GB, after a page")
            << QByteArray("$4000000000\r\n") << false << 2 << 20000
            << QStringLiteral("bulk reply of 4000000000 bytes exceeds");
        QTest::newRow("last page with a key that is no string")
            << FakeResp::array({FakeResp::bulk("0"), FakeResp::array({FakeResp::integer(1)})}) << false << 2 << 20000
            << QStringLiteral("key 1 of 1 is not a string");
        QTest::newRow("reply stops halfway, then the connection closes")
            << QByteArray("*2\r\n$1\r\n0\r\n*3\r\n") << true << 2 << 20000
            << QStringLiteral("the reply stopped halfway");
        QTest::newRow("connection lost at every SCAN, past the recovery timeout")
            << QByteArray() << true << 2 << 1500 << QStringLiteral("gave up after");
    }

    void failedScanNamesTheNodeAndTheStep()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, close);
        QFETCH(int, from);
        QFETCH(int, recoveryTimeout);
        QFETCH(QString, expected);
        const FakeDeployment fake(sampleKeys(), [&](Node node, const QList<QByteArray> &command, int seen) {
            if (node == Node::Master && command.first().toUpper() == "SCAN" && seen >= from)
                return std::optional<FakeReply>(FakeReply{reply, close});
            return std::optional<FakeReply>();
        });
        Deployment deployment(fake.target()); // before the browser, which shows it until it is destroyed
        KeyBrowser browser;
        browser.resize(600, 400);
        browser.show();
        browser.setRecoveryTimeout(recoveryTimeout);
        deployment.start();
        QStringList statuses;
        connect(&browser, &KeyBrowser::scanStatusChanged, this,
                [&statuses](const QString &status) { statuses.append(status); });
        browser.setDeployment(&deployment);

        QTRY_VERIFY_WITH_TIMEOUT(!browser.isScanning(), 30000);
        const QString node = QStringLiteral("master 127.0.0.1:%1").arg(fake.masterPort());
        QVERIFY2(browser.scanStatus().startsWith(QStringLiteral("Scan failed after")), qPrintable(browser.scanStatus()));
        for (const QString &status : std::as_const(statuses))
            QVERIFY2(!status.contains(QStringLiteral("complete"), Qt::CaseInsensitive), qPrintable(status));
        // The banner says where and at which step, and why.
        QVERIFY(browser.isBannerShown());
        QVERIFY2(browser.bannerText().startsWith(node + QStringLiteral(": SCAN failed: ")),
                 qPrintable(browser.bannerText()));
        QVERIFY2(browser.bannerText().contains(expected), qPrintable(browser.bannerText()));
        QVERIFY2(
            browser.scanLog().constLast().contains(QStringLiteral("  Scan failed: ") + node + QStringLiteral(": SCAN")),
            qPrintable(browser.scanLog().join(QLatin1Char('\n'))));
        // What came before the fault is in the tree; an empty tree says the scan failed, and points to the banner
        // rather than saying it twice; once the banner is closed, it says where.
        const qint64 before = from > 1 ? 10 : 0;
        QCOMPARE(browser.model()->keyCount(), before);
        if (before == 0) {
            QVERIFY2(browser.emptyText().contains(QStringLiteral("The scan failed")), qPrintable(browser.emptyText()));
            QVERIFY2(!browser.emptyText().contains(node), qPrintable(browser.emptyText()));
            auto *close = browser.findChild<QToolButton *>(QStringLiteral("dismissBanner"));
            QVERIFY(close);
            QTest::mouseClick(close, Qt::LeftButton);
            QVERIFY(!browser.isBannerShown());
            QVERIFY2(browser.emptyText().contains(node), qPrintable(browser.emptyText()));
        }
    }
};

QTEST_MAIN(TestHostileScan)
#include "tst_hostilescan.moc"
