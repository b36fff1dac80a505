#include "deploymentview.h"
#include "mainwindow.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"
#include "sentinel/connectionprofile.h"
#include "theme.h"

#include <QLabel>
#include <QSettings>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

// What a user sees at a glance about a tab that may not write, or that is production: the window's title, the tab's
// title and colour, the status bar, the Deployment tab and the production bar, against a real sandbox.
class TestAccessMarks final : public QObject
{
    Q_OBJECT

    QString tabText() const { return m_window->tabs()->tabText(m_window->tabs()->currentIndex()); }
    QColor tabColor() const { return m_window->tabs()->tabBar()->tabTextColor(m_window->tabs()->currentIndex()); }
    QLabel *productionBar() const
    {
        return m_window->currentView()->findChild<QLabel *>(QStringLiteral("productionBar"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        SandboxOptions options;
        options.keys = 50;
        options.replicas = 0;
        options.sentinels = 1;
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

    void readOnlyIsShownEverywhere()
    {
        SentinelTarget target = m_sandbox->target();
        target.readOnly = true;
        m_window->setTarget(target, 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(QStringLiteral("master 127.0.0.1")), 10000);
        QVERIFY2(m_window->windowTitle().contains(QStringLiteral("(read-only)")), qPrintable(m_window->windowTitle()));
        QVERIFY2(tabText().endsWith(QStringLiteral(" · read-only")), qPrintable(tabText()));
        QVERIFY2(m_window->statusText().contains(QStringLiteral("· read-only")), qPrintable(m_window->statusText()));
        QVERIFY(m_window->fieldText(QStringLiteral("Access")).startsWith(QStringLiteral("read-only")));
        // Not production: no bar, no colour, no word.
        QVERIFY(productionBar());
        QVERIFY(productionBar()->isHidden());
        QVERIFY(!tabText().contains(QStringLiteral("PRODUCTION")));
        QVERIFY(!tabColor().isValid());

        // A tab that may write says nothing of the kind.
        target.readOnly = false;
        m_window->setTarget(target, 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->fieldText(QStringLiteral("Access")).startsWith(QStringLiteral("read and")),
                                 10000);
        QVERIFY(!m_window->windowTitle().contains(QStringLiteral("read-only")));
        QVERIFY(!tabText().contains(QStringLiteral("read-only")));
        QVERIFY(!m_window->statusText().contains(QStringLiteral("read-only")));
    }

    void productionCannotBeMissed()
    {
        SentinelTarget target = m_sandbox->target();
        target.production = true;
        m_window->setTarget(target, 200);
        QVERIFY2(tabText().startsWith(QStringLiteral("PRODUCTION · ")), qPrintable(tabText()));
        // Red, in the value that reads on the tab bar's palette (light or dark).
        QCOMPARE(tabColor(), Theme::colour(Theme::Role::Production, m_window->tabs()->tabBar()->palette()));
        QVERIFY2(tabColor().hue() < 15 || tabColor().hue() > 345, qPrintable(tabColor().name()));
        QVERIFY(m_window->windowTitle().startsWith(QStringLiteral("PRODUCTION – ")));
        QVERIFY(productionBar()->isVisibleTo(m_window.get()));
        QVERIFY(productionBar()->text().contains(QStringLiteral("reaches live data")));
        QVERIFY(m_window->tabs()->tabToolTip(m_window->tabs()->currentIndex()).contains(QStringLiteral("production")));
    }

    // The mark is the profile's: saved, read back, and carried into the target the tab opens.
    void theProfileKeepsTheMark()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("profiles.ini")), QSettings::IniFormat);
        ConnectionProfile profile = ConnectionProfile::fromTarget(m_sandbox->target(), QStringLiteral(":"));
        profile.name = QStringLiteral("live");
        profile.production = true;
        ConnectionProfile::save(settings, profile);
        ConnectionProfile read;
        QVERIFY(ConnectionProfile::find(settings, QStringLiteral("live"), &read));
        QVERIFY(read.production);
        SentinelTarget target;
        QString error;
        QVERIFY2(read.toTarget(&target, {}, {}, &error), qPrintable(error));
        QVERIFY(target.production);
        QVERIFY(ConnectionProfile::fromTarget(target, QStringLiteral(":")).production);
    }

private:
    std::unique_ptr<Sandbox> m_sandbox;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestAccessMarks)
#include "tst_accessmarks.moc"
