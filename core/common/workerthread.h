#pragma once

#include <QObject>
#include <QThread>

// Owns a named QThread and the worker object living on it. The destructor quits the thread, waits for it, and deletes
// the worker on its own thread (deleteLater before quit), so nothing outlives its owner.
class WorkerThread final
{
public:
    explicit WorkerThread(const QString &name) { m_thread.setObjectName(name); }

    ~WorkerThread() { stop(); }
    Q_DISABLE_COPY_MOVE(WorkerThread)

    // Moves `worker` (which must have no parent) to the thread and starts it.
    void start(QObject *worker)
    {
        m_worker = worker;
        worker->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
        m_thread.start();
    }

    void stop()
    {
        if (!m_thread.isRunning())
            return;
        m_thread.quit();
        m_thread.wait();
    }

    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
    QObject *m_worker = nullptr;
};
