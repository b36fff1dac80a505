#pragma once

#include "connectionoptions.h"
#include "tunnel.h"

#include <QObject>

#include <atomic>
#include <memory>

class RedisConnection;

// The one place where the connections of one deployment are made. Everything that talks to the deployment's nodes,
// on any thread (the watcher and the key pane on the GUI thread, the scan on its worker), asks its factory, so how a
// node is reached (plain TCP or TLS, directly or through the deployment's SSH tunnel) is decided here and nowhere
// else, and a test can count what was made. Thread-safe; shared by the Deployment and the workers it starts, which
// may outlive it briefly. The tunnel (one SSH session) lives as long as the factory.
//
// Test mode: VIGIL_TEST_NO_DIRECT=HOST[,HOST…] makes every direct connection to those hosts fail ("direct connection
// refused"), so a test proves its traffic went through the tunnel. Read here only; nothing else looks at it.
class ConnectionFactory final
{
public:
    ConnectionFactory() = default;
    explicit ConnectionFactory(std::shared_ptr<Tunnel> tunnel);
    Q_DISABLE_COPY_MOVE(ConnectionFactory)

    // A factory of its own, for code that runs without a Deployment (the command-line tools, tests).
    static std::shared_ptr<ConnectionFactory> standalone() { return std::make_shared<ConnectionFactory>(); }

    // For blocking use on the calling thread.
    std::unique_ptr<RedisConnection> make(const ConnectionOptions &options) const;
    // For asynchronous use: a child of `parent`, on parent's thread.
    RedisConnection *make(const ConnectionOptions &options, QObject *parent) const;

    // How many connections this factory made, in total.
    quint64 made() const { return m_made.load(std::memory_order_relaxed); }
    // The tunnel every connection goes through; null for direct connections.
    const std::shared_ptr<Tunnel> &tunnel() const { return m_tunnel; }

private:
    void route(RedisConnection *connection) const;

    mutable std::atomic<quint64> m_made{0};
    const std::shared_ptr<Tunnel> m_tunnel;
};

using ConnectionFactoryPtr = std::shared_ptr<ConnectionFactory>;
