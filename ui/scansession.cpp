#include "scansession.h"

#include "keytreemodel.h"
#include "scan/scanworker.h"

ScanSession::ScanSession(KeyTreeModel *model, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_worker(new ScanWorker)
{
    connect(m_worker, &ScanWorker::keysScanned, this, &ScanSession::handleBatch);
    connect(m_worker, &ScanWorker::progressed, this, [this](const ScanProgress &progress) {
        if (progress.scanId == m_scanId)
            Q_EMIT progressed(progress);
    });
    connect(m_worker, &ScanWorker::scanRestarted, this,
            [this](const ScanNotice &notice) { handleNotice(notice, true); });
    connect(m_worker, &ScanWorker::scanResumed, this, [this](const ScanNotice &notice) { handleNotice(notice, false); });
    connect(m_worker, &ScanWorker::finished, this, &ScanSession::handleFinished);
    connect(m_worker, &ScanWorker::failed, this, &ScanSession::handleFailed);
    connect(m_model, &KeyTreeModel::ingested, this, &ScanSession::handleIngested);
    m_thread.start(m_worker, [worker = m_worker] { worker->cancel(); });
}

ScanSession::~ScanSession()
{
    // Bounded: a scan blocked on a paused master is cancelled and left to finish on its own.
    m_thread.stop();
}

quint64 ScanSession::start(const ScanRequest &request)
{
    m_finished.reset();
    m_scanId = m_worker->request(request);
    return m_scanId;
}

void ScanSession::cancel()
{
    m_worker->cancel();
}

void ScanSession::handleBatch(const KeyBatch &batch)
{
    if (batch.scanId == m_scanId)
        m_model->enqueueKeys(batch.keys, batch.type);
}

void ScanSession::handleNotice(const ScanNotice &notice, bool restarted)
{
    if (notice.scanId == m_scanId)
        Q_EMIT noticed(notice, restarted);
}

void ScanSession::handleFinished(const ScanSummary &summary)
{
    if (summary.scanId != m_scanId)
        return;
    if (m_model->hasQueuedKeys()) {
        m_finished = summary; // once the last keys are in
        return;
    }
    m_scanId = 0;
    Q_EMIT completed(summary);
}

void ScanSession::handleIngested()
{
    if (!m_finished)
        return;
    const ScanSummary summary = *m_finished;
    m_finished.reset();
    m_scanId = 0;
    Q_EMIT completed(summary);
}

void ScanSession::handleFailed(quint64 scanId, const VigilError &error)
{
    if (scanId != m_scanId)
        return;
    m_model->ingestQueued(); // what arrived before the failure stays in the tree
    m_scanId = 0;
    Q_EMIT failed(error);
}
