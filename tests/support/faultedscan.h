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
    // The master the sentinels named (the watcher's view) when the scan finished.
    HostPort masterAtEnd;
    // Every master the watcher named during the run, in order. The scan's last node is checked against this, not
    // against masterAtEnd alone: on a loaded machine a failover can time out and a second one promote another
    // replica while the scan finishes on the first one's (which held every key while the scan read it).
    QList<HostPort> mastersNamed;
    VigilError error;
    bool finished = false;
    bool faulted = false;
};

// Whether the sentinels named the node on `port` master at some point of the run.
inline bool named(const Outcome &outcome, quint16 port)
{
    for (const HostPort &master : outcome.mastersNamed)
        if (master.port == port)
            return true;
    return false;
}

// "41071, 43455": the masters named during the run, for a failure message.
inline QString namedList(const Outcome &outcome)
{
    QStringList ports;
    for (const HostPort &master : outcome.mastersNamed)
        ports << QString::number(master.port);
    return ports.join(QStringLiteral(", "));
}

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
    QObject::connect(&watcher, &SentinelWatcher::masterChanged, context,
                     [&](const HostPort &master) { outcome.mastersNamed.append(master); });
    QTRY_VERIFY_WITH_TIMEOUT(watcher.currentMaster().isValid(), 30000);
    if (outcome.mastersNamed.isEmpty() || outcome.mastersNamed.last().port != watcher.currentMaster().port)
        outcome.mastersNamed.append(watcher.currentMaster());

    ScanRequest request;
    request.target = target;
    request.options = options;
    request.epoch = watcher.switchEpoch();
    request.connections = connections;
    worker->request(request);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.finished, timeoutMs);
    QVERIFY2(outcome.faulted, "the fault was injected during the scan");
    // The scan may hear of a switch (its own resolver asks the sentinels) before the watcher's next poll does.
    if (!outcome.error.isError() && outcome.summary.node.role != "slave") {
        QTRY_VERIFY2_WITH_TIMEOUT(named(outcome, outcome.summary.node.address.port),
                                  qPrintable(QStringLiteral("the scan ended on %1, which the sentinels never named "
                                                            "master (they named %2)")
                                                 .arg(outcome.summary.node.address.port)
                                                 .arg(namedList(outcome))),
                                  15000);
        outcome.masterAtEnd = watcher.currentMaster();
    }
}

} // namespace FaultedScan
