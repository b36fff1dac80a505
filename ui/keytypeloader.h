#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QSet>

class KeyTreeModel;
class MasterLink;
class QTimer;
class QTreeView;

// Loads the types of the keys in view, for their badges, and of no other key.
//
// When rows come into view (the tree scrolls, is resized or expanded, rows are inserted or re-sorted), a short
// single-shot timer gathers the visible key rows whose type the model does not know and sends one pipelined TYPE
// round for them on the deployment's MasterLink (the connection the key pane uses): at most maxBatch keys, one round
// in flight at a time; what comes into view meanwhile waits for the next round. Nothing is asked on paint. Under a
// scan filtered by type (SCAN … TYPE), the model already knows every key's type, and nothing is sent at all.
// A key TYPE finds gone ("none") is struck out as gone; a key the server refuses (an ACL) is not asked again until
// the next scan.
class KeyTypeLoader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyTypeLoader)

public:
    static constexpr int maxBatch = 200;
    static constexpr int settleMs = 50; // at most one round started per this while the tree scrolls

    KeyTypeLoader(QTreeView *view, KeyTreeModel *model, QObject *parent = nullptr);
    ~KeyTypeLoader() override;

    void setLink(MasterLink *link);
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    // Asks for the types of the rows in view soon (coalesced).
    void schedule();
    // A round is due or in flight.
    bool isLoading() const;
    // How many TYPE commands were sent, and in how many rounds (the benchmark and the tests read them).
    qint64 typesRequested() const { return m_requested; }
    qint64 rounds() const { return m_rounds; }

Q_SIGNALS:
    // A round's replies are all in (and in the model).
    void roundFinished();

private:
    void load();
    QList<QByteArray> visibleKeysWithoutType();

    QTreeView *m_view;
    KeyTreeModel *m_model;
    QPointer<MasterLink> m_link;
    QTimer *m_timer;
    bool m_enabled = true;
    int m_outstanding = 0;      // TYPE replies still to come for the round in flight
    bool m_again = false;       // rows came into view while a round was in flight
    QSet<QByteArray> m_refused; // keys whose TYPE failed: not asked again until the model is cleared
    qint64 m_requested = 0;
    qint64 m_rounds = 0;
};
