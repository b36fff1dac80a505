#pragma once

#include "common/workerthread.h"

#include <QByteArray>
#include <QTcpServer>
#include <QTcpSocket>

// A TCP server on its own thread that answers every client with the same canned bytes, once it has read something
// (or at once, with greet). It stands in for a peer that does not speak RESP, or speaks it with hostile intent.
class FakeServer final : public QTcpServer
{
    Q_OBJECT

public:
    explicit FakeServer(QByteArray reply, bool greet = false)
        : m_reply(std::move(reply))
        , m_greet(greet)
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, &FakeServer::handleNewConnection);
    }

private:
    void handleNewConnection()
    {
        while (QTcpSocket *socket = nextPendingConnection()) {
            if (m_greet)
                socket->write(m_reply);
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                socket->readAll();
                socket->write(m_reply);
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    QByteArray m_reply;
    bool m_greet;
};

// Owns a FakeServer running on a thread of its own, so blocking clients in the test thread can talk to it.
class FakeServerThread final
{
public:
    explicit FakeServerThread(const QByteArray &reply, bool greet = false)
    {
        auto *server = new FakeServer(reply, greet);
        m_port = server->serverPort();
        m_thread.start(server);
    }
    quint16 port() const { return m_port; }

private:
    WorkerThread m_thread{QStringLiteral("fake-server")};
    quint16 m_port = 0;
};
