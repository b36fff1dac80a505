#pragma once

#include "hostport.h"

#include <QByteArray>
#include <QList>
#include <QString>

// A Sentinel connection URI, in either of the two forms people paste:
//   redis+sentinel://[user[:password]@]host:port[,host:port...]/master[/db]
//   redis-sentinel://[[user:]password@]host[:port][,host[:port]...][/db][?sentinelMasterId=master]#master  (Lettuce)
// A missing port is 26379. The user and password are the data nodes' (percent-decoded). rediss+sentinel:// and
// rediss-sentinel:// mean TLS, to the sentinels and to the data nodes.
struct SentinelUri
{
    QList<HostPort> seeds;
    QString masterName;
    int db = 0;
    QByteArray user;
    QByteArray password;
    bool tls = false;

    // Parses `text`; on failure returns false and sets *error to a sentence that says what is wrong.
    static bool parse(const QString &text, SentinelUri *uri, QString *error);
    // The same URI without its password (the user stays), for showing it once the password has moved to a masked
    // field. Text with no userinfo comes back unchanged.
    static QString withoutPassword(const QString &text);
};
