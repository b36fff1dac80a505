// Ingestion of a whole keyspace into the key browser with the view attached (offscreen), as the app does it: a
// KeyBrowser scanning on its worker thread, a QTreeView showing the model, the user's namespaces expanded.
//
//   bench_treeingest HOST:PORT[,...] MASTER          (BENCH_EXPAND=biggest for the worst case below)
//
// BENCH_SCROLL=N: once the scan is complete, expand the namespace BENCH_SCROLL_NS ("session" by default) and scroll
// through N pages of it, a page every 20 ms, then wait for the type badges' last TYPE round. BENCH_BADGES=0 turns the
// badges' loader off, the baseline the scrolled case is compared with.
//
// BENCH_MORE=N: once the scan is complete, expand the biggest namespace and click its "N more" row N times, one
// click every 100 ms: the longest stall of those clicks (each builds and sorts in the next 10,000 rows), printed on a
// second line.
//
// Prints one line: keys, seconds, the longest GUI-thread stall (the largest gap between ticks of a 1 ms timer), and
// resident memory growth in bytes a key. scan_bench.sh and tree_bench.sh compare it with the plain loop.
#include "deployment/deployment.h"
#include "keybrowser.h"
#include "keytreemodel.h"
#include "keytypeloader.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QThread>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

namespace {
qint64 statusField(const QByteArray &name) // kB fields of /proc/self/status, in bytes
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith(QByteArray(name + ':')))
            return line.mid(name.size() + 1).trimmed().split(' ').first().toLongLong() * 1024;
    return 0;
}

// The GUI thread's time on a core and its time runnable but waiting for one, in ms (/proc/thread-self/schedstat,
// read through a descriptor kept open: the stall log reads it around every event).
struct SchedTimes
{
    double runMs = 0;
    double waitMs = 0;
    bool known = false; // the file could be read
};

SchedTimes threadSchedTimes()
{
    static const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    char buffer[128] = {};
    if (fd < 0 || ::pread(fd, buffer, sizeof buffer - 1, 0) <= 0)
        return {};
    unsigned long long run = 0, wait = 0;
    if (std::sscanf(buffer, "%llu %llu", &run, &wait) != 2)
        return {};
    return {static_cast<double>(run) / 1e6, static_cast<double>(wait) / 1e6, true};
}

// The CPU seconds of the process's thread named `name` (the scan's "vigil-scan"), from /proc: read before it ends.
double namedThreadCpuSeconds(const QByteArray &name)
{
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name)
            continue;
        QFile stat(tasks.filePath(tid + QStringLiteral("/schedstat")));
        if (stat.open(QIODevice::ReadOnly))
            return stat.readAll().split(' ').value(0).toDouble() / 1e9;
    }
    return -1;
}

double threadCpuMs()
{
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_nsec) / 1e6;
}

qint64 heapBytes()
{
    return static_cast<qint64>(::mallinfo2().uordblks);
}

// BENCH_STALL_LOG=MS: every event the GUI thread took at least MS milliseconds to handle, printed to stderr with its
// time, receiver (and the receiver's parent) and type: what a stall was. And where its time went: the GUI thread's
// CPU time in it, its time runnable but waiting for a core (the scheduler's), and the rest (blocked, or the virtual
// machine's CPU not running at all).
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    const int logAtMs = qEnvironmentVariableIntValue("BENCH_STALL_LOG");
    QElapsedTimer sinceStart;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (logAtMs <= 0 || m_depth > 0 || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        ++m_depth;
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = threadCpuMs();
        const SchedTimes schedBefore = threadSchedTimes();
        const bool handled = QApplication::notify(receiver, event);
        --m_depth;
        const qint64 ms = timer.elapsed();
        const double cpuMs = threadCpuMs() - cpuBefore;
        const double waitMs = threadSchedTimes().waitMs - schedBefore.waitMs;
        if (ms >= 2 && since.size() < 64)
            since.append(QStringLiteral("%1 ms %2 to %3 \"%4\"")
                             .arg(ms)
                             .arg(int(event->type()))
                             .arg(QString::fromLatin1(receiver->metaObject()->className()), receiver->objectName()));
        if (ms >= logAtMs) {
            const QObject *parent = receiver->parent();
            std::fprintf(stderr,
                         "stall %lld ms (%.1f ms of CPU, %.1f ms waiting for a core, %.1f ms neither) at %.3f s: "
                         "event %d to %s \"%s\" (parent %s)\n",
                         static_cast<long long>(ms), cpuMs, waitMs, qMax(0.0, static_cast<double>(ms) - cpuMs - waitMs),
                         static_cast<double>(sinceStart.elapsed()) / 1000.0, int(event->type()),
                         receiver->metaObject()->className(), receiver->objectName().toUtf8().constData(),
                         parent ? parent->metaObject()->className() : "-");
        }
        return handled;
    }

    QStringList since; // the events of 2 ms or more since the ticker last ran

private:
    int m_depth = 0; // the GUI thread's nesting: only the outermost event is timed
};

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * ::sysconf(_SC_PAGESIZE);
}
} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    app.sinceStart.start();
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_treeingest HOST:PORT[,...] MASTER\n");
        return 2;
    }
    SentinelTarget target;
    target.seeds = HostPort::parseList(QString::fromLocal8Bit(argv[1]));
    target.masterName = QString::fromLocal8Bit(argv[2]);

    Deployment deployment(target); // before the browser, which shows it until it is destroyed
    KeyBrowser browser;
    if (const int limit = qEnvironmentVariableIntValue("BENCH_ROW_LIMIT"); limit > 0)
        browser.model()->setRowLimit(limit); // to measure what the window size costs
    if (qgetenv("BENCH_BADGES") == "0")
        browser.typeLoader()->setEnabled(false);
    browser.resize(1000, 800);
    browser.show();
    QCoreApplication::processEvents();

    qint64 longestStallMs = 0;
    qsizetype peakQueued = 0; // the most keys the scan had sent that were not in the tree yet
    qint64 longestStallAtMs = 0;
    QElapsedTimer sinceStart;
    sinceStart.start();
    QElapsedTimer sinceTick;
    sinceTick.start();
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
        if (app.logAtMs > 0 && sinceTick.elapsed() >= 2 * app.logAtMs)
            std::fprintf(stderr, "gap %lld ms at %.3f s: %s\n", static_cast<long long>(sinceTick.elapsed()),
                         static_cast<double>(sinceStart.elapsed()) / 1000.0,
                         app.since.join(QStringLiteral(", ")).toUtf8().constData());
        app.since.clear();
        peakQueued = qMax(peakQueued, browser.model()->queuedKeyCount());
        if (sinceTick.elapsed() > longestStallMs) {
            longestStallMs = sinceTick.elapsed();
            longestStallAtMs = sinceStart.elapsed();
        }
        sinceTick.restart();
    });

    // The worst case a user can make: while the scan runs, expand the three biggest namespaces (and their first
    // children), so hundreds of thousands of rows must be built and kept sorted while keys stream in.
    // How long an expanded namespace shows no rows: from its first expand to its first rows, the longest of them.
    QHash<QPersistentModelIndex, qint64> expandedAt;
    qint64 longestWaitForRowsMs = 0;
    QObject::connect(browser.model(), &QAbstractItemModel::rowsInserted, &app,
                     [&](const QModelIndex &parent, int first) {
                         const auto it = expandedAt.find(QPersistentModelIndex(parent));
                         if (it == expandedAt.end() || it.value() < 0
                             || browser.model()->index(first, 0, parent).data(KeyTreeModel::IsMoreRole).toBool())
                             return;
                         longestWaitForRowsMs = qMax(longestWaitForRowsMs, sinceStart.elapsed() - it.value());
                         it.value() = -1;
                     });
    QTimer expander;
    expander.setInterval(200);
    QObject::connect(&expander, &QTimer::timeout, &app, [&] {
        KeyTreeModel *model = browser.model();
        QList<QPair<qint64, int>> sizes;
        for (int row = 0; row < model->rowCount(); ++row)
            sizes.append({model->index(row, 0).data(KeyTreeModel::KeyCountRole).toLongLong(), row});
        std::sort(sizes.begin(), sizes.end(), std::greater<>());
        for (qsizetype i = 0; i < qMin<qsizetype>(3, sizes.size()); ++i) {
            const QModelIndex ns = model->index(sizes.at(i).second, 0);
            if (!expandedAt.contains(QPersistentModelIndex(ns)))
                expandedAt.insert(QPersistentModelIndex(ns), model->rowCount(ns) > 0 ? -1 : sinceStart.elapsed());
            browser.view()->expand(ns);
            if (model->rowCount(ns) > 0)
                browser.view()->expand(model->index(0, 0, ns));
        }
    });

    const qint64 before = residentBytes();
    QElapsedTimer clock;
    // The scrolled case: after the scan, N pages of one namespace, a page every 20 ms, while the badges' types load.
    const int scrollPages = qEnvironmentVariableIntValue("BENCH_SCROLL");
    const QByteArray scrollNamespace
        = qEnvironmentVariableIsSet("BENCH_SCROLL_NS") ? qgetenv("BENCH_SCROLL_NS") : QByteArray("session");
    double scanSeconds = 0, scrollCpuMs = 0, scrollSeconds = 0;
    qint64 scrollStallMs = 0, scrollHeap = 0, scanStallMs = 0;
    int pagesDone = 0;
    QElapsedTimer scrollClock;
    double cpuAtScroll = 0;
    qint64 heapAtScroll = 0;
    QTimer pager;
    pager.setInterval(20);
    QTimer settle;
    settle.setInterval(10);
    QObject::connect(&settle, &QTimer::timeout, &app, [&] {
        if (browser.typeLoader()->isLoading())
            return;
        settle.stop();
        scrollCpuMs = threadCpuMs() - cpuAtScroll;
        scrollSeconds = static_cast<double>(scrollClock.elapsed()) / 1000.0;
        scrollStallMs = longestStallMs;
        scrollHeap = heapBytes() - heapAtScroll;
        QCoreApplication::quit();
    });
    QObject::connect(&pager, &QTimer::timeout, &app, [&] {
        QScrollBar *bar = browser.view()->verticalScrollBar();
        bar->setValue(bar->value() + bar->pageStep());
        if (++pagesDone >= scrollPages) {
            pager.stop();
            settle.start();
        }
    });
    const auto startScrolling = [&] {
        scanSeconds = static_cast<double>(clock.elapsed()) / 1000.0;
        scanStallMs = longestStallMs;
        QModelIndex target;
        for (int row = 0; row < browser.model()->rowCount(); ++row)
            if (browser.model()->index(row, 0).data(KeyTreeModel::KeyBytesRole).toByteArray() == scrollNamespace + ':')
                target = browser.model()->index(row, 0);
        if (!target.isValid()) {
            std::fprintf(stderr, "no namespace %s to scroll\n", scrollNamespace.constData());
            QCoreApplication::quit();
            return;
        }
        browser.view()->expand(target);
        browser.view()->scrollTo(target, QAbstractItemView::PositionAtTop);
        QCoreApplication::processEvents();
        longestStallMs = 0;
        cpuAtScroll = threadCpuMs();
        heapAtScroll = heapBytes();
        scrollClock.start();
        pager.start();
    };
    // The "more" case: the biggest namespace expanded, its "N more" row clicked every 100 ms.
    const int moreClicks = qEnvironmentVariableIntValue("BENCH_MORE");
    int clicksDone = 0, waits = 0;
    qint64 moreStallMs = 0, moreRowsShown = 0;
    QPersistentModelIndex biggest;
    QTimer clicker;
    clicker.setInterval(100);
    QObject::connect(&clicker, &QTimer::timeout, &app, [&] {
        KeyTreeModel *model = browser.model();
        const int rows = model->rowCount(biggest);
        const QModelIndex more = rows > 0 ? model->index(rows - 1, 0, biggest) : QModelIndex();
        if (clicksDone >= moreClicks || !more.data(KeyTreeModel::IsMoreRole).toBool()) {
            // Done once every page clicked for is shown (a click during a page's choice is queued), or after 10 s.
            const bool allShown = rows > (1 + clicksDone) * model->rowLimit() || !more.isValid()
                                  || !more.data(KeyTreeModel::IsMoreRole).toBool();
            if (!allShown && ++waits < 100)
                return;
            clicker.stop();
            moreStallMs = longestStallMs;
            moreRowsShown = rows;
            QCoreApplication::quit();
            return;
        }
        ++clicksDone;
        Q_EMIT browser.view()->clicked(more);
    });
    const auto startClicking = [&] {
        scanSeconds = static_cast<double>(clock.elapsed()) / 1000.0;
        scanStallMs = longestStallMs;
        KeyTreeModel *model = browser.model();
        qint64 most = -1;
        for (int row = 0; row < model->rowCount(); ++row) {
            const qint64 count = model->index(row, 0).data(KeyTreeModel::KeyCountRole).toLongLong();
            if (count > most) {
                most = count;
                biggest = model->index(row, 0);
            }
        }
        browser.view()->expand(biggest);
        QCoreApplication::processEvents();
        longestStallMs = 0;
        clicker.start();
    };
    QObject::connect(&browser, &KeyBrowser::scanStatusChanged, &app, [&](const QString &status) {
        if (status.startsWith(QStringLiteral("Scan complete")) && scrollPages > 0)
            QTimer::singleShot(0, &app, startScrolling);
        else if (status.startsWith(QStringLiteral("Scan complete")) && moreClicks > 0)
            QTimer::singleShot(0, &app, startClicking);
        else if (status.startsWith(QStringLiteral("Scan complete")) || status.startsWith(QStringLiteral("Scan failed")))
            QTimer::singleShot(0, &app, &QCoreApplication::quit);
    });
    clock.start();
    sinceTick.restart();
    ticker.start();
    if (qgetenv("BENCH_EXPAND") == "biggest")
        expander.start();
    deployment.start();
    browser.setDeployment(&deployment);
    QApplication::exec();
    const double seconds
        = scrollPages > 0 || moreClicks > 0 ? scanSeconds : static_cast<double>(clock.elapsed()) / 1000.0;
    if (scrollPages > 0 || moreClicks > 0)
        longestStallMs = scanStallMs;
    browser.model()->flushSort();
    const qint64 keys = browser.model()->keyCount();
    const qint64 growth = residentBytes() - before;
    const qint64 peakGrowth = statusField("VmHWM") - before;
    std::fprintf(stderr, "longest stall ended %.1f s after start (scan took %.1f s)\n", longestStallAtMs / 1000.0,
                 seconds);
    // The GUI thread's time on a core, and its time runnable but waiting for one: with a CPU hog on the other core,
    // the second tells how much of a stall was the scheduler's.
    const SchedTimes sched = threadSchedTimes();
    std::printf("gui_cpu_s %.3f gui_wait_s %.3f peak_queued_keys %lld ", sched.known ? sched.runMs / 1000.0 : -1.0,
                sched.known ? sched.waitMs / 1000.0 : -1.0, static_cast<long long>(peakQueued));
    // And the scan thread's: what moving work off the GUI thread would add to it.
    std::printf("scan_thread_cpu_s %.3f ", namedThreadCpuSeconds("vigil-scan"));
    std::printf("keys %lld seconds %.3f longest_stall_ms %lld first_rows_wait_ms %lld bytes_per_key %.1f "
                "peak_bytes_per_key %.1f peak_rss_mb %.0f status \"%s\"\n",
                static_cast<long long>(keys), seconds, static_cast<long long>(longestStallMs),
                static_cast<long long>(longestWaitForRowsMs),
                keys ? static_cast<double>(growth) / static_cast<double>(keys) : 0.0,
                keys ? static_cast<double>(peakGrowth) / static_cast<double>(keys) : 0.0,
                static_cast<double>(statusField("VmHWM")) / 1e6, browser.scanStatus().toUtf8().constData());
    if (scrollPages > 0)
        std::printf("scroll_pages %d scroll_seconds %.3f scroll_cpu_ms %.1f scroll_stall_ms %lld types_requested %lld "
                    "type_rounds %lld cached_types %lld scroll_heap_bytes %lld\n",
                    pagesDone, scrollSeconds, scrollCpuMs, static_cast<long long>(scrollStallMs),
                    static_cast<long long>(browser.typeLoader()->typesRequested()),
                    static_cast<long long>(browser.typeLoader()->rounds()),
                    static_cast<long long>(browser.model()->cachedTypeCount()), static_cast<long long>(scrollHeap));
    if (moreClicks > 0)
        std::printf("more_clicks %d more_stall_ms %lld more_rows_shown %lld\n", clicksDone,
                    static_cast<long long>(moreStallMs), static_cast<long long>(moreRowsShown));
    return 0;
}
