#include "workerthread.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QPointer>

namespace {
QMutex detachedMutex;
QList<QThread *> &detachedThreads()
{
    static QList<QThread *> threads;
    return threads;
}

void forget(QThread *thread)
{
    QMutexLocker lock(&detachedMutex);
    detachedThreads().removeOne(thread);
}
} // namespace

WorkerThread::WorkerThread(const QString &name)
    : m_name(name)
{
}

WorkerThread::~WorkerThread()
{
    stop();
}

void WorkerThread::start(QObject *worker, std::function<void()> cancel)
{
    stop();
    m_thread = new QThread;
    m_thread->setObjectName(m_name);
    m_cancel = std::move(cancel);
    worker->moveToThread(m_thread);
    // Qt deletes the worker on its own thread, after the thread's last event, however the thread ends.
    QObject::connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread->start();
}

bool WorkerThread::stop(int boundMs)
{
    if (!m_thread)
        return true;
    if (m_cancel)
        m_cancel();
    m_thread->quit();
    const bool finished = m_thread->wait(QDeadlineTimer(qMax(0, boundMs)));
    if (finished)
        delete m_thread;
    else
        detach();
    m_thread = nullptr;
    m_cancel = {};
    return finished;
}

void WorkerThread::detach()
{
    QThread *thread = m_thread;
    {
        QMutexLocker lock(&detachedMutex);
        detachedThreads().append(thread);
    }
    // finished is emitted on the worker thread; the handler runs on the thread that owns the QThread object (this
    // one), once the thread is done. wait() covers the instant between the signal and the thread's real end.
    QObject::connect(thread, &QThread::finished, thread, [thread] {
        forget(thread);
        thread->wait();
        thread->deleteLater();
    });
}

int WorkerThread::detachedCount()
{
    QMutexLocker lock(&detachedMutex);
    int running = 0;
    for (QThread *thread : std::as_const(detachedThreads()))
        if (!thread->isFinished())
            ++running;
    return running;
}

int WorkerThread::waitForDetached(int boundMs)
{
    QList<QThread *> threads;
    {
        QMutexLocker lock(&detachedMutex);
        threads = detachedThreads();
    }
    const QDeadlineTimer deadline(qMax(0, boundMs));
    int stillRunning = 0;
    for (QThread *thread : std::as_const(threads)) {
        if (thread->wait(deadline)) {
            forget(thread);
            delete thread; // pending handlers for it go with it
        } else {
            ++stillRunning;
        }
    }
    return stillRunning;
}
