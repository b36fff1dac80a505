#pragma once

#include "hostport.h"

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>

// One message a sentinel published on its own pub/sub channels ("+sdown", "+switch-master", ...), typed.
//
// Most payloads use the instance-details format
//     <instance-type> <name> <ip> <port> @ <master-name> <master-ip> <master-port> [detail...]
// (the "@ ..." part is absent when the instance is the master itself). +switch-master has its own five fields:
//     <master-name> <old-ip> <old-port> <new-ip> <new-port>
// Anything else (+new-epoch, +tilt, +vote-for-leader, or an event we have never heard of) keeps its text in `detail`:
// an unknown event is kept raw, never dropped.
struct SentinelEvent
{
    QByteArray name;         // the channel: "+sdown", "-failover-abort-no-good-slave", ...
    QByteArray instanceType; // "master", "slave", "sentinel"; empty when the payload has no instance details
    QByteArray instanceName; // "mymaster", "127.0.0.1:6380", or a sentinel's run id
    HostPort instance;
    QByteArray masterName;
    HostPort master;    // the master the instance belongs to (the instance itself for type master)
    HostPort oldMaster; // +switch-master only
    HostPort newMaster; // +switch-master only
    QByteArray detail;  // what follows the details: "#quorum 2/2", "new reported role is master", "5", ...
    QByteArray raw;     // the payload as received
    HostPort reporter;  // the sentinel that published it
    QDateTime received; // when we received it (UTC, ms)

    static SentinelEvent parse(const QByteArray &channel, const QByteArray &payload, const HostPort &reporter,
                               const QDateTime &received = QDateTime::currentDateTimeUtc());

    bool isAbout(const QByteArray &watchedMaster) const { return masterName.isEmpty() || masterName == watchedMaster; }
    // A short sentence for a log line or the timeline: "+sdown master vigil 127.0.0.1:6379 (from 127.0.0.1:26379)".
    QString describe() const;
    // One JSON object on one line: {"event":"sentinel","name":"+sdown",...}.
    QByteArray toJson() const;
};

Q_DECLARE_METATYPE(SentinelEvent)
