#include "deploymentview.h"
#include "eventtimeline.h"
#include "jsonhighlighter.h"
#include "mainwindow.h"
#include "sentinel/masterresolver.h"
#include "theme.h"
#include "topologyview.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QApplication>
#include <QImage>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

// View > Theme as a user meets it: the menu's System, Light and Dark turn the window light or dark at once, the
// choice is kept for the next window, and in both themes the colours that carry a meaning (the topology's states,
// the event names, the JSON tokens, a production tab's title) stand out from what they are drawn on: 4.5:1 for text
// (WCAG AA), measured on the pixels where the diagram draws them.
class TestTheme final : public QObject
{
    Q_OBJECT

    static HostPort node(quint16 port) { return {QStringLiteral("127.0.0.1"), port}; }

    // A master that is up, a replica flagged down, one re-syncing after a failover, one not connected yet: every
    // state the diagram colours.
    static TopologySnapshot snapshot()
    {
        TopologySnapshot s;
        s.masterName = "vigil";
        s.master.address = node(6379);
        s.master.flags = "master";
        s.master.quorum = 2;
        s.quorumOk = true;
        s.quorumText = "OK 1 usable Sentinels";
        const auto replica = [](quint16 port, const QByteArray &flags, bool resyncing) {
            TopologySnapshot::Replica r;
            r.address = node(port);
            r.flags = flags;
            r.masterLinkStatus = "ok";
            r.resyncing = resyncing;
            r.lastOkPingMs = 100;
            return r;
        };
        s.replicas = {replica(6380, "slave,s_down", false), replica(6381, "slave", true),
                      replica(6382, "slave,disconnected", false)};
        return s;
    }

    QAction *themeAction(const QString &name) const
    {
        return m_window->findChild<QAction *>(QStringLiteral("theme-") + name);
    }

    // As a user does it: View > Theme > name.
    void choose(const QString &name)
    {
        QAction *action = themeAction(name);
        QVERIFY(action);
        action->trigger();
        QVERIFY(action->isChecked());
    }

    static bool windowIsDark(const QWidget *widget)
    {
        return widget->palette().color(QPalette::Window).lightness() < 128;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("ui/theme"));
        m_window = std::make_unique<MainWindow>();
        m_window->setRememberSession(false);
        m_window->resize(1024, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_systemWindow = m_window->palette().color(QPalette::Window);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        QSettings().remove(QStringLiteral("ui/theme"));
    }

    void theMenuFlipsTheWindow()
    {
        QVERIFY(themeAction(QStringLiteral("system"))->isChecked());
        choose(QStringLiteral("dark"));
        // The application's palette at once; the widgets' as the event loop hands it down.
        QVERIFY(Theme::isDark(QApplication::palette()));
        QTRY_VERIFY(windowIsDark(m_window.get()));
        QTRY_VERIFY(windowIsDark(m_window->tabs()));
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        // Everything a dark palette needs is set, not left to the platform: placeholders and links read on it.
        const QPalette dark = QApplication::palette();
        QVERIFY(Theme::contrast(dark.color(QPalette::PlaceholderText), dark.color(QPalette::Base)) >= 4.5);
        QVERIFY(Theme::contrast(dark.color(QPalette::Link), dark.color(QPalette::Base)) >= 4.5);
        QVERIFY(Theme::contrast(dark.color(QPalette::ToolTipText), dark.color(QPalette::ToolTipBase)) >= 4.5);
        QVERIFY(Theme::contrast(dark.color(QPalette::HighlightedText), dark.color(QPalette::Highlight)) >= 4.5);

        choose(QStringLiteral("light"));
        QTRY_VERIFY(!windowIsDark(m_window.get()));
        QVERIFY(!themeAction(QStringLiteral("dark"))->isChecked());

        choose(QStringLiteral("system"));
        QTRY_COMPARE(m_window->palette().color(QPalette::Window), m_systemWindow);
    }

    void theChoiceIsKeptForTheNextWindow()
    {
        choose(QStringLiteral("dark"));
        QCOMPARE(QSettings().value(QStringLiteral("ui/theme")).toString(), QStringLiteral("dark"));
        // Another run: the palette starts light, the new window makes it dark again and says so in its menu.
        Theme::apply(Theme::Mode::Light);
        QTRY_VERIFY(!windowIsDark(m_window.get()));
        {
            MainWindow next;
            next.setRememberSession(false);
            QVERIFY(next.findChild<QAction *>(QStringLiteral("theme-dark"))->isChecked());
            QTRY_VERIFY(windowIsDark(&next));
        }
        choose(QStringLiteral("system"));
        QCOMPARE(QSettings().value(QStringLiteral("ui/theme")).toString(), QStringLiteral("system"));
    }

    void topologyStatesReadInBothThemes_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("light") << QStringLiteral("light");
        QTest::newRow("dark") << QStringLiteral("dark");
    }

    // The stripe down a node's left side is drawn in its state's colour, and so is the state's word in the box: the
    // stripe's pixels against the box's own background.
    void topologyStatesReadInBothThemes()
    {
        QFETCH(QString, theme);
        choose(theme);
        TopologyView view;
        view.resize(900, 420);
        view.setWatching(true);
        view.setSnapshot(snapshot());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage image = view.grab().toImage();
        const struct
        {
            quint16 port;
            TopologyView::State state;
        } nodes[] = {{6379, TopologyView::State::Good},
                     {6380, TopologyView::State::Fault},
                     {6381, TopologyView::State::Settling},
                     {6382, TopologyView::State::Connecting}};
        const qreal ratio = image.devicePixelRatio();
        for (const auto &n : nodes) {
            QCOMPARE(view.stateOf(node(n.port)), n.state);
            const QRect box = view.nodeRect(node(n.port));
            QVERIFY(box.isValid());
            const QColor stripe = image.pixelColor(QPoint(box.left() + 4, box.center().y()) * ratio);
            const QColor background = image.pixelColor(QPoint(box.right() - 3, box.bottom() - 3) * ratio);
            QCOMPARE(stripe, view.colourOf(n.state));
            QCOMPARE(background, view.palette().color(QPalette::Base));
            const double ratioMeasured = Theme::contrast(stripe, background);
            QVERIFY2(ratioMeasured >= 4.5, qPrintable(QStringLiteral("%1 theme, node %2: %3 on %4 is %5:1")
                                                          .arg(theme)
                                                          .arg(n.port)
                                                          .arg(stripe.name(), background.name())
                                                          .arg(ratioMeasured, 0, 'f', 2)));
        }
    }

    void eventNamesReadInBothThemes_data() { topologyStatesReadInBothThemes_data(); }

    void eventNamesReadInBothThemes()
    {
        QFETCH(QString, theme);
        choose(theme);
        EventTimeline timeline;
        const HostPort sentinel = node(26379);
        for (const QByteArray &name : {QByteArray("+sdown"), QByteArray("-sdown"), QByteArray("+switch-master")})
            timeline.addEvent(SentinelEvent::parse(name, "master vigil 127.0.0.1 6379", sentinel));
        const QAbstractItemModel *model = timeline.table()->model();
        QCOMPARE(model->rowCount(), 3);
        const QColor base = timeline.table()->palette().color(QPalette::Base);
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex name = model->index(row, 1);
            const QColor colour = name.data(Qt::ForegroundRole).value<QColor>();
            QVERIFY2(colour.isValid(), qPrintable(name.data().toString()));
            const double measured = Theme::contrast(colour, base);
            QVERIFY2(measured >= 4.5, qPrintable(QStringLiteral("%1 theme, %2: %3 on %4 is %5:1")
                                                     .arg(theme, name.data().toString(), colour.name(), base.name())
                                                     .arg(measured, 0, 'f', 2)));
        }
    }

    // Every token's colour against the text view's base, and again after the theme changes under an open value.
    void jsonTokensReadInBothThemes()
    {
        QPlainTextEdit edit;
        JsonHighlighter highlighter(edit.document(), &edit);
        highlighter.setEnabled(true);
        edit.setPlainText(QStringLiteral("{\n    \"name\": \"vigil\",\n    \"port\": 6379,\n    \"tls\": false\n}"));
        edit.show();
        for (const QString &theme : {QStringLiteral("light"), QStringLiteral("dark"), QStringLiteral("light")}) {
            choose(theme);
            QTRY_COMPARE(windowIsDark(&edit), theme == QStringLiteral("dark"));
            const QColor base = edit.palette().color(QPalette::Base);
            int formats = 0;
            for (QTextBlock block = edit.document()->begin(); block.isValid(); block = block.next()) {
                for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
                    const QColor colour = range.format.foreground().color();
                    const double measured = Theme::contrast(colour, base);
                    QVERIFY2(measured >= 4.5, qPrintable(QStringLiteral("%1 theme, %2: %3 on %4 is %5:1")
                                                             .arg(theme, block.text().mid(range.start, range.length),
                                                                  colour.name(), base.name())
                                                             .arg(measured, 0, 'f', 2)));
                    ++formats;
                }
            }
            QCOMPARE(formats, 6); // three member names, a string, a number, a keyword
        }
    }

    // A production tab's title is coloured; on a dark tab bar it must still read.
    void productionTabReadsInBothThemes()
    {
        SentinelTarget target;
        target.seeds = {node(1)}; // nothing listens there: the tab stays "connecting", which is all this needs
        target.masterName = QStringLiteral("vigil");
        target.production = true;
        DeploymentView *view = m_window->openDeployment(target);
        QVERIFY(view);
        const int index = m_window->tabs()->indexOf(view);
        for (const QString &theme : {QStringLiteral("light"), QStringLiteral("dark")}) {
            choose(theme);
            QTabBar *bar = m_window->tabs()->tabBar();
            QTRY_COMPARE(windowIsDark(bar), theme == QStringLiteral("dark"));
            const QColor title = bar->tabTextColor(index);
            const QColor background = bar->palette().color(QPalette::Window);
            const double measured = Theme::contrast(title, background);
            QVERIFY2(measured >= 4.5, qPrintable(QStringLiteral("%1 theme: %2 on %3 is %4:1")
                                                     .arg(theme, title.name(), background.name())
                                                     .arg(measured, 0, 'f', 2)));
        }
        m_window->closeDeployment(index);
        choose(QStringLiteral("system"));
    }

    // System follows whatever palette the platform gives: a dark one turns the semantic colours to their dark values.
    void systemFollowsThePalette()
    {
        choose(QStringLiteral("system"));
        TopologyView view;
        const QColor light = view.colourOf(TopologyView::State::Fault);
        QApplication::setPalette(Theme::darkPalette()); // as a platform switching to dark does
        QTRY_VERIFY(windowIsDark(&view));
        const QColor dark = view.colourOf(TopologyView::State::Fault);
        QVERIFY(light != dark);
        QVERIFY(Theme::contrast(dark, view.palette().color(QPalette::Base)) >= 4.5);
        choose(QStringLiteral("system")); // the platform's own palette again
        QTRY_VERIFY(!windowIsDark(&view));
    }

private:
    std::unique_ptr<MainWindow> m_window;
    QColor m_systemWindow;
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
