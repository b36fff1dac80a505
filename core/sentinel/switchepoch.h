#pragma once

#include "hostport.h"

#include <QMutex>

#include <atomic>
#include <memory>

// A counter that the watcher bumps on every master switch, with the address it switched to, readable from any
// thread. A scan reads value() after each round trip: a changed value means "re-resolve before trusting the cursor",
// and master() says where the sentinels moved the master. Copies share one counter.
class SwitchEpoch final
{
public:
    SwitchEpoch()
        : m_shared(std::make_shared<Shared>())
    {
    }

    quint64 value() const { return m_shared->value.load(std::memory_order_acquire); }

    HostPort master() const
    {
        QMutexLocker lock(&m_shared->mutex);
        return m_shared->master;
    }

    quint64 bump(const HostPort &newMaster)
    {
        {
            QMutexLocker lock(&m_shared->mutex);
            m_shared->master = newMaster;
        }
        return m_shared->value.fetch_add(1, std::memory_order_acq_rel) + 1;
    }

private:
    struct Shared
    {
        std::atomic<quint64> value{0};
        QMutex mutex;
        HostPort master;
    };
    std::shared_ptr<Shared> m_shared;
};
