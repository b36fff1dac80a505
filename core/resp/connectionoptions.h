#pragma once

#include "respreader.h"
#include "tlsoptions.h"

#include <QByteArray>
#include <QString>

// Where and how to connect. Passwords live here only in memory; nothing in this struct is ever logged or saved.
struct ConnectionOptions
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    // How the node is named in errors: "sentinel", "master", "replica", "node".
    QString role = QStringLiteral("node");

    QByteArray user;     // ACL user; empty means the default user (AUTH password)
    QByteArray password; // empty means no AUTH
    int db = 0;          // SELECT db when > 0; -1 for nodes that have no databases (sentinels)
    QByteArray clientName = QByteArrayLiteral("vigil");

    int connectTimeoutMs = 2000;
    int commandTimeoutMs = 5000;
    bool readOnly = false;
    TlsOptions tls;

    RespReader::Limits limits;

    QString address() const { return host + QLatin1Char(':') + QString::number(port); }
    QString nodeName() const { return role.isEmpty() ? address() : role + QLatin1Char(' ') + address(); }
};
