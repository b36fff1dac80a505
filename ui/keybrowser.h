#pragma once

#include "common/vigilerror.h"
#include "scan/scantypes.h"
#include "sentinel/masterresolver.h"
#include "sentinel/topologysnapshot.h"

#include <QSet>
#include <QWidget>

class Deployment;
class KeyActions;
class KeyTreeModel;
class KeyTypeLoader;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTimer;
class QTreeView;
class RestartBanner;
class ScanSession;
class SentinelWatcher;

// The key browser: a filter bar (glob pattern, type, separator, Scan/Stop), a restart banner, and the namespace tree
// that fills while a ScanWorker scans on its own thread. The deployment's SentinelWatcher feeds the scan's switch epoch,
// so a failover in the middle of a scan shows as a banner that says what happened, never as missing or doubled keys.
class KeyBrowser final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyBrowser)

public:
    explicit KeyBrowser(QWidget *parent = nullptr);
    ~KeyBrowser() override;

    // Once, with the deployment this browser shows (the tab's): starts scanning it.
    void setDeployment(Deployment *deployment);
    Deployment *deployment() const { return m_deployment; }
    // A ceiling in keys a second for the scans, to spare a busy production server; 0 for none.
    void setPace(double keysPerSecond) { m_pace = keysPerSecond; }
    // How long a scan waits out a failover, a lost connection or a node that does not answer; then it fails.
    void setRecoveryTimeout(int milliseconds) { m_recoveryTimeoutMs = milliseconds; }
    void setSeparator(const QString &separator);
    QString separator() const;
    // Where the next scans read: the master (the default), or a replica, to spare a busy master. Keys on a replica can
    // lag the master: the browser then says which replica and how far behind it is.
    void setScanSource(ScanOptions::Source source);
    ScanOptions::Source scanSource() const;
    QString replicaNote() const;

    KeyTreeModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QString bannerText() const;
    bool isBannerShown() const;
    QString scanStatus() const;
    QString sentinelStatus() const;
    bool isScanning() const;
    QStringList scanLog() const;
    // The key actions offered in the tree's context menu (and the Delete key).
    void setActions(KeyActions *actions);
    // The keys (not namespaces) selected in the tree, as raw bytes.
    QList<QByteArray> selectedKeys() const;
    // The tree follows what the user changed: deleted or renamed keys go, new names come.
    void removeKeys(const QList<QByteArray> &keys);
    void addKey(const QByteArray &key);
    // Types learned elsewhere (the key pane's read, New key…) and a renamed key's, for the badges.
    void learnKeyType(const QByteArray &key, const QByteArray &type);
    void moveKeyType(const QByteArray &from, const QByteArray &to);
    // Loads the types of the rows in view, for their badges.
    KeyTypeLoader *typeLoader() const { return m_typeLoader; }
    // Shows only the keys missing after the last failover (a tree of its own), or everything again.
    void setShowOnlyMissing(bool only);
    bool isShowingOnlyMissing() const;
    // What the empty tree says instead of rows (not connected, no key matches, …); empty while rows are shown.
    QString emptyText() const;
    // Puts the keyboard in the pattern box, its text selected (Ctrl+F).
    void focusPattern();
    // The SCAN MATCH pattern for what is typed in the pattern box: glob syntax (*, ?, [, \) is taken as typed; a
    // plain word means "keys containing it" (*word*, with nothing escaped since it holds no glob character).
    static QByteArray matchFor(const QString &typed);

public Q_SLOTS:
    void startScan();
    void stopScan();

Q_SIGNALS:
    void scanStatusChanged(const QString &text);
    void sentinelStatusChanged(const QString &text);
    void keySelected(const QByteArray &key, bool isNamespace, qint64 keys);
    // The "Connect…" link of the empty, unconnected tree.
    void connectRequested();

private:
    void completeScan(const ScanSummary &summary);
    void handleProgress(const ScanProgress &progress);
    void handleNotice(const ScanNotice &notice, bool restarted);
    void handleFailed(const VigilError &error);
    void handleSelection();
    void updateReplicaNote();
    void showContextMenu(const QPoint &position);
    void updateSentinelStatus();
    void showBanner(const QString &text, bool warning);
    void log(const QString &text);
    void copyMissing();
    void setScanStatus(const QString &text);
    void setIdleText(const QString &text);
    QString filterText() const; // "keys matching user:* of type hash", "keys containing user"
    // After a scan for a plain word: a key of exactly that name is opened in the tree and selected.
    void revealExactKey();
    // A rescan starts from an empty tree. What the user had open comes back: the namespaces they had expanded open
    // again as their rows arrive, and the row they had selected is selected again once the scan ends (without
    // reloading the Key tab, where an edit may be under way). Whatever the user selects meanwhile wins.
    void rememberPlace();
    void reopenNamespaces();
    void reselect();
    void updateEmptyState();
    bool eventFilter(QObject *watched, QEvent *event) override;

    Deployment *m_deployment = nullptr;
    KeyTreeModel *m_model = nullptr;
    QTreeView *m_view = nullptr;
    QLineEdit *m_pattern = nullptr;
    QComboBox *m_type = nullptr;
    QComboBox *m_source = nullptr;
    QLabel *m_replicaNote = nullptr;
    HostPort m_scannedReplica;
    QLineEdit *m_separator = nullptr;
    QPushButton *m_scanButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    RestartBanner *m_banner = nullptr;
    QListWidget *m_log = nullptr;
    QLabel *m_empty = nullptr; // over the tree's viewport while it has no rows
    QString m_idleText;        // what the empty tree says once a scan has ended
    QString m_failure;         // why the last scan failed, while it is the last
    KeyTreeModel *m_missingModel = nullptr;
    KeyTypeLoader *m_typeLoader = nullptr;
    KeyActions *m_actions = nullptr;
    QByteArray m_scannedMatch; // the MATCH of the last scan started
    QString m_scanStatus;
    QString m_sentinelStatus;

    QSet<QByteArray> m_reopen; // prefixes of the namespaces to expand again, once they are rows
    QByteArray m_reselect;     // the row to select again when the scan ends (a key, or a namespace's prefix)
    bool m_reselectNamespace = false;
    int m_reselectTop = -1; // where the row was in the viewport (pixels from its top); -1 if it was out of sight
    bool m_reselecting = false;
    QTimer *m_reopenTimer = nullptr;

    ScanSession *m_session = nullptr;
    double m_pace = 0;
    int m_recoveryTimeoutMs = ScanOptions().recoveryTimeoutMs;
    ScanProgress m_lastProgress;
};
