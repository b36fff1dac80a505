#pragma once

#include "sentinel/topologysnapshot.h"

#include <QSet>
#include <QWidget>

// The live topology, painted: sentinels on top, the master in the middle, replicas below; replication edges from the
// master to each replica, monitoring edges from each sentinel to the master it believes in. Every state has a colour
// and a word (or symbol), never a colour alone, and red is kept for a fault the user should act on: a node that has
// not answered yet is "connecting…" in grey, a replica Sentinel reconfigures during (and just after) a failover is
// "re-syncing" in amber, and a sentinel that names another master then (the old one, or already the new one) "says"
// it with "(failover under way)", in amber too. The
// quorum and CKQUORUM's answer are written under the diagram.
//
// A screen reader gets the same words: the accessible description is the summary and one line a node, kept up to
// date, and a tooltip over a node shows its lines in full.
class TopologyView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopologyView)

public:
    // How a node is drawn: the colour follows the state, and only Fault is red.
    enum class State { Good, Connecting, Settling, Warning, Fault };
    Q_ENUM(State)

    explicit TopologyView(QWidget *parent = nullptr);

    void setSnapshot(const TopologySnapshot &snapshot);
    // A switch heard on pub/sub: shown at once, before the next poll confirms it.
    void noteMasterSwitched(const HostPort &oldMaster, const HostPort &newMaster);
    void setSentinelReachable(const HostPort &sentinel, bool reachable);
    // Whether a deployment is being watched at all: until then the view says it is not connected.
    void setWatching(bool watching);
    // What the view says before the first snapshot: what it waits for, and why it has none yet.
    void setWaitingText(const QString &text);

    // What the diagram says, one line a node ("master 127.0.0.1:6379 · ✓ up · ..."), for tests and accessibility.
    QStringList nodeTexts() const;
    // The nodes drawn in red, as nodeTexts() words them: what the user is told to act on.
    QStringList alarms() const;
    // How the node at this address is drawn (the first box with it; Connecting when there is none).
    State stateOf(const HostPort &address) const;
    QString quorumText() const;
    // The quorum line as drawn at the current width: quorumText() wrapped at word boundaries, never elided.
    QStringList quorumLines() const;
    // The colour a state is drawn in (its box's stripe and border, and its first line), on this widget's palette.
    QColor colourOf(State state) const;
    // Where a node's box is drawn at the current size (empty when it is not drawn), for tests and tooltips.
    QRect nodeRect(const HostPort &address) const;

    QSize sizeHint() const override { return {480, 300}; }
    QSize minimumSizeHint() const override { return {300, 220}; }

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    struct Box
    {
        QString title; // "master", "replica", "sentinel"
        HostPort node;
        QString address;
        QStringList lines; // the first one is the state, in words
        State state = State::Good;
        int row = 0; // 0 sentinels, 1 master, 2 replicas
    };
    QList<Box> masterBoxes() const;
    QList<Box> replicaBoxes() const;
    QList<Box> sentinelBoxes() const;
    QList<Box> boxes() const; // sentinels, master, replicas: the order of nodeTexts()
    QList<QRect> layout(const QList<Box> &boxes) const;
    static QString text(const Box &box);
    int quorumHeight() const;
    void stateChanged();

    TopologySnapshot m_snapshot;
    HostPort m_switchedTo; // from +switch-master, until a poll agrees
    QSet<HostPort> m_unreachable;
    QSet<HostPort> m_subscribed; // sentinels whose event link is up: reachable, even before their first answer
    bool m_watching = false;
    QString m_waitingText;
};
