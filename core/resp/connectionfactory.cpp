#include "connectionfactory.h"

#include "redisconnection.h"

namespace {
// Test mode: a "tunnel" that refuses, so a direct connection to a host the test walled off fails in words.
class RefusingTunnel final : public Tunnel
{
public:
    void open(const std::shared_ptr<TunnelRequest> &request) override
    {
        request->complete(
            -1,
            {VigilError::Kind::Unreachable,
             {},
             {},
             QStringLiteral("direct connection to %1 refused (test mode: VIGIL_TEST_NO_DIRECT)").arg(request->host())});
    }
    int openTimeoutMs(int connectTimeoutMs) const override { return connectTimeoutMs; }
    QString hop() const override { return QStringLiteral("nowhere"); }
};

bool directRefused(const QString &host)
{
    const QByteArray hosts = qgetenv("VIGIL_TEST_NO_DIRECT");
    return !hosts.isEmpty() && QString::fromLocal8Bit(hosts).split(QLatin1Char(',')).contains(host);
}
} // namespace

ConnectionFactory::ConnectionFactory(std::shared_ptr<Tunnel> tunnel)
    : m_tunnel(std::move(tunnel))
{
}

void ConnectionFactory::route(RedisConnection *connection) const
{
    if (m_tunnel)
        connection->setTunnel(m_tunnel);
    else if (directRefused(connection->options().host))
        connection->setTunnel(std::make_shared<RefusingTunnel>());
}

std::unique_ptr<RedisConnection> ConnectionFactory::make(const ConnectionOptions &options) const
{
    m_made.fetch_add(1, std::memory_order_relaxed);
    auto connection = std::make_unique<RedisConnection>(options);
    route(connection.get());
    return connection;
}

RedisConnection *ConnectionFactory::make(const ConnectionOptions &options, QObject *parent) const
{
    m_made.fetch_add(1, std::memory_order_relaxed);
    auto *connection = new RedisConnection(options, parent);
    route(connection);
    return connection;
}
