// Sentinel's pub/sub messages, parsed into events and fed to a failover tracker.
//
// Input: one message a line, "channel payload" (the channel is the first word). The tracker follows the master named
// by the first event that names one, so the fuzzer can reach every record state without guessing a name.
#include "fuzzcheck.h"
#include "sentinel/failovertracker.h"
#include "sentinel/sentinelevent.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace {
QJsonObject parseObject(const QByteArray &json, const char *what)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    FUZZ_CHECK(error.error == QJsonParseError::NoError && document.isObject(),
               what << "is not a JSON object:" << json << error.errorString());
    return document.object();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const HostPort reporter{QStringLiteral("127.0.0.1"), 26379};
    // Fixed times, so that a crash replays exactly.
    QDateTime received = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
    QList<SentinelEvent> events;
    for (const QByteArray &line : fuzzBytes(data, size).split('\n')) {
        const qsizetype space = line.indexOf(' ');
        const QByteArray channel = space < 0 ? line : line.first(space);
        const QByteArray payload = space < 0 ? QByteArray() : line.sliced(space + 1);
        const SentinelEvent event = SentinelEvent::parse(channel, payload, reporter, received);
        received = received.addMSecs(1);

        FUZZ_CHECK(event.name == channel && event.raw == payload, "the event lost its channel or payload");
        if (!event.instanceType.isEmpty())
            FUZZ_CHECK(event.instance.isValid(), "an instance without an address:" << payload);
        if (event.oldMaster.isValid() || event.newMaster.isValid())
            FUZZ_CHECK(event.name == "+switch-master", "a switch in a" << channel << "event");
        FUZZ_CHECK(event.describe().startsWith(QString::fromUtf8(channel)), "describe() does not start with the name");
        const QJsonObject json = parseObject(event.toJson(), "toJson()");
        FUZZ_CHECK(json.value(QStringLiteral("name")).toString() == QString::fromUtf8(channel),
                   "the JSON name differs");
        FUZZ_CHECK(json.value(QStringLiteral("raw")).toString() == QString::fromUtf8(payload),
                   "the JSON raw text differs");
        events.append(event);
    }

    QByteArray master = "vigil";
    for (const SentinelEvent &event : std::as_const(events)) {
        if (!event.masterName.isEmpty()) {
            master = event.masterName;
            break;
        }
    }
    FailoverTracker tracker(master);
    int finished = 0;
    QObject::connect(&tracker, &FailoverTracker::failoverFinished, &tracker, [&finished] { ++finished; });
    for (const SentinelEvent &event : std::as_const(events))
        tracker.handleEvent(event);

    int previousId = 0;
    for (const FailoverRecord &record : tracker.records()) {
        FUZZ_CHECK(record.id > previousId, "record ids out of order");
        previousId = record.id;
        FUZZ_CHECK(record.masterName == master, "a record of another master");
        FUZZ_CHECK(record.reached(FailoverRecord::Started), "a record that never started");
        FUZZ_CHECK(!record.events.isEmpty(), "a record without events");
        // Events arrive 1 ms apart here: a finished record has a duration, and it is not negative.
        if (record.isFinished())
            FUZZ_CHECK(record.durationMs() >= 0, "a finished record's duration is" << record.durationMs());
        else
            FUZZ_CHECK(record.durationMs() == -1, "an open record's duration is" << record.durationMs());
        parseObject(record.toJson(), "FailoverRecord::toJson()");
        for (int phase = 0; phase < FailoverRecord::PhaseCount; ++phase)
            (void)FailoverRecord::phaseName(static_cast<FailoverRecord::Phase>(phase));
    }
    // Each record is announced finished exactly once, when it finishes.
    const auto done = std::count_if(tracker.records().cbegin(), tracker.records().cend(),
                                    [](const FailoverRecord &record) { return record.isFinished(); });
    FUZZ_CHECK(finished == done, finished << "finish signals for" << done << "finished records");
    return 0;
}
