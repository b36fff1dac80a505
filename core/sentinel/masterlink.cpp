#include "masterlink.h"

#include "resp/commandpolicy.h"
#include "resp/infoparser.h"
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
        if (!m_master.isValid()) {
            failWaiting(
                {VigilError::Kind::Unreachable, QStringLiteral("master '%1'").arg(m_target.masterName),
                 QStringLiteral("find the master"),
                 QStringLiteral("the sentinels have not named the master within %1 s").arg(waitForMasterMs / 1000)});
        } else if (!isConfirmed()) {
            failWaiting(notConfirmedError());
        }
    });
    connect(watcher, &SentinelWatcher::masterChanged, this, &MasterLink::setMaster);
    connect(watcher, &SentinelWatcher::masterConfirmationChanged, this, &MasterLink::handleConfirmation);
    connect(watcher, &SentinelWatcher::snapshotUpdated, this, &MasterLink::learnReplicas);
    learnReplicas(watcher->lastSnapshot());
}

MasterLink::~MasterLink()
{
    // The handlers belong to objects that are being destroyed with us (the key pane's widgets): closing must not
    // call them.
    m_destroying = true;
    drop();
}

bool MasterLink::isConfirmed() const
{
    return m_master.isValid() && (isTrusted() || (m_watcher && m_watcher->confirmedMaster() == m_master));
}

void MasterLink::trust(const HostPort &master)
{
    if (master != m_master || isTrusted())
        return;
    m_trusted = master;
    handleConfirmation();
}

VigilError MasterLink::notConfirmedError() const
{
    const QString why = m_watcher ? m_watcher->lastSnapshot().confirmationText() : QString();
    return {VigilError::Kind::Unreachable, QStringLiteral("master %1").arg(m_master.toString()),
            QStringLiteral("confirm the master"),
            QStringLiteral("the sentinels have not confirmed this master within %1 s%2, so nothing was sent to it; to "
                           "send anyway, trust it on the Deployment tab")
                .arg(waitForMasterMs / 1000)
                .arg(why.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(why))};
}

// Only where the password may go; at once when there is something to send, or to learn the write access early.
bool MasterLink::mayConnect() const
{
    return isConfirmed() && !m_connection && (!m_waiting.isEmpty() || !m_target.readOnly);
}

void MasterLink::setMaster(const HostPort &master)
{
    if (master == m_master)
        return;
    m_master = master;
    m_trusted = {};
    m_replicas = -1;
    if (m_watcher)
        learnReplicas(m_watcher->lastSnapshot());
    drop();
    m_masterTimeout->stop();
    // A deployment that may write connects at once, so the write probe has answered before the user looks: a user
    // the ACL keeps from writing sees "read-only (by ACL)" from the start, not after a first failed edit.
    if (mayConnect())
        connectToMaster();
    else if (!m_waiting.isEmpty())
        m_masterTimeout->start();
    Q_EMIT masterChanged(master);
    Q_EMIT confirmationChanged();
}

void MasterLink::handleConfirmation()
{
    if (isConfirmed()) {
        m_masterTimeout->stop();
        if (mayConnect())
            connectToMaster();
        else if (m_connection && m_connection->isReady() && m_roleChecked)
            flush();
    } else if (!m_waiting.isEmpty() && !m_masterTimeout->isActive()) {
        m_masterTimeout->start();
    }
    Q_EMIT confirmationChanged();
}

void MasterLink::drop()
{
    if (!m_connection)
        return;
    RedisConnection *old = m_connection;
    m_connection = nullptr;
    m_roleChecked = false;
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
    // In order: nothing overtakes a command that waits. A read may go to a master the sentinels stopped agreeing on
    // after it was confirmed (the password is there already); a write waits for them, or for the user.
    if (m_connection && m_connection->isReady() && m_roleChecked && m_waiting.isEmpty()
        && (Resp::isReadOnlyCommand(command) || isConfirmed())) {
        m_connection->send(command, std::move(wrapped));
        return;
    }
    m_waiting.append({command, std::move(wrapped)});
    if (!isConfirmed()) {
        // The watcher's first poll has not named the master yet, or the sentinels disagree: wait, with a bound.
        if (!m_masterTimeout->isActive())
            m_masterTimeout->start();
        return;
    }
    if (!m_connection)
        connectToMaster();
}

void MasterLink::learnReplicas(const TopologySnapshot &snapshot)
{
    if (!m_master.isValid() || snapshot.master.address != m_master)
        return;
    // The master's own count when it answered; else every replica Sentinel knows, down ones included (a down replica
    // has nothing either, which is what the user should hear). An empty list is no answer: Sentinel keeps the
    // replicas it has seen, and a poll whose SENTINEL REPLICAS failed lists none.
    if (snapshot.master.connectedReplicas >= 0)
        m_replicas = snapshot.master.connectedReplicas;
    else if (!snapshot.replicas.isEmpty())
        m_replicas = int(snapshot.replicas.size());
}

void MasterLink::sendWrite(const RespCommand &command, WriteHandler handler)
{
    if (m_replicas == 0) {
        send(command, [handler = std::move(handler)](const RespResult &result) { handler({result, 0, -1, {}}); });
        return;
    }
    // Both go into the same queue, in order, so WAIT follows the write on its connection and counts that write. When
    // the count is not known yet (no poll has described this master, and the connection has not asked ROLE), WAIT
    // goes anyway: without replicas it costs replicaWaitMs, but a write the replicas may not have is never reported
    // as safe.
    auto written = std::make_shared<RespResult>();
    send(command, [written](const RespResult &result) { *written = result; });
    send({"WAIT", "1", QByteArray::number(replicaWaitMs)}, [this, written,
                                                            handler = std::move(handler)](const RespResult &wait) {
        const bool answered = !wait.error.isError() && wait.value.isInteger();
        if (answered && m_replicas == 0) {
            handler({*written, 0, -1, {}}); // learned meanwhile (the connection's ROLE): there was nothing to wait for
            return;
        }
        QString problem;
        if (wait.error.isError())
            problem = wait.error.toString();
        else if (!answered)
            problem = QStringLiteral("WAIT answered %1").arg(QString::fromUtf8(wait.value.toDisplayString()));
        handler({*written, m_replicas, answered ? wait.value.toInteger() : -1, problem});
    });
}

void MasterLink::connectToMaster()
{
    m_connection = m_connections->make(m_target.dataOptions(m_master, QStringLiteral("master")), this);
    m_roleChecked = false;
    connect(m_connection, &RedisConnection::ready, this, [this] { checkRole("ROLE"); });
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

// The first thing on every new connection: is this node the master? ROLE, else INFO replication's role line; a user
// the ACL refuses both is taken at the sentinels' word (the Deployment tab says so).
void MasterLink::checkRole(const QByteArray &command)
{
    const RespCommand ask = command == "ROLE" ? RespCommand{"ROLE"} : RespCommand{"INFO", "replication"};
    m_connection->send(ask, [this, command, connection = m_connection](const RespResult &result) {
        if (m_destroying || connection != m_connection || result.error.isError())
            return; // a failed connection reports itself through failed()
        if (Resp::isCommandDenied(result.value)) {
            if (command == "ROLE")
                checkRole("INFO");
            else
                handleRole({}, -1);
            return;
        }
        if (command == "ROLE") {
            // A master's ROLE: "master", its offset, and one entry for each replica connected to it.
            const RespValue &value = result.value;
            const bool listed = value.size() >= 3 && value.at(2).isArray();
            handleRole(value.size() > 0 ? value.at(0).toByteArray() : value.toByteArray(),
                       listed ? int(value.at(2).size()) : -1);
        } else {
            const QByteArray info = result.value.toByteArray();
            bool ok = false;
            const int connected = InfoParser::field(info, "connected_slaves").toInt(&ok);
            handleRole(InfoParser::field(info, "role"), ok ? connected : -1);
        }
    });
}

void MasterLink::handleRole(const QByteArray &role, int replicas)
{
    if (role.isEmpty() || role == "master") {
        m_roleChecked = true;
        if (replicas >= 0)
            m_replicas = replicas;
        if (!m_target.readOnly)
            probeWriteAccess();
        flush();
        return;
    }
    // Sentinel named it, but the node says otherwise: a failover is on its way, and the sentinels will name the new
    // master in a moment. Nothing of the user's goes to it.
    const VigilError error(VigilError::Kind::Server, m_connection->nodeName(), QStringLiteral("check the role"),
                           QStringLiteral("it says it is a %1, not the master: a failover is under way. Try again in a "
                                          "moment")
                               .arg(QString::fromUtf8(RespValue::printable(role, 40))));
    drop();
    failWaiting(error);
    if (m_watcher)
        m_watcher->pollNow();
}

// Sends what waits, in order, up to the first write the sentinels have not confirmed (it and what follows wait on).
void MasterLink::flush()
{
    if (!m_connection || !m_connection->isReady() || !m_roleChecked)
        return;
    while (!m_waiting.isEmpty()) {
        if (!Resp::isReadOnlyCommand(m_waiting.first().command) && !isConfirmed()) {
            if (!m_masterTimeout->isActive())
                m_masterTimeout->start();
            return;
        }
        const Waiting w = m_waiting.takeFirst();
        m_connection->send(w.command, w.handler);
    }
}

void MasterLink::failWaiting(const VigilError &error)
{
    const QList<Waiting> waiting = std::exchange(m_waiting, {});
    for (const Waiting &w : waiting)
        w.handler({{}, error});
}
