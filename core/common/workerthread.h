#pragma once

#include <QObject>
#include <QThread>

#include <functional>

// Owns a named QThread and the worker object living on it.
//
// stop() (and the destructor) asks the worker to stop, quits the thread and waits for it, but only for a bound
// (about 1 s): a worker blocked on a paused server must not freeze the GUI thread for the tens of seconds its
// timeouts allow. A thread that has not finished by then is cancelled and detached: it finishes on its own, and it
// and its worker are deleted when it does. A running QThread is never destroyed. At exit, waitForDetached() gives
// the detached threads one more bounded wait.
class WorkerThread final
{
public:
    static constexpr int defaultStopBoundMs = 1000;

    explicit WorkerThread(const QString &name);
    ~WorkerThread();
    Q_DISABLE_COPY_MOVE(WorkerThread)

    // Moves `worker` (which must have no parent) to the thread and starts it. `cancel`, when given, is called by
    // stop() before it waits: it must be thread-safe (e.g. set an atomic flag the worker checks between steps).
    void start(QObject *worker, std::function<void()> cancel = {});

    // Cancels the worker, quits the thread and waits at most `boundMs`. Returns true when the thread has finished;
    // false when it was detached and goes on finishing by itself.
    bool stop(int boundMs = defaultStopBoundMs);

    QThread *thread() const { return m_thread; }
    bool isRunning() const { return m_thread && m_thread->isRunning(); }

    // Detached threads that have not finished yet (all threads of the process).
    static int detachedCount();
    // Waits at most `boundMs` in all for the detached threads and deletes those that finished. Returns how many still
    // run; those are left alone (never destroyed while running). For the end of main().
    static int waitForDetached(int boundMs);

private:
    void detach();

    QString m_name;
    QThread *m_thread = nullptr;
    std::function<void()> m_cancel;
};
