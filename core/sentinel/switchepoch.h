#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>

// A counter that the watcher bumps on every master switch, readable from any thread. A scan reads it after each
// round trip: a changed value means "re-resolve before trusting the cursor". Copies share one counter.
class SwitchEpoch final
{
public:
    SwitchEpoch()
        : m_value(std::make_shared<std::atomic<quint64>>(0))
    {
    }

    quint64 value() const { return m_value->load(std::memory_order_acquire); }
    quint64 bump() { return m_value->fetch_add(1, std::memory_order_acq_rel) + 1; }

private:
    std::shared_ptr<std::atomic<quint64>> m_value;
};
