#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

// A node address. Parses "host:port" and "[v6addr]:port".
struct HostPort
{
    QString host;
    quint16 port = 0;

    bool isValid() const { return !host.isEmpty() && port != 0; }
    QString toString() const;
    static HostPort parse(const QString &text, bool *ok = nullptr);
    // "h1:p1,h2:p2"; stops at the first bad entry and reports it in *bad.
    static QList<HostPort> parseList(const QString &text, QString *bad = nullptr);

    bool operator==(const HostPort &other) const { return host == other.host && port == other.port; }
    bool operator!=(const HostPort &other) const { return !(*this == other); }
};

inline size_t qHash(const HostPort &key, size_t seed = 0)
{
    return qHashMulti(seed, key.host, key.port);
}

// Address remapping: what a sentinel reports -> what we can reach (ioredis calls it natMap). Applies to every address a
// sentinel reports, so topologies inside Docker or Kubernetes can be browsed from a desktop.
class AddressMap final
{
public:
    void insert(const HostPort &reported, const HostPort &reachable) { m_map.insert(reported, reachable); }
    HostPort map(const HostPort &reported) const { return m_map.value(reported, reported); }
    bool isEmpty() const { return m_map.isEmpty(); }
    // "FROM=TO", as on the vigil-scan command line.
    bool insertRule(const QString &rule);
    // Every rule as "FROM=TO", sorted.
    QStringList rules() const;

private:
    QHash<HostPort, HostPort> m_map;
};

Q_DECLARE_METATYPE(HostPort)
