#include "infoparser.h"

namespace {
// Calls f(name, value) for every "name:value" line.
template<typename F>
void forEachField(const QByteArray &info, F f)
{
    qsizetype start = 0;
    while (start < info.size()) {
        qsizetype end = info.indexOf('\n', start);
        if (end < 0)
            end = info.size();
        QByteArrayView line(info.constData() + start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        if (!f(line.first(colon), line.sliced(colon + 1).trimmed()))
            return;
    }
}

bool isReplicaLine(QByteArrayView name)
{
    if (!name.startsWith("slave") || name.size() == 5)
        return false;
    for (const char c : name.sliced(5))
        if (c < '0' || c > '9')
            return false;
    return true;
}
} // namespace

QByteArray InfoParser::field(const QByteArray &info, QByteArrayView name)
{
    QByteArray found;
    forEachField(info, [&](QByteArrayView key, QByteArrayView value) {
        if (key != name)
            return true;
        found = value.toByteArray();
        return false;
    });
    return found;
}

QHash<QByteArray, QByteArray> InfoParser::fields(const QByteArray &info)
{
    QHash<QByteArray, QByteArray> all;
    forEachField(info, [&](QByteArrayView key, QByteArrayView value) {
        all.insert(key.toByteArray(), value.toByteArray());
        return true;
    });
    return all;
}

QHash<QByteArray, QByteArray> InfoParser::subFields(QByteArrayView value)
{
    QHash<QByteArray, QByteArray> result;
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype end = value.indexOf(',', start);
        if (end < 0)
            end = value.size();
        const QByteArrayView pair = value.sliced(start, end - start);
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0)
            result.insert(pair.first(eq).trimmed().toByteArray(), pair.sliced(eq + 1).trimmed().toByteArray());
        start = end + 1;
    }
    return result;
}

QList<QHash<QByteArray, QByteArray>> InfoParser::replicas(const QByteArray &info)
{
    QList<QHash<QByteArray, QByteArray>> list;
    forEachField(info, [&](QByteArrayView key, QByteArrayView value) {
        if (isReplicaLine(key))
            list.append(subFields(value));
        return true;
    });
    return list;
}
