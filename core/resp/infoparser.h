#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>

// The one reader of INFO replies ("# Replication\r\nrole:master\r\nconnected_slaves:2\r\n
// slave0:ip=127.0.0.1,port=6380,state=online,offset=1234,lag=0\r\n..."). Section headers and blank lines are skipped,
// CR/LF line ends both work, and a value keeps any ':' after the first.
namespace InfoParser {
// The value of `name`, trimmed; empty when absent.
QByteArray field(const QByteArray &info, QByteArrayView name);
// Every field, by name.
QHash<QByteArray, QByteArray> fields(const QByteArray &info);
// A composite value "k=v,k=v" (a slaveN line of INFO replication, a dbN line of INFO keyspace), by key.
QHash<QByteArray, QByteArray> subFields(QByteArrayView value);

// The replicas of INFO replication, in order: each slaveN line's subfields (ip, port, state, offset, lag).
QList<QHash<QByteArray, QByteArray>> replicas(const QByteArray &info);
} // namespace InfoParser
