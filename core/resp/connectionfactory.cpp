#include "connectionfactory.h"

#include "redisconnection.h"

std::unique_ptr<RedisConnection> ConnectionFactory::make(const ConnectionOptions &options) const
{
    m_made.fetch_add(1, std::memory_order_relaxed);
    return std::make_unique<RedisConnection>(options);
}

RedisConnection *ConnectionFactory::make(const ConnectionOptions &options, QObject *parent) const
{
    m_made.fetch_add(1, std::memory_order_relaxed);
    return new RedisConnection(options, parent);
}
