#include "vigilerror.h"

VigilError::VigilError(Kind kind, QString node, QString step, QString message)
    : m_kind(kind)
    , m_node(std::move(node))
    , m_step(std::move(step))
    , m_message(std::move(message))
{
}

QString VigilError::toString() const
{
    if (!isError())
        return {};
    QString text;
    if (!m_node.isEmpty())
        text += m_node + QStringLiteral(": ");
    if (!m_step.isEmpty())
        text += m_step + QStringLiteral(" failed: ");
    text += m_message;
    return text;
}

QString VigilError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Usage:
        return QStringLiteral("usage");
    case Kind::Unreachable:
        return QStringLiteral("unreachable");
    case Kind::ConnectionLost:
        return QStringLiteral("connection lost");
    case Kind::Auth:
        return QStringLiteral("auth");
    case Kind::Protocol:
        return QStringLiteral("protocol");
    case Kind::Tls:
        return QStringLiteral("tls");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Server:
        return QStringLiteral("server");
    case Kind::Refused:
        return QStringLiteral("refused");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    case Kind::OutOfMemory:
        return QStringLiteral("out of memory");
    }
    return QStringLiteral("unknown");
}
