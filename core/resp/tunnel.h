#pragma once

#include "common/vigilerror.h"

#include <QString>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

// One stream to host:port that a tunnel opens on a thread of its own (an SSH direct-tcpip channel). The connection
// gets one end of a local socket pair and wraps it like any other socket, so the RESP code never learns what is
// behind it. Thread-safe: the tunnel completes it, the connection waits for it or is told.
class TunnelRequest final
{
public:
    TunnelRequest(QString host, quint16 port);
    ~TunnelRequest(); // closes a socket nobody took
    Q_DISABLE_COPY_MOVE(TunnelRequest)

    const QString &host() const { return m_host; }
    quint16 port() const { return m_port; }

    // Called on the tunnel's thread, once, right after complete(); set it before handing the request to the tunnel.
    // Setting an empty function later (the connection going away) waits for a call under way to end.
    void setNotify(std::function<void()> notify);
    // The tunnel's side: the socket (-1 on failure) and the error. An error with no node is the channel's own
    // ("channel to 10.0.0.5:6379 through bastion:22 refused"); the connection names itself in it.
    void complete(int fd, const VigilError &error);

    bool isDone() const;
    // Blocks until complete() or `timeoutMs`; true when done.
    bool wait(int timeoutMs);
    // After isDone(): the socket, once (-1 on failure or when taken already), and the error.
    int takeFd();
    VigilError error() const;

private:
    const QString m_host;
    const quint16 m_port;
    mutable std::mutex m_mutex;
    std::condition_variable m_done;
    std::function<void()> m_notify;
    bool m_completed = false;
    int m_fd = -1;
    VigilError m_error;
};

// What opens those streams: one per deployment (the SSH session), shared by the deployment's connection factory and
// handed to each connection it makes. Thread-safe.
class Tunnel
{
public:
    virtual ~Tunnel() = default;

    // Opens a stream to the request's host and port, as seen from the far end, and completes the request.
    virtual void open(const std::shared_ptr<TunnelRequest> &request) = 0;
    // How long opening a stream may take: longer while the tunnel itself is still to be set up.
    virtual int openTimeoutMs(int connectTimeoutMs) const = 0;
    // "127.0.0.1:2222", for errors and the status bar.
    virtual QString hop() const = 0;
};
