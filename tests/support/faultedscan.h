#pragma once

#include "common/workerthread.h"
#include "scan/scanworker.h"
#include "sentinel/masterresolver.h"
#include "sentinel/sentinelwatcher.h"

#include <QObject>
#include <QTest>

#include <functional>

// A scan on a worker thread, as the key browser runs it (a watcher feeding the switch epoch), with a fault injected
// once it has reported a number of keys: the integration tests of failover, over plain TCP and over TLS, and of lost
// writes. QTRY_* failures end the run; the caller checks QTest::currentTestFailed().
namespace FaultedScan {

struct Outcome
{
    NodeIdentity startedOn;
    QList<QByteArray> reported;
    QList<ScanNotice> restarts;
    QList<ScanNotice> resumes;
    ScanSummary summary;
    // The master the sentinels named (the watcher's view) when the scan finished. Where the scan ended is checked
    // against it, not against the sandbox's master read later: a loaded machine may see one more failover by then.
    HostPort masterAtEnd;
    VigilError error;
    bool finished = false;
    bool faulted = false;
};

// Runs `options` against `target`; calls `fault` (from the test's thread) once `faultAfter` keys are in, and waits
// up to `timeoutMs` for the end. `context` is the test object the worker's signals are delivered to. `connections`,
// when given, is the factory the watcher and the scan share, as a Deployment's do (one SSH session for both).
inline void run(QObject *context, const SentinelTarget &target, const ScanOptions &options, qint64 faultAfter,
                const std::function<void()> &fault, Outcome *result, int timeoutMs = 120000,
                const ConnectionFactoryPtr &connections = {})
{
    Outcome &outcome = *result;
    SentinelWatcher watcher(target, connections);
    watcher.setPollInterval(500);
    watcher.start();
    WorkerThread thread(QStringLiteral("vigil-scan"));
    auto *worker = new ScanWorker;
    thread.start(worker);
    QObject::connect(worker, &ScanWorker::keysScanned, context, [&](const KeyBatch &batch) {
        outcome.reported.append(batch.keys);
        if (!outcome.faulted && outcome.reported.size() >= faultAfter) {
            outcome.faulted = true;
            fault();
        }
    });
    QObject::connect(worker, &ScanWorker::scanStarted, context,
                     [&](quint64, const NodeIdentity &node) { outcome.startedOn = node; });
    QObject::connect(worker, &ScanWorker::scanRestarted, context,
                     [&](const ScanNotice &n) { outcome.restarts.append(n); });
    QObject::connect(worker, &ScanWorker::scanResumed, context, [&](const ScanNotice &n) { outcome.resumes.append(n); });
    QObject::connect(worker, &ScanWorker::finished, context, [&](const ScanSummary &s) {
        outcome.summary = s;
        outcome.masterAtEnd = watcher.currentMaster();
        outcome.finished = true;
    });
    QObject::connect(worker, &ScanWorker::failed, context, [&](quint64, const VigilError &e) {
        outcome.error = e;
        outcome.finished = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(watcher.currentMaster().isValid(), 30000);

    ScanRequest request;
    request.target = target;
    request.options = options;
    request.epoch = watcher.switchEpoch();
    request.connections = connections;
    worker->request(request);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.finished, timeoutMs);
    QVERIFY2(outcome.faulted, "the fault was injected during the scan");
}

} // namespace FaultedScan
