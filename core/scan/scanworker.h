#pragma once

#include "common/vigilerror.h"
#include "scantypes.h"
#include "sentinel/masterresolver.h"
#include "sentinel/switchepoch.h"

#include <QObject>

#include <atomic>

struct ScanRequest
{
    quint64 id = 0; // set by ScanWorker::request()
    SentinelTarget target;
    ScanOptions options;
    SwitchEpoch epoch;                // shared with a SentinelWatcher, so the scan hears of switches at once
    ConnectionFactoryPtr connections; // the deployment's; null for a factory of the scan's own
};
Q_DECLARE_METATYPE(ScanRequest)

// Runs ScanIterators on its own thread ("vigil-scan"), one request at a time.
//
// request() and cancel() may be called from any thread: a new request cancels the one running, and cancel() takes
// effect within one round trip. Results leave in batches: the first as soon as 100 keys are in, then at most one
// batch every batchIntervalMs (50 ms) or every maxBatch keys. Every signal carries the request's id, so a receiver
// can drop what a cancelled scan sent before it noticed.
class ScanWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScanWorker)

public:
    explicit ScanWorker(QObject *parent = nullptr);
    ~ScanWorker() override;

    // Thread-safe. Cancels whatever runs, and queues the request; returns its id.
    quint64 request(ScanRequest request);
    // Thread-safe. Cancels the running and queued requests.
    void cancel();

    void setBatching(int firstBatch, int maxBatch, int intervalMs);

Q_SIGNALS:
    void scanStarted(quint64 scanId, const NodeIdentity &node);
    void keysScanned(const KeyBatch &batch);
    void progressed(const ScanProgress &progress);
    void scanRestarted(const ScanNotice &notice);
    void scanResumed(const ScanNotice &notice);
    void finished(const ScanSummary &summary);
    void failed(quint64 scanId, const VigilError &error);

private:
    void run(const ScanRequest &request);

    std::atomic<quint64> m_lastId{0};
    std::atomic<quint64> m_cancelledUpTo{0};
    int m_firstBatch = 100;
    int m_maxBatch = 20000;
    int m_intervalMs = 50;
};
