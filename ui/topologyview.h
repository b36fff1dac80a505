#pragma once

#include "sentinel/topologysnapshot.h"

#include <QSet>
#include <QWidget>

// The live topology, painted: sentinels on top, the master in the middle, replicas below; replication edges from the
// master to each replica, monitoring edges from each sentinel to the master it believes in. Every state has a colour
// and a word (or symbol), never a colour alone. Sentinels that disagree about the master are drawn in red with
// "disagrees". The quorum and CKQUORUM's answer are written under the diagram.
class TopologyView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopologyView)

public:
    explicit TopologyView(QWidget *parent = nullptr);

    void setSnapshot(const TopologySnapshot &snapshot);
    // A switch heard on pub/sub: shown at once, before the next poll confirms it.
    void noteMasterSwitched(const HostPort &oldMaster, const HostPort &newMaster);
    void setSentinelReachable(const HostPort &sentinel, bool reachable);
    // Whether a deployment is being watched at all: until then the view says it is not connected.
    void setWatching(bool watching);

    // What the diagram says, one line a node ("master 127.0.0.1:6379 · up ..."), for tests and accessibility.
    QStringList nodeTexts() const;
    QString quorumText() const;

    QSize sizeHint() const override { return {560, 360}; }
    QSize minimumSizeHint() const override { return {360, 260}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Box
    {
        QString title; // "master", "replica", "sentinel"
        QString address;
        QStringList lines;
        QColor colour; // state colour, always paired with a word in lines
        bool problem = false;
    };
    QList<Box> masterBoxes() const;
    QList<Box> replicaBoxes() const;
    QList<Box> sentinelBoxes() const;

    TopologySnapshot m_snapshot;
    HostPort m_switchedTo; // from +switch-master, until a poll agrees
    QSet<HostPort> m_unreachable;
    bool m_watching = false;
};
