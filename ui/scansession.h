#pragma once

#include "common/vigilerror.h"
#include "common/workerthread.h"
#include "scan/scantypes.h"

#include <QObject>

#include <optional>

class KeyTreeModel;
class ScanWorker;
struct ScanRequest;

// The scans of one key browser: a ScanWorker on its own "vigil-scan" thread, the id of the scan that counts (late
// signals of a scan that was replaced or stopped are dropped), and the hand-over of its keys to the model, which
// takes them in a time slice per event-loop turn (KeyTreeModel::enqueueKeys). The end of a scan is reported once its
// last keys are in the tree. Deleting the session stops the thread with a bound (WorkerThread).
class ScanSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScanSession)

public:
    explicit ScanSession(KeyTreeModel *model, QObject *parent = nullptr);
    ~ScanSession() override;

    // Replaces whatever runs with this scan (the model is cleared by the caller). Returns its id.
    quint64 start(const ScanRequest &request);
    // Stops the running scan within one round trip; it ends with failed(Cancelled).
    void cancel();
    bool isScanning() const { return m_scanId != 0; }

Q_SIGNALS:
    void progressed(const ScanProgress &progress);
    // A failover (or a lost connection) in the middle of the scan: restarted at cursor 0 elsewhere, or resumed.
    void noticed(const ScanNotice &notice, bool restarted);
    // The scan is complete and all its keys are in the tree.
    void completed(const ScanSummary &summary);
    // The scan failed or was stopped (kind Cancelled); what it found is in the tree.
    void failed(const VigilError &error);

private:
    void handleBatch(const KeyBatch &batch);
    void handleNotice(const ScanNotice &notice, bool restarted);
    void handleFinished(const ScanSummary &summary);
    void handleFailed(quint64 scanId, const VigilError &error);
    void handleIngested();

    KeyTreeModel *m_model;
    WorkerThread m_thread{QStringLiteral("vigil-scan")};
    ScanWorker *m_worker = nullptr;
    quint64 m_scanId = 0;
    std::optional<ScanSummary> m_finished; // reported once the last keys are in the tree
};
