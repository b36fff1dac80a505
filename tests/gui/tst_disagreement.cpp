#include "deploymentpanel.h"
#include "keybrowser.h"
#include "keytreemodel.h"
#include "mainwindow.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"

#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

// The window when the sentinels disagree about the master: two deployments of one sentinel each, both calling their
// master "vigil", given as the seeds of one connection. Nothing is sent to either master until the user trusts one;
// the Deployment tab and the status bar say why, and the scan says what to do.
class TestDisagreement final : public QObject
{
    Q_OBJECT

    static std::unique_ptr<Sandbox> deployment()
    {
        SandboxOptions options;
        options.keys = 50;
        options.replicas = 0;
        options.sentinels = 1;
        return SandboxFixture::start(options);
    }

    static HostPort local(quint16 port) { return {QStringLiteral("127.0.0.1"), port}; }

    QPushButton *trustButton() const { return m_window->findChild<QPushButton *>(QStringLiteral("trustMaster")); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_first = deployment();
        m_second = deployment();
        QVERIFY(m_first && m_second);
        m_window = std::make_unique<MainWindow>();
        m_window->setRememberSession(false);
        m_window->resize(1024, 700);
        m_window->show();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_first.reset();
        m_second.reset();
    }

    void nothingGoesOutUntilTheUserTrustsAMaster()
    {
        SentinelTarget target = m_first->target();
        target.seeds = {local(m_first->sentinelPorts().first()), local(m_second->sentinelPorts().first())};
        const HostPort named = local(m_first->currentMasterPort());
        const HostPort other = local(m_second->currentMasterPort());
        m_window->setTarget(target, 200);

        const QString confirmed = QStringLiteral("Master confirmed");
        QTRY_VERIFY_WITH_TIMEOUT(m_window->fieldText(confirmed).contains(QStringLiteral("the sentinels disagree")),
                                 10000);
        const QString said = m_window->fieldText(confirmed);
        QVERIFY2(said.contains(QStringLiteral("1 of 2 names %1").arg(named.toString())), qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("1 of 2 names %1").arg(other.toString())), qPrintable(said));
        QTRY_VERIFY(m_window->statusText().contains(QStringLiteral("the sentinels disagree")));
        QVERIFY(trustButton());
        QVERIFY(!trustButton()->isHidden()); // on the Deployment tab
        QVERIFY(trustButton()->text().contains(named.toString()));
        QCOMPARE(m_window->fieldText(QStringLiteral("Master")), named.toString());
        QVERIFY(m_window->fieldText(QStringLiteral("ROLE check")).startsWith(QStringLiteral("not asked")));

        // The scan does not go to either master: it fails, and says why.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->browser()->scanStatus().contains(QStringLiteral("failed")), 30000);
        const QString banner = m_window->browser()->bannerText();
        QVERIFY2(banner.contains(QStringLiteral("the sentinels disagree")), qPrintable(banner));
        QVERIFY2(banner.contains(QStringLiteral("trust one of them on the Deployment tab")), qPrintable(banner));
        QCOMPARE(m_window->browser()->model()->keyCount(), qint64(0));

        // The user trusts the first: the tab says so, the button goes, and a rescan lists that master's keys.
        QTest::mouseClick(trustButton(), Qt::LeftButton);
        QTRY_VERIFY(m_window->fieldText(confirmed).startsWith(QStringLiteral("trusted by you")));
        QVERIFY(trustButton()->isHidden());
        QTRY_VERIFY(!m_window->statusText().contains(QStringLiteral("the sentinels disagree")));
        // The tab asks the trusted master itself, as for any master, instead of calling it unreachable.
        QTRY_COMPARE_WITH_TIMEOUT(m_window->fieldText(QStringLiteral("ROLE check")), QStringLiteral("master (ok)"),
                                  10000);
        m_window->browser()->startScan();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->browser()->scanStatus().startsWith(QStringLiteral("Scan complete")), 30000);
        QCOMPARE(m_window->browser()->model()->keyCount(), SandboxFixture::onMaster(*m_first, {"DBSIZE"}).toInteger());
    }

private:
    std::unique_ptr<Sandbox> m_first;
    std::unique_ptr<Sandbox> m_second;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestDisagreement)
#include "tst_disagreement.moc"
