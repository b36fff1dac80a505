#include "keytypeloader.h"

#include "keytreemodel.h"
#include "sentinel/masterlink.h"

#include <QScrollBar>
#include <QTimer>
#include <QTreeView>

KeyTypeLoader::KeyTypeLoader(QTreeView *view, KeyTreeModel *model, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_model(model)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(settleMs);
    connect(m_timer, &QTimer::timeout, this, &KeyTypeLoader::load);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, &KeyTypeLoader::schedule);
    connect(m_view, &QTreeView::expanded, this, &KeyTypeLoader::schedule);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &KeyTypeLoader::schedule);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &KeyTypeLoader::schedule);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &KeyTypeLoader::schedule);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_refused.clear();
        schedule();
    });
}

KeyTypeLoader::~KeyTypeLoader() = default;

bool KeyTypeLoader::isLoading() const
{
    return m_outstanding > 0 || m_timer->isActive();
}

void KeyTypeLoader::setLink(MasterLink *link)
{
    m_link = link;
    schedule();
}

void KeyTypeLoader::setEnabled(bool enabled)
{
    m_enabled = enabled;
    if (enabled)
        schedule();
}

void KeyTypeLoader::schedule()
{
    // Not restarted by each call: while the tree scrolls, a round starts every settleMs at most, not only at the end.
    if (m_enabled && m_link && !m_timer->isActive())
        m_timer->start();
}

QList<QByteArray> KeyTypeLoader::visibleKeysWithoutType()
{
    QList<QByteArray> keys;
    if (m_view->model() != m_model) // the tree of missing keys: struck out, no badges
        return keys;
    const int bottom = m_view->viewport()->height();
    const QByteArray listed = m_model->listedType();
    for (QModelIndex index = m_view->indexAt(QPoint(0, 0)); index.isValid() && keys.size() < maxBatch;
         index = m_view->indexBelow(index)) {
        if (m_view->visualRect(index).top() >= bottom)
            break;
        if (index.data(KeyTreeModel::IsNamespaceRole).toBool() || index.data(KeyTreeModel::IsMoreRole).toBool()
            || index.data(KeyTreeModel::IsMissingRole).toBool()
            || index.data(KeyTreeModel::IsNotPermittedRole).toBool())
            continue;
        const QByteArray key = index.data(KeyTreeModel::KeyBytesRole).toByteArray();
        if (!m_model->keyType(key).isEmpty() || m_refused.contains(key))
            continue;
        if (!listed.isEmpty()) {
            // SCAN … TYPE said it: remembered for this key, so a rescan of all types shows it at once.
            m_model->setKeyType(key, listed);
            continue;
        }
        keys.append(key);
    }
    return keys;
}

void KeyTypeLoader::load()
{
    if (!m_enabled || !m_link)
        return;
    if (m_outstanding > 0) {
        m_again = true;
        return;
    }
    const QList<QByteArray> keys = visibleKeysWithoutType();
    if (keys.isEmpty())
        return;
    ++m_rounds;
    m_outstanding = static_cast<int>(keys.size());
    m_requested += keys.size();
    // Sent back to back on one connection: one pipelined round trip for the whole view.
    for (const QByteArray &key : keys) {
        m_link->send({"TYPE", key}, [self = QPointer<KeyTypeLoader>(this), this, key](const RespResult &r) {
            if (!self)
                return;
            if (r.ok() && r.value.isString()) {
                const QByteArray type = r.value.toByteArray();
                if (type == "none")
                    m_model->markGone(key);
                else
                    m_model->setKeyType(key, type);
            } else if (!r.error.isError()) {
                m_refused.insert(key); // the server said no (an ACL): asking again would get the same answer
            }                          // a lost connection: the next round asks again
            if (--m_outstanding > 0)
                return;
            Q_EMIT roundFinished();
            if (m_again) {
                m_again = false;
                schedule();
            }
        });
    }
}
