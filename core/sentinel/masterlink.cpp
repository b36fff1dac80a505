#include "masterlink.h"

#include "resp/commandpolicy.h"
#include "sentinelwatcher.h"

#include <QTimer>

MasterLink::MasterLink(SentinelWatcher *watcher, ConnectionFactoryPtr connections, QObject *parent)
    : QObject(parent)
    , m_target(watcher->target())
    , m_watcher(watcher)
    , m_connections(std::move(connections))
    , m_master(watcher->currentMaster())
    , m_masterTimeout(new QTimer(this))
{
    m_masterTimeout->setSingleShot(true);
    m_masterTimeout->setInterval(waitForMasterMs);
    connect(m_masterTimeout, &QTimer::timeout, this, [this] {
        failWaiting({VigilError::Kind::Unreachable, QStringLiteral("master '%1'").arg(m_target.masterName),
                     QStringLiteral("find the master"),
                     QStringLiteral("the sentinels have not named the master within %1 s").arg(waitForMasterMs / 1000)});
    });
    connect(watcher, &SentinelWatcher::masterChanged, this, &MasterLink::setMaster);
}

MasterLink::~MasterLink()
{
    // The handlers belong to objects that are being destroyed with us (the key pane's widgets): closing must not
    // call them.
    m_destroying = true;
    drop();
}

void MasterLink::setMaster(const HostPort &master)
{
    if (master == m_master)
        return;
    m_master = master;
    drop();
    m_masterTimeout->stop();
    // A deployment that may write connects at once, so the write probe has answered before the user looks: a user
    // the ACL keeps from writing sees "read-only (by ACL)" from the start, not after a first failed edit.
    if ((!m_waiting.isEmpty() || !m_target.readOnly) && m_master.isValid())
        connectToMaster();
    Q_EMIT masterChanged(master);
}

void MasterLink::drop()
{
    if (!m_connection)
        return;
    RedisConnection *old = m_connection;
    m_connection = nullptr;
    old->disconnect(this);
    old->close(); // pending replies fail with Cancelled and reach their handlers
    old->deleteLater();
}

void MasterLink::send(const RespCommand &command, RedisConnection::ReplyHandler handler)
{
    // A READONLY answer means the node is not the master any more: use a fresh connection next time.
    auto wrapped = [this, command, handler = std::move(handler)](const RespResult &result) {
        if (m_destroying)
            return;
        if (result.value.isError() && result.value.errorCode() == "READONLY")
            drop();
        learn(command, result);
        handler(result);
    };
    if (m_connection && m_connection->isReady()) {
        m_connection->send(command, std::move(wrapped));
        return;
    }
    m_waiting.append({command, std::move(wrapped)});
    if (!m_master.isValid()) {
        // The watcher's first poll has not named the master yet: wait for it, with a bound.
        if (!m_masterTimeout->isActive())
            m_masterTimeout->start();
        return;
    }
    if (!m_connection)
        connectToMaster();
}

int MasterLink::replicaCount() const
{
    if (!m_watcher)
        return 0;
    const TopologySnapshot &snapshot = m_watcher->lastSnapshot();
    if (snapshot.master.address != m_master)
        return 0;
    // The master's own count when it answered; else every replica Sentinel knows, down ones included (a down replica
    // has nothing either, which is what the user should hear).
    return snapshot.master.connectedReplicas >= 0 ? snapshot.master.connectedReplicas : int(snapshot.replicas.size());
}

void MasterLink::sendWrite(const RespCommand &command, WriteHandler handler)
{
    const int replicas = replicaCount();
    if (replicas == 0) {
        send(command, [handler = std::move(handler)](const RespResult &result) { handler({result, 0, -1}); });
        return;
    }
    // Both go into the same queue, in order, so WAIT follows the write on its connection and counts that write.
    auto written = std::make_shared<RespResult>();
    send(command, [written](const RespResult &result) { *written = result; });
    send({"WAIT", "1", QByteArray::number(replicaWaitMs)},
         [written, replicas, handler = std::move(handler)](const RespResult &wait) {
             const bool answered = !wait.error.isError() && wait.value.isInteger();
             handler({*written, replicas, answered ? wait.value.toInteger() : -1});
         });
}

void MasterLink::connectToMaster()
{
    m_connection = m_connections->make(m_target.dataOptions(m_master, QStringLiteral("master")), this);
    connect(m_connection, &RedisConnection::ready, this, &MasterLink::flush);
    connect(m_connection, &RedisConnection::failed, this, [this](const VigilError &error) {
        drop(); // the next command tries again
        failWaiting(error);
    });
    m_connection->open();
}

void MasterLink::learn(const RespCommand &command, const RespResult &result)
{
    if (!Resp::isCommandDenied(result.value) || Resp::isReadOnlyCommand(command) || isWriteDenied())
        return;
    m_writeDenied = tr("this user may not write (ACL): %1")
                        .arg(QString::fromUtf8(RespValue::printable(result.value.toByteArray(), 200)));
    Q_EMIT writeAccessChanged();
}

// Asked once per connection, ahead of everything else on it, so the answer is in before the first reply a view
// waits for. NOPERM for SET means no write command of ours will pass either (edits run SET, EVAL, UNLINK, RENAMENX,
// EXPIRE: a user granted some of them but not SET is found out by their own NOPERM). Any other answer, including
// NOPERM for the key (a key-pattern user), leaves writes on.
void MasterLink::probeWriteAccess()
{
    const RespCommand probe = {"SET", probeKey(), "", "NX", "XX"};
    m_connection->send(probe, [this](const RespResult &result) {
        if (m_destroying || result.error.isError())
            return;
        const bool denied = Resp::isCommandDenied(result.value);
        if (denied == isWriteDenied())
            return;
        m_writeDenied = denied ? tr("this user may not write (ACL)") : QString();
        Q_EMIT writeAccessChanged();
    });
}

bool MasterLink::isRoleVerified() const
{
    if (!m_watcher)
        return true;
    const TopologySnapshot &snapshot = m_watcher->lastSnapshot();
    return snapshot.master.address != m_master || snapshot.master.roleVerified;
}

void MasterLink::flush()
{
    if (!m_target.readOnly)
        probeWriteAccess();
    const QList<Waiting> waiting = std::exchange(m_waiting, {});
    for (const Waiting &w : waiting)
        m_connection->send(w.command, w.handler);
}

void MasterLink::failWaiting(const VigilError &error)
{
    const QList<Waiting> waiting = std::exchange(m_waiting, {});
    for (const Waiting &w : waiting)
        w.handler({{}, error});
}
