#include "topologyview.h"

#include <QAccessible>
#include <QFontMetrics>
#include <QTest>

// The diagram's words and colours for the states a watcher reports, without a sandbox: a sentinel that has not
// answered yet is "connecting…" and no alarm, a failed one is; a replica Sentinel re-syncs after a failover is no
// alarm, a replica it flags down is; a sentinel that names another master during a failover is no alarm, one
// that disagrees otherwise is. The accessible description says the same, and every address fits its box.
class TestTopologyView final : public QObject
{
    Q_OBJECT

private:
    using Reach = TopologySnapshot::Sentinel::Reach;

    static HostPort node(quint16 port) { return {QStringLiteral("127.0.0.1"), port}; }

    static TopologySnapshot::Sentinel sentinel(quint16 port, Reach reach, const HostPort &says = {})
    {
        TopologySnapshot::Sentinel s;
        s.address = node(port);
        s.reach = reach;
        s.flags = "sentinel";
        s.reportedMaster = says;
        s.lastOkPingMs = reach == Reach::Answered ? 100 : -1;
        return s;
    }

    static TopologySnapshot::Replica replica(quint16 port, const QByteArray &flags, const QByteArray &link,
                                             bool resyncing = false)
    {
        TopologySnapshot::Replica r;
        r.address = node(port);
        r.flags = flags;
        r.masterLinkStatus = link;
        r.resyncing = resyncing;
        r.priority = 100;
        r.lastOkPingMs = 200;
        return r;
    }

    // A sandbox-like deployment: master 41643, replicas 34755 and 32889, sentinels 35791, 43001 and 41133.
    static TopologySnapshot snapshot()
    {
        TopologySnapshot s;
        s.masterName = "vigil";
        s.master.address = node(41643);
        s.master.flags = "master";
        s.master.quorum = 2;
        s.quorumOk = true;
        s.quorumText = "OK 3 usable Sentinels";
        s.sentinels = {sentinel(35791, Reach::Answered, node(41643)), sentinel(43001, Reach::Answered, node(41643)),
                       sentinel(41133, Reach::Answered, node(41643))};
        s.replicas = {replica(34755, "slave", "ok"), replica(32889, "slave", "ok")};
        return s;
    }

    static QString lineOf(const TopologyView &view, const QString &prefix)
    {
        for (const QString &text : view.nodeTexts())
            if (text.startsWith(prefix))
                return text;
        return {};
    }

private Q_SLOTS:
    // The first second after a launch: one sentinel answered, two are still being connected to.
    void aSentinelNotAnsweredYetIsConnecting()
    {
        TopologyView view;
        view.setWatching(true);
        TopologySnapshot s = snapshot();
        s.sentinels[1] = sentinel(43001, Reach::Connecting);
        s.sentinels[2] = sentinel(41133, Reach::Connecting);
        view.setSnapshot(s);
        QVERIFY2(view.alarms().isEmpty(), qPrintable(view.alarms().join(QLatin1Char('\n'))));
        QCOMPARE(lineOf(view, QStringLiteral("sentinel 127.0.0.1:43001")),
                 QStringLiteral("sentinel 127.0.0.1:43001 · … connecting…"));
        QCOMPARE(view.stateOf(node(43001)), TopologyView::State::Connecting);
        QCOMPARE(view.stateOf(node(35791)), TopologyView::State::Good);
        // Its event link came up first: reachable, its answer to come.
        view.setSentinelReachable(node(41133), true);
        QCOMPARE(lineOf(view, QStringLiteral("sentinel 127.0.0.1:41133")),
                 QStringLiteral("sentinel 127.0.0.1:41133 · ✓ reachable · waiting for its answer"));

        // One that failed is the alarm, with why.
        s.sentinels[1] = sentinel(43001, Reach::Failed);
        s.sentinels[1].error = QStringLiteral("sentinel 127.0.0.1:43001: connect: Connection refused");
        view.setSnapshot(s);
        QCOMPARE(view.alarms(),
                 QStringList{QStringLiteral("sentinel 127.0.0.1:43001 · ✗ unreachable · sentinel 127.0.0.1:43001: "
                                            "connect: Connection refused")});
        QCOMPARE(view.stateOf(node(43001)), TopologyView::State::Fault);
        // A lost event link is an alarm too, until the sentinel answers again.
        s.sentinels[1] = sentinel(43001, Reach::Answered, node(41643));
        view.setSnapshot(s);
        QVERIFY(view.alarms().isEmpty());
        view.setSentinelReachable(node(35791), false);
        QCOMPARE(view.stateOf(node(35791)), TopologyView::State::Fault);
    }

    void aReplicaReSyncingAfterAFailoverIsNoAlarm()
    {
        TopologyView view;
        view.setWatching(true);
        TopologySnapshot s = snapshot();
        s.settling = true;
        // What Sentinel reports for a second after the switch: a fresh replica entry it has no link to yet.
        s.replicas = {replica(34755, "slave,disconnected", "err", true), replica(32889, "slave", "err", true)};
        view.setSnapshot(s);
        QVERIFY2(view.alarms().isEmpty(), qPrintable(view.alarms().join(QLatin1Char('\n'))));
        QVERIFY(lineOf(view, QStringLiteral("replica 127.0.0.1:34755 · ⟳ re-syncing after the failover")).size());
        QCOMPARE(view.stateOf(node(34755)), TopologyView::State::Settling);

        // Sentinel's own word that it is down is a fault, failover or not.
        s.replicas[0] = replica(34755, "slave,s_down,disconnected", "err");
        view.setSnapshot(s);
        QCOMPARE(view.stateOf(node(34755)), TopologyView::State::Fault);
        // Once the sentinel itself flags it down, its last-ok-ping figure is how long the node has not answered.
        QCOMPARE(lineOf(view, QStringLiteral("replica 127.0.0.1:34755")),
                 QStringLiteral("replica 127.0.0.1:34755 · ✗ down (slave,s_down,disconnected) · no reply for 200 ms · "
                                "priority 100"));

        // The killed old master, listed as a replica the polled sentinel has not judged yet, that another sentinel
        // already said is down (+sdown on pub/sub): down, and the alarm says who said so; never re-syncing. Sentinel
        // listed it anew at the switch, so its last-ok-ping counts from then: no "ping 200 ms ago" for a dead node.
        s.replicas[0] = replica(34755, "slave,disconnected", "err", true);
        s.replicas[0].downSaidBy = {node(43001)};
        view.setSnapshot(s);
        QCOMPARE(view.stateOf(node(34755)), TopologyView::State::Fault);
        QCOMPARE(view.alarms(), QStringList{QStringLiteral("replica 127.0.0.1:34755 · ✗ down (+sdown) · said by "
                                                           "127.0.0.1:43001 · priority 100")});
        s.replicas[0].downSaidBy = {node(43001), node(41133)};
        view.setSnapshot(s);
        QVERIFY(lineOf(view, QStringLiteral("replica 127.0.0.1:34755 · ✗ down (+sdown) · said by 2 sentinels")).size());

        // Outside a failover, a replica Sentinel has no link to yet is connecting; one whose link is down a warning.
        s.settling = false;
        s.replicas = {replica(34755, "slave,disconnected", "err"), replica(32889, "slave", "err")};
        view.setSnapshot(s);
        QVERIFY(view.alarms().isEmpty());
        QCOMPARE(view.stateOf(node(34755)), TopologyView::State::Connecting);
        QCOMPARE(view.stateOf(node(32889)), TopologyView::State::Warning);
        // No link, no ping to speak of; a node with a link says when it last answered.
        QCOMPARE(lineOf(view, QStringLiteral("replica 127.0.0.1:34755")),
                 QStringLiteral("replica 127.0.0.1:34755 · … connecting… · priority 100"));
        QCOMPARE(lineOf(view, QStringLiteral("replica 127.0.0.1:32889")),
                 QStringLiteral("replica 127.0.0.1:32889 · ⚠ link to master down · ping 200 ms ago · priority 100"));
    }

    void aSentinelNamingTheOldMasterDuringAFailoverIsNoAlarm()
    {
        TopologyView view;
        view.setWatching(true);
        TopologySnapshot s = snapshot();
        s.settling = true;
        s.sentinels[2] = sentinel(41133, Reach::Answered, node(34755)); // the leader, until the very end
        view.setSnapshot(s);
        QVERIFY(view.alarms().isEmpty());
        QCOMPARE(
            lineOf(view, QStringLiteral("sentinel 127.0.0.1:41133")),
            QStringLiteral("sentinel 127.0.0.1:41133 · ⟳ says 127.0.0.1:34755 (failover under way) · ping 100 ms ago"));
        s.settling = false;
        view.setSnapshot(s);
        QCOMPARE(view.stateOf(node(41133)), TopologyView::State::Fault);

        // The master down, in words, and the failover that follows.
        s = snapshot();
        s.master.flags = "master,s_down";
        view.setSnapshot(s);
        QCOMPARE(view.stateOf(node(41643)), TopologyView::State::Fault);
        QVERIFY(lineOf(view, QStringLiteral("master 127.0.0.1:41643 · ✗ down (s_down) · ")).size());
        s.master.flags = "master,s_down,o_down,failover_in_progress";
        view.setSnapshot(s);
        QVERIFY(lineOf(view, QStringLiteral("master 127.0.0.1:41643 · ✗ down (o_down) · ⟳ failover "
                                            "under way · "))
                    .size());

        // A sentinel that voted the master down says so in words; another flag is shown as it is.
        s = snapshot();
        s.master.flags = "master,s_down";
        s.sentinels[1].flags = "sentinel,master_down";
        s.sentinels[2].flags = "sentinel,disconnected";
        view.setSnapshot(s);
        QCOMPARE(lineOf(view, QStringLiteral("sentinel 127.0.0.1:43001")),
                 QStringLiteral("sentinel 127.0.0.1:43001 · ✓ reachable · names the master · says the master is down · "
                                "ping 100 ms ago"));
        // The vote outlives the failover by seconds (seen on screen after a kill -9): under a master the polled
        // sentinel sees up, it is stale, and the box does not say the master is down.
        s.master.flags = "master";
        view.setSnapshot(s);
        QCOMPARE(lineOf(view, QStringLiteral("sentinel 127.0.0.1:43001")),
                 QStringLiteral("sentinel 127.0.0.1:43001 · ✓ reachable · names the master · ping 100 ms ago"));
        QCOMPARE(lineOf(view, QStringLiteral("sentinel 127.0.0.1:41133")),
                 QStringLiteral("sentinel 127.0.0.1:41133 · ✓ reachable · names the master · flags disconnected"));
    }

    // Killed with SIGKILL: Vigil's own connection to the master fails at once, the sentinels judge it down a
    // down-after later. Until then the box says what Vigil knows, in amber, never "✓ up"; then Sentinel's word wins.
    void aMasterThatStopsAnsweringVigilIsNotUp()
    {
        TopologyView view;
        view.setWatching(true);
        TopologySnapshot s = snapshot();
        s.master.configEpoch = 3;
        s.master.replicationOffset = 12;
        view.setSnapshot(s);
        QCOMPARE(lineOf(view, QStringLiteral("master 127.0.0.1:41643")),
                 QStringLiteral("master 127.0.0.1:41643 · ✓ up · config epoch 3 · offset 12"));
        s.master.replicationOffset = -1;
        // Not connecting to an address the sentinels have not confirmed is Vigil's choice, not a failure.
        s.master.error = QStringLiteral("not connected: the sentinels have not confirmed this master");
        view.setSnapshot(s);
        QCOMPARE(lineOf(view, QStringLiteral("master 127.0.0.1:41643")),
                 QStringLiteral("master 127.0.0.1:41643 · ✓ up · config epoch 3"));
        s.master.error = QStringLiteral("master 127.0.0.1:41643: connect: Connection refused");
        s.master.connectionFailed = true;
        view.setSnapshot(s);
        QCOMPARE(lineOf(view, QStringLiteral("master 127.0.0.1:41643")),
                 QStringLiteral("master 127.0.0.1:41643 · ⚠ not answering Vigil · connect: Connection refused · "
                                "config epoch 3"));
        QCOMPARE(view.stateOf(node(41643)), TopologyView::State::Warning);
        QVERIFY(view.alarms().isEmpty()); // not Sentinel's verdict: no alarm yet
        s.master.flags = "master,s_down";
        view.setSnapshot(s);
        QCOMPARE(view.stateOf(node(41643)), TopologyView::State::Fault);
        QVERIFY(lineOf(view, QStringLiteral("master 127.0.0.1:41643 · ✗ down (s_down) · config epoch 3")).size());
    }

    // A screen reader reads the summary, the alarms and every node, and hears about changes.
    void tellsAScreenReaderWhatItShows()
    {
        TopologyView view;
        view.setWatching(true);
        view.show();
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(&view);
        QVERIFY(accessible);
        QCOMPARE(accessible->text(QAccessible::Name), QStringLiteral("Topology diagram"));
        QCOMPARE(accessible->text(QAccessible::Description).section(QLatin1Char('\n'), 0, 0),
                 QStringLiteral("Waiting for the sentinels' first answer…"));
        TopologySnapshot s = snapshot();
        s.sentinels[1] = sentinel(43001, Reach::Connecting);
        view.setSnapshot(s);
        const QStringList lines = accessible->text(QAccessible::Description).split(QLatin1Char('\n'));
        QCOMPARE(lines.at(0), QStringLiteral("Quorum 2 of 3 sentinels · CKQUORUM: OK 3 usable Sentinels"));
        QCOMPARE(lines.at(1), QStringLiteral("No alarms."));
        for (const QString &text : view.nodeTexts())
            QVERIFY2(lines.contains(text), qPrintable(text));
        QVERIFY(lines.contains(QStringLiteral("sentinel 127.0.0.1:43001 · … connecting…")));

        s.replicas[0] = replica(34755, "slave,s_down", "err");
        view.setSnapshot(s);
        const QStringList alarmed = accessible->text(QAccessible::Description).split(QLatin1Char('\n'));
        QCOMPARE(alarmed.at(1), QStringLiteral("1 alarm:"));
        QVERIFY(alarmed.at(2).startsWith(QStringLiteral("replica 127.0.0.1:34755 · ✗ down")));
    }

    // The Topology tab at 1024×700 gets about 480 px: each box still shows its whole address, port included.
    void everyAddressFitsItsBox()
    {
        TopologyView view;
        view.setWatching(true);
        view.resize(470, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setSnapshot(snapshot());
        QFont bold = view.font();
        bold.setBold(true);
        const QFontMetrics fm(bold);
        for (quint16 port : {35791, 43001, 41133, 41643, 34755, 32889}) {
            const QRect box = view.nodeRect(node(port));
            QVERIFY2(box.isValid(), qPrintable(QString::number(port)));
            QVERIFY(view.rect().contains(box));
            // The text starts 11 px in and ends 4 px before the border.
            QVERIFY2(fm.horizontalAdvance(node(port).toString()) <= box.width() - 15,
                     qPrintable(QStringLiteral("%1 in %2 px").arg(port).arg(box.width())));
        }
    }
};

QTEST_MAIN(TestTopologyView)
#include "tst_topologyview.moc"
