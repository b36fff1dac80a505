#include "tunnel.h"

#include <chrono>
#include <unistd.h>

TunnelRequest::TunnelRequest(QString host, quint16 port)
    : m_host(std::move(host))
    , m_port(port)
{
}

TunnelRequest::~TunnelRequest()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void TunnelRequest::setNotify(std::function<void()> notify)
{
    const std::lock_guard lock(m_mutex);
    m_notify = std::move(notify);
}

void TunnelRequest::complete(int fd, const VigilError &error)
{
    const std::lock_guard lock(m_mutex);
    if (m_completed) {
        if (fd >= 0)
            ::close(fd);
        return;
    }
    m_completed = true;
    m_fd = fd;
    m_error = error;
    m_done.notify_all();
    // Under the lock, so a connection that clears the notification is never called after it went away.
    if (m_notify)
        m_notify();
}

bool TunnelRequest::isDone() const
{
    const std::lock_guard lock(m_mutex);
    return m_completed;
}

bool TunnelRequest::wait(int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    return m_done.wait_for(lock, std::chrono::milliseconds(qMax(0, timeoutMs)), [this] { return m_completed; });
}

int TunnelRequest::takeFd()
{
    const std::lock_guard lock(m_mutex);
    return std::exchange(m_fd, -1);
}

VigilError TunnelRequest::error() const
{
    const std::lock_guard lock(m_mutex);
    return m_error;
}
