#include "scanworker.h"

#include "scaniterator.h"

#include <QElapsedTimer>

#include <new>

ScanWorker::ScanWorker(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<ScanRequest>();
    qRegisterMetaType<KeyBatch>();
    qRegisterMetaType<ScanNotice>();
    qRegisterMetaType<ScanProgress>();
    qRegisterMetaType<ScanSummary>();
    qRegisterMetaType<NodeIdentity>();
    qRegisterMetaType<VigilError>();
}

ScanWorker::~ScanWorker() = default;

void ScanWorker::setBatching(int firstBatch, int maxBatch, int intervalMs)
{
    m_firstBatch = firstBatch;
    m_maxBatch = maxBatch;
    m_intervalMs = intervalMs;
}

quint64 ScanWorker::request(ScanRequest request)
{
    request.id = ++m_lastId;
    m_cancelledUpTo = request.id - 1;
    QMetaObject::invokeMethod(
        this, [this, request] { run(request); }, Qt::QueuedConnection);
    return request.id;
}

void ScanWorker::cancel()
{
    m_cancelledUpTo = m_lastId.load();
}

void ScanWorker::run(const ScanRequest &request)
{
    const quint64 id = request.id;
    if (id <= m_cancelledUpTo) {
        Q_EMIT failed(id, {VigilError::Kind::Cancelled, {}, QStringLiteral("SCAN"), QStringLiteral("cancelled")});
        return;
    }
    KeyBatch batch;
    batch.scanId = id;
    batch.type = request.options.type;
    bool firstSent = false;
    QElapsedTimer sinceBatch;
    sinceBatch.start();
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    ScanProgress lastProgress;

    const auto flush = [&] {
        if (!batch.keys.isEmpty()) {
            Q_EMIT keysScanned(batch);
            batch.keys.clear();
            firstSent = true;
        }
        sinceBatch.restart();
    };

    ScanIterator::Callbacks callbacks;
    callbacks.cancelled = [this, id] { return id <= m_cancelledUpTo.load(std::memory_order_relaxed); };
    callbacks.resolved = [this, id](const NodeIdentity &node) { Q_EMIT scanStarted(id, node); };
    callbacks.keys = [&](const QList<QByteArray> &keys, int pass) {
        if (pass != batch.pass)
            flush();
        batch.pass = pass;
        batch.keys.append(keys);
        const qsizetype threshold = firstSent ? m_maxBatch : m_firstBatch;
        if (batch.keys.size() >= threshold || sinceBatch.elapsed() >= m_intervalMs)
            flush();
    };
    callbacks.notice = [&](ScanNotice notice) {
        flush(); // keys before the notice arrive before it
        notice.scanId = id;
        if (notice.kind == ScanNotice::Kind::Restart)
            Q_EMIT scanRestarted(notice);
        else
            Q_EMIT scanResumed(notice);
    };
    callbacks.progress = [&](ScanProgress progress) {
        progress.scanId = id;
        lastProgress = progress;
        if (sinceProgress.elapsed() >= 100) {
            sinceProgress.restart();
            Q_EMIT progressed(progress);
        }
    };

    // An exception must not leave this function: it would reach the thread's event loop, and end the program.
    VigilError error;
    ScanSummary summary;
    try {
        ScanIterator iterator(request.target, request.options, request.epoch, callbacks, request.connections);
        summary = iterator.run(&error);
        flush();
    } catch (const std::bad_alloc &) {
        batch.keys.clear();
        batch.keys.squeeze();
        error = {VigilError::Kind::OutOfMemory,
                 {},
                 QStringLiteral("SCAN"),
                 QStringLiteral("out of memory while passing on the keys found")};
    }
    Q_EMIT progressed(lastProgress);
    if (error.isError()) {
        Q_EMIT failed(id, error);
        return;
    }
    summary.scanId = id;
    Q_EMIT finished(summary);
}
