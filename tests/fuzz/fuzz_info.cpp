// INFO replies: what InfoParser reads must agree with a plain reading of the lines.
//
// Input: the text of an INFO reply.
#include "fuzzcheck.h"
#include "resp/infoparser.h"

#include <QList>
#include <QPair>

namespace {
using Pairs = QList<QPair<QByteArray, QByteArray>>;

// Every "name:value" line, in order: lines end at LF (a CR before it is dropped), headers ('#') and lines without a
// name are skipped, the value is everything after the first ':', trimmed.
Pairs plainLines(const QByteArray &info)
{
    Pairs pairs;
    for (QByteArray line : info.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        if (line.startsWith('#') || colon <= 0)
            continue;
        pairs.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return pairs;
}

QHash<QByteArray, QByteArray> plainSubFields(const QByteArray &value)
{
    QHash<QByteArray, QByteArray> result;
    for (const QByteArray &pair : value.split(',')) {
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0)
            result.insert(pair.left(eq).trimmed(), pair.mid(eq + 1).trimmed());
    }
    return result;
}

bool isReplicaName(const QByteArray &name)
{
    if (!name.startsWith("slave") || name.size() == 5)
        return false;
    for (qsizetype i = 5; i < name.size(); ++i)
        if (name.at(i) < '0' || name.at(i) > '9')
            return false;
    return true;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray info = fuzzBytes(data, size);
    const Pairs lines = plainLines(info);

    QHash<QByteArray, QByteArray> last;
    QList<QHash<QByteArray, QByteArray>> replicas;
    for (const auto &[name, value] : lines) {
        last.insert(name, value);
        if (isReplicaName(name))
            replicas.append(plainSubFields(value));
    }
    FUZZ_CHECK(InfoParser::fields(info) == last, "fields() differs from the lines");
    FUZZ_CHECK(InfoParser::replicas(info) == replicas, "replicas() differs from the slaveN lines");

    // field() answers with the first line of that name, and with nothing for a name that is absent.
    QHash<QByteArray, QByteArray> first;
    for (const auto &[name, value] : lines) {
        if (!first.contains(name))
            first.insert(name, value);
    }
    for (auto it = first.cbegin(); it != first.cend(); ++it) {
        FUZZ_CHECK(InfoParser::field(info, it.key()) == it.value(), "field(" << it.key() << ") differs");
        FUZZ_CHECK(InfoParser::subFields(it.value()) == plainSubFields(it.value()), "subFields differs");
    }
    FUZZ_CHECK(InfoParser::field(info, "no such field").isEmpty() || first.contains("no such field"),
               "a value for an absent name");
    return 0;
}
