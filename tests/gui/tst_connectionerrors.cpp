#include "keybrowser.h"
#include "mainwindow.h"
#include "monitorpanel.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "topologyview.h"

#include <QStandardPaths>
#include <QTest>

// A connection that fails for want of a password, as a user meets it against a sandbox with passwords on every node
// and sentinel: the reason said once, in words, with what to do; no protocol text anywhere; and the Topology tab
// saying what it waits for and why.
class TestConnectionErrors final : public QObject
{
    Q_OBJECT

    // Every text of the window a user reads while the tab is open.
    QStringList texts() const
    {
        return {m_window->browser()->bannerText(),
                m_window->browser()->emptyText(),
                m_window->statusText(),
                m_window->browser()->scanStatus(),
                m_window->monitor()->topology()->quorumText(),
                m_window->fieldText(QStringLiteral("ROLE check"))};
    }

    bool scanFailed() const { return m_window->browser()->scanStatus().startsWith(QStringLiteral("Scan failed")); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        SandboxOptions options;
        options.keys = 20;
        options.replicas = 0;
        options.sentinels = 1;
        options.auth = SandboxOptions::Auth::Password;
        m_sandbox = SandboxFixture::start(options);
        QVERIFY(m_sandbox);
        m_window = std::make_unique<MainWindow>();
        m_window->setRememberSession(false);
        m_window->show();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_sandbox.reset();
    }

    void noSentinelPassword()
    {
        SentinelTarget target = m_sandbox->target();
        target.sentinelPassword.clear();
        target.dataPassword.clear();
        m_window->setTarget(target, 200);
        QTRY_VERIFY_WITH_TIMEOUT(scanFailed(), 20000);
        const QString banner = m_window->browser()->bannerText();
        QVERIFY2(banner.contains(QStringLiteral("it requires a password, and none was given")), qPrintable(banner));
        QVERIFY2(banner.contains(QStringLiteral("Set the sentinel password in the connection dialog")),
                 qPrintable(banner));
        // Said once: the empty tree points to the banner, the status bar only says where things stand.
        QVERIFY(m_window->browser()->emptyText().contains(QStringLiteral("The message above says why")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(QStringLiteral("not connected")), 10000);
        QVERIFY(!m_window->statusText().contains(QStringLiteral("password")));
        // The Topology tab: no snapshot, and why, in the same words.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->monitor()->topology()->quorumText().contains(QStringLiteral("none was given")), 10000);
        for (const QString &text : texts()) {
            QVERIFY2(!text.contains(QStringLiteral("NOAUTH")), qPrintable(text));
            QVERIFY2(!text.contains(QStringLiteral("SETNAME")), qPrintable(text));
        }
    }

    // At 1024×700 the Topology tab's reason is longer than the pane is wide: it wraps, and every word of it shows
    // (it used to end in "…", the rest only in a tooltip).
    void waitingLineShowsInFull()
    {
        m_window->resize(1024, 700);
        SentinelTarget target = m_sandbox->target();
        target.sentinelPassword.clear();
        target.dataPassword.clear();
        m_window->setTarget(target, 200);
        TopologyView *topology = m_window->monitor()->topology();
        QTRY_VERIFY_WITH_TIMEOUT(topology->quorumText().contains(QStringLiteral("none was given")), 20000);
        QTRY_COMPARE(m_window->size(), QSize(1024, 700));
        QVERIFY(topology->isVisible());
        const QString text = topology->quorumText();
        const QFontMetrics fm(topology->font());
        const int room = topology->width() - 12; // its margins
        QVERIFY2(fm.horizontalAdvance(text) > room, qPrintable(QStringLiteral("%1 px wide: %2").arg(room).arg(text)));
        const QStringList lines = topology->quorumLines();
        QVERIFY2(lines.size() > 1, qPrintable(lines.join(QLatin1Char('\n'))));
        QString shown = lines.join(QString());
        QString full = text;
        QCOMPARE(shown.remove(QLatin1Char(' ')), full.remove(QLatin1Char(' ')));
        for (const QString &line : lines) {
            QVERIFY2(!line.contains(QStringLiteral("…")) || text.contains(line), qPrintable(line));
            QVERIFY2(fm.horizontalAdvance(line) <= room, qPrintable(line));
        }
        QVERIFY(static_cast<int>(lines.size()) * fm.height() < topology->height());
    }

    void noDataPassword()
    {
        SentinelTarget target = m_sandbox->target();
        target.dataPassword.clear();
        m_window->setTarget(target, 200);
        QTRY_VERIFY_WITH_TIMEOUT(scanFailed(), 20000);
        const QString banner = m_window->browser()->bannerText();
        QVERIFY2(banner.startsWith(QStringLiteral("master 127.0.0.1:%1").arg(m_sandbox->currentMasterPort())),
                 qPrintable(banner));
        QVERIFY2(banner.contains(QStringLiteral("Set the data-node password in the connection dialog")),
                 qPrintable(banner));
        // The sentinels answer: the Topology tab has its picture, not a wait.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->monitor()->topology()->quorumText().startsWith(QStringLiteral("Quorum")),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->fieldText(QStringLiteral("ROLE check"))
                                     .contains(QStringLiteral("none was "
                                                              "given")),
                                 10000);
        for (const QString &text : texts()) {
            QVERIFY2(!text.contains(QStringLiteral("NOAUTH")), qPrintable(text));
            QVERIFY2(!text.contains(QStringLiteral("SETNAME")), qPrintable(text));
        }
    }

private:
    std::unique_ptr<Sandbox> m_sandbox;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestConnectionErrors)
#include "tst_connectionerrors.moc"
