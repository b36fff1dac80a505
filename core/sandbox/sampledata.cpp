#include "sampledata.h"

namespace {
// A tiny deterministic mixer (splitmix64): the same index always makes the same names and values.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

QByteArray hex(quint64 value, int digits)
{
    return QByteArray::number(value, 16).rightJustified(digits, '0').right(digits);
}

QByteArray uuid(quint64 seed)
{
    const quint64 a = mix(seed);
    const quint64 b = mix(a);
    return hex(a >> 32, 8) + '-' + hex(a >> 16, 4) + "-4" + hex(a, 3) + '-' + hex(b >> 48, 4) + '-' + hex(b, 12);
}

const QList<QByteArray> &words()
{
    static const QList<QByteArray> list = {"alpha",  "berlin", "cobalt",  "delta",  "ember", "fjord",  "garnet",
                                           "harbor", "indigo", "juniper", "kepler", "lumen", "meadow", "nimbus"};
    return list;
}

QByteArray word(quint64 seed)
{
    return words().at(static_cast<qsizetype>(seed % static_cast<quint64>(words().size())));
}

struct Special
{
    QByteArray name;
    QByteArray type;
    bool ttl = false;
};

const QList<Special> &specials()
{
    static const QList<Special> list = [] {
        QList<Special> s = {
            {"queue:emails", "list", false},
            {"queue:jobs:high", "list", false},
            {"tag:featured", "set", false},
            {"tag:sale", "set", false},
            {"leaderboard:global", "zset", false},
            {"leaderboard:weekly", "zset", true},
            {"events:orders", "stream", false},
            {"events:logins", "stream", false},
            {"config:app", "hash", false},
            {"feature:flags", "string", false},
            {"stats:visits:today", "string", true},
            {"lock:report:daily", "string", true},
            {SampleData::bigHashName(), "hash", false},
        };
        for (const QByteArray &name : SampleData::awkwardKeyNames())
            s.append({name, "string", false});
        return s;
    }();
    return list;
}
} // namespace

SampleData::SampleData(qint64 generated)
    : m_generated(qMax<qint64>(0, generated))
{
}

QList<QByteArray> SampleData::awkwardKeyNames()
{
    return {
        QByteArrayLiteral("key with spaces"),
        QByteArrayLiteral("line\nbreak:key"),
        QByteArrayLiteral("quote\"and'apostrophe"),
        QByteArray("bin:\xff\xfe\x80 invalid utf8", 21),
        QByteArrayLiteral("bidi:\xe2\x80\xae"
                          "evil\xe2\x80\xac.txt"),
        QByteArrayLiteral("tab\tand\rcarriage"),
        QByteArray("nul\0byte", 8),
        QByteArrayLiteral("emoji:\xf0\x9f\x94\x91:key"),
        QByteArrayLiteral(":leading:separator"),
        QByteArrayLiteral("trailing:separator:"),
        QByteArrayLiteral("double::separator"),
    };
}

qint64 SampleData::specialCount()
{
    return specials().size();
}

SampleData::Key SampleData::key(qint64 index) const
{
    if (index < specialCount()) {
        const Special &s = specials().at(index);
        return {s.name, s.type, s.ttl};
    }
    const qint64 i = index - specialCount();
    const quint64 r = mix(static_cast<quint64>(i));
    // Namespaces in fixed proportions, decided by i so that counts are exact and predictable.
    switch (i % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
        return {"user:" + QByteArray::number(100000 + i) + ":profile", "hash", false};
    case 6:
    case 7:
    case 8:
    case 9:
        return {"session:" + uuid(static_cast<quint64>(i)), "string", true};
    case 10:
    case 11:
        return {"cache:page:/" + word(r) + '/' + word(r >> 8) + '/' + QByteArray::number(i), "string", false};
    case 12:
        return {"cache:api:v1:" + word(r) + ":" + QByteArray::number(i), "string", false};
    case 13:
    case 14:
    case 15:
        return {"order:" + QByteArray::number(2020 + (i % 6)) + ':' + QByteArray::number(500000 + i), "hash", false};
    case 16:
    case 17:
        return {"product:sku-" + hex(r, 10) + '-' + QByteArray::number(i), "string", false};
    case 18:
        return {"rate:ip:10." + QByteArray::number((r >> 8) & 0xff) + '.' + QByteArray::number((r >> 16) & 0xff) + '.'
                    + QByteArray::number(i % 256) + ':' + QByteArray::number(i),
                "string", true};
    default: {
        // The remaining twentieth is shared by the other types, so every namespace holds every kind of key.
        switch ((i / 20) % 4) {
        case 0:
            return {"queue:" + word(r) + ':' + QByteArray::number(i), "list", false};
        case 1:
            return {"tag:" + word(r) + ':' + QByteArray::number(i), "set", false};
        case 2:
            return {"leaderboard:" + word(r) + ':' + QByteArray::number(i), "zset", false};
        default:
            return {"events:" + word(r) + ':' + QByteArray::number(i), "stream", false};
        }
    }
    }
}

void SampleData::appendCommands(qint64 index, QList<RespCommand> *out) const
{
    const Key k = key(index);
    const quint64 r = mix(static_cast<quint64>(index) + 7);
    if (k.name == bigHashName()) {
        RespCommand hset = {"HSET", k.name};
        for (int f = 0; f < bigHashFields(); ++f) {
            hset << "field:" + QByteArray::number(f) << "value-" + QByteArray::number(f);
            if (hset.size() >= 2002 || f == bigHashFields() - 1) {
                out->append(hset);
                hset = {"HSET", k.name};
            }
        }
        return;
    }
    if (k.type == "string") {
        QByteArray value;
        if (k.name.startsWith("session:"))
            value = R"({"user":)" + QByteArray::number(r % 100000) + R"(,"csrf":")" + hex(r, 16) + R"(","ip":"10.0.)"
                    + QByteArray::number(r % 250) + R"(.7"})";
        else if (k.name.startsWith("product:"))
            value = R"({"name":")" + word(r) + ' ' + word(r >> 4) + R"(","price":)" + QByteArray::number(r % 10000)
                    + R"(,"tags":[")" + word(r >> 12) + R"("],"stock":)" + QByteArray::number(r % 300) + '}';
        else if (k.name.startsWith("rate:") || k.name.startsWith("stats:"))
            value = QByteArray::number(r % 1000);
        else if (k.name.startsWith("cache:"))
            value = "<html><body><h1>" + word(r) + "</h1><p>" + QByteArray(static_cast<qsizetype>(r % 200), 'x')
                    + "</p></body></html>";
        else if (k.name == "feature:flags")
            value = R"({"darkMode":true,"betaCheckout":false,"maxUpload":10485760})";
        else if (k.name.startsWith("lock:"))
            value = "owner=" + hex(r, 12);
        else
            value = QByteArray("\x00\x01\x02 binary value \xff\xfe", 20) + k.name;
        out->append({"SET", k.name, value});
    } else if (k.type == "hash") {
        if (k.name.startsWith("user:"))
            out->append({"HSET", k.name, "name", word(r) + ' ' + word(r >> 4), "email",
                         word(r >> 8) + QByteArray::number(index) + "@example.org", "created",
                         QByteArray::number(1600000000 + r % 100000000), "plan", (r & 1) ? "pro" : "free"});
        else if (k.name.startsWith("order:"))
            out->append({"HSET", k.name, "status", (r & 1) ? "shipped" : "pending", "total",
                         QByteArray::number(r % 50000) + ".00", "items", QByteArray::number(1 + r % 9), "customer",
                         "user:" + QByteArray::number(100000 + r % 100000)});
        else
            out->append({"HSET", k.name, "theme", "dark", "locale", "en_GB", "timeout", "30"});
    } else if (k.type == "list") {
        RespCommand push = {"RPUSH", k.name};
        const int n = k.name.startsWith("queue:emails") ? 250 : 3 + static_cast<int>(r % 5);
        // j % 64: a shift by 64 or more is undefined (UBSan); x86 masked it the same way, so the values stay.
        for (int j = 0; j < n; ++j)
            push << "job-" + QByteArray::number(j) + ":" + word(r >> (j % 64));
        out->append(push);
    } else if (k.type == "set") {
        RespCommand add = {"SADD", k.name};
        for (int j = 0; j < 4 + static_cast<int>(r % 6); ++j)
            add << "product:sku-" + hex(mix(r + static_cast<quint64>(j)), 10);
        out->append(add);
    } else if (k.type == "zset") {
        RespCommand add = {"ZADD", k.name};
        const int n = k.name == "leaderboard:global" ? 1000 : 5 + static_cast<int>(r % 5);
        for (int j = 0; j < n; ++j)
            add << QByteArray::number((mix(r + static_cast<quint64>(j)) % 100000) / 10.0)
                << "player:" + QByteArray::number(j);
        out->append(add);
    } else if (k.type == "stream") {
        const int n = k.name == "events:orders" ? 200 : 2 + static_cast<int>(r % 3);
        for (int j = 0; j < n; ++j)
            out->append(
                {"XADD", k.name, "*", "order", QByteArray::number(500000 + j), "status", (j & 1) ? "paid" : "new"});
    }
    if (k.hasTtl)
        out->append({"EXPIRE", k.name, QByteArray::number(3600 + static_cast<qint64>(r % 86400))});
}
