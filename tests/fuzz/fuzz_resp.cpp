// The RESP reader, fed the same bytes in one piece and in pieces, must agree with itself.
//
// Input: the byte stream, then up to 31 piece sizes, then one control byte. The control byte's low five bits say how
// many piece sizes precede it (0: feed byte by byte), bits 5 and 6 pick the limits. Each piece size byte b feeds b + 1
// bytes; the sizes repeat until the stream is fed. Debian's hiredis is not instrumented, so libFuzzer learns only from
// Vigil's own callbacks and limit checks: the split points are what lets it steer where hiredis stops and resumes.
#include "fuzzcheck.h"
#include "resp/respreader.h"

#include <QList>

namespace {
struct Outcome
{
    QList<RespValue> replies;
    bool failed = false;
    qsizetype pending = 0;
};

RespLimits limitsFor(int profile)
{
    RespLimits limits;
    switch (profile) {
    case 1: // small enough for short inputs to reach every limit
        limits.maxBulkLength = 16;
        limits.maxArrayLength = 8;
        limits.maxDepth = 3;
        limits.maxLineLength = 24;
        break;
    case 2:
        limits.maxDepth = 1;
        limits.maxArrayLength = 0;
        break;
    case 3:
        limits.maxBulkLength = 0;
        limits.maxLineLength = 4;
        break;
    default:
        break;
    }
    return limits;
}

// What every reply must survive: the accessors a view or a log line uses.
void touch(const RespValue &value)
{
    (void)value.toDisplayString();
    (void)value.toFieldMap();
    if (value.isError())
        (void)value.errorCode();
    FUZZ_CHECK(value == value, "a reply is not equal to itself");
    for (const RespValue &element : value.elements())
        touch(element);
}

Outcome decode(const QByteArray &stream, const QList<int> &pieces, const RespLimits &limits)
{
    RespReader reader(limits);
    Outcome out;
    const auto drain = [&] {
        for (;;) {
            RespValue reply;
            switch (reader.next(&reply)) {
            case RespReader::Status::Reply:
                touch(reply);
                out.replies.append(std::move(reply));
                continue;
            case RespReader::Status::Error:
                FUZZ_CHECK(!reader.errorString().isEmpty(), "an error without a message");
                out.failed = true;
                return;
            case RespReader::Status::NeedMore:
                return;
            }
        }
    };
    qsizetype at = 0;
    qsizetype piece = 0;
    while (at < stream.size() && !out.failed) {
        const qsizetype size = qMin<qsizetype>(pieces.at(piece++ % pieces.size()), stream.size() - at);
        reader.feed(stream.constData() + at, size);
        at += size;
        drain();
    }
    if (out.failed) {
        // A broken reader stays broken: nothing fed afterwards may turn into a reply.
        reader.feed("+OK\r\n", 5);
        RespValue reply;
        FUZZ_CHECK(reader.next(&reply) == RespReader::Status::Error, "a reader decoded again after an error");
    }
    out.pending = reader.pendingBytes();
    return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray input = fuzzBytes(data, size);
    const auto control = static_cast<unsigned char>(input.back());
    const qsizetype sizeCount = qMin<qsizetype>(control & 31, input.size() - 1);
    const QByteArray stream = input.first(input.size() - 1 - sizeCount);
    QList<int> pieces;
    for (qsizetype i = stream.size(); i < input.size() - 1; ++i)
        pieces.append(static_cast<unsigned char>(input.at(i)) + 1);
    if (pieces.isEmpty())
        pieces.append(1);
    const RespLimits limits = limitsFor((control >> 5) & 3);

    const Outcome whole = decode(stream, {int(qMax<qsizetype>(1, stream.size()))}, limits);
    const Outcome split = decode(stream, pieces, limits);

    // A limit may trip at another point when the bytes arrive in pieces (a line is refused while it is still
    // growing), but every reply both produced must be the same, in the same order.
    const qsizetype common = qMin(whole.replies.size(), split.replies.size());
    for (qsizetype i = 0; i < common; ++i)
        FUZZ_CHECK(whole.replies.at(i) == split.replies.at(i),
                   "reply" << i << "differs:" << whole.replies.at(i).toDisplayString() << "vs"
                           << split.replies.at(i).toDisplayString());
    if (!whole.failed && !split.failed) {
        FUZZ_CHECK(whole.replies.size() == split.replies.size(),
                   "whole:" << whole.replies.size() << "replies, in pieces:" << split.replies.size());
        FUZZ_CHECK(whole.pending == split.pending, "pending bytes" << whole.pending << "vs" << split.pending);
    }
    return 0;
}
