#pragma once

#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"

#include <QTcpServer>
#include <QtGlobal>

#include <memory>

// The sandbox of a test case, shared by the integration and GUI tests: started in initTestCase and stopped with the
// test object, through the same Sandbox code the demo uses. A missing redis-server or redis-sentinel is a failure,
// never a skip. Failures print why and return null or false, for the caller to QVERIFY.
namespace SandboxFixture {

// Distinct loopback ports that nobody listens on (closed again when the servers go out of scope).
inline QList<quint16> closedPorts(int count)
{
    QList<std::shared_ptr<QTcpServer>> servers;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        auto server = std::make_shared<QTcpServer>();
        server->listen(QHostAddress::LocalHost, 0);
        ports.append(server->serverPort());
        servers.append(server);
    }
    return ports;
}

inline std::unique_ptr<Sandbox> start(const SandboxOptions &options)
{
    auto sandbox = std::make_unique<Sandbox>(options);
    if (const VigilError error = sandbox->start(); error.isError()) {
        qWarning("the sandbox did not start: %s", qPrintable(error.toString()));
        return nullptr;
    }
    return sandbox;
}

inline std::unique_ptr<Sandbox> start(qint64 keys, const QString &masterName = QStringLiteral("vigil"))
{
    SandboxOptions options;
    options.keys = keys;
    options.masterName = masterName;
    return start(options);
}

// After a fault: restarts what was stopped and waits until the sentinels agree again, so the next test starts whole.
inline bool settle(Sandbox &sandbox, int timeoutMs = 90000)
{
    if (const VigilError error = sandbox.restoreAndSettle(timeoutMs); error.isError()) {
        qWarning("the sandbox did not settle: %s", qPrintable(error.toString()));
        return false;
    }
    return true;
}

// One command on the current master, over a connection of its own (the value is nil when it cannot be reached).
inline RespValue onMaster(const Sandbox &sandbox, const RespCommand &command)
{
    RedisConnection master(sandbox.dataOptions(sandbox.currentMasterPort()));
    if (const VigilError error = master.openBlocking(); error.isError()) {
        qWarning("%s", qPrintable(error.toString()));
        return {};
    }
    return master.execute(command).value;
}

} // namespace SandboxFixture
