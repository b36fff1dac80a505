#pragma once

#include <QMetaType>
#include <QString>

// An error as a value: what kind of failure, at which node, during which step.
// toString() gives the line a user reads, e.g.
//   "sentinel 10.0.0.5:26379: AUTH failed: WRONGPASS invalid username-password pair"
class VigilError final
{
public:
    enum class Kind {
        None,
        Usage,          // the caller asked for something impossible (bad option, bad address)
        Unreachable,    // TCP connect refused, host not found
        ConnectionLost, // an established connection was closed by the peer or the network
        Auth,           // AUTH refused, or NOAUTH
        Protocol,       // the peer does not speak RESP, or broke one of our limits
        Tls,            // the TLS handshake failed: a certificate not trusted, expired, for another name, ...
        Timeout,        // connect or command deadline passed
        Server,         // the server answered with an error reply
        Refused,        // refused locally, e.g. a write command on a read-only connection
        Cancelled,      // the operation was cancelled by the user
        OutOfMemory,    // memory for what the server sent could not be allocated
    };

    VigilError() = default;
    VigilError(Kind kind, QString node, QString step, QString message);

    bool isError() const { return m_kind != Kind::None; }
    Kind kind() const { return m_kind; }
    // "role host:port" or "host:port"; may be empty when no node is involved.
    const QString &node() const { return m_node; }
    // The step that failed: "connect", "AUTH", "SELECT 3", "SCAN", ...
    const QString &step() const { return m_step; }
    const QString &message() const { return m_message; }

    QString toString() const;

    static QString kindName(Kind kind);

private:
    Kind m_kind = Kind::None;
    QString m_node;
    QString m_step;
    QString m_message;
};

Q_DECLARE_METATYPE(VigilError)
