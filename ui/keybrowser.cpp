#include "keybrowser.h"

#include "deployment/deployment.h"
#include "keyactions.h"
#include "keydisplay.h"
#include "keytreemodel.h"
#include "keytypeloader.h"
#include "plural.h"
#include "restartbanner.h"
#include "scan/scanworker.h"
#include "scansession.h"
#include "sentinel/sentinelwatcher.h"
#include "theme.h"
#include "typebadge.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

KeyBrowser::KeyBrowser(QWidget *parent)
    : QWidget(parent)
    , m_model(new KeyTreeModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    // Two rows, so the pattern keeps its width in a narrow pane: what to look for, then where and how.
    auto *bar = new QHBoxLayout;
    m_pattern = new QLineEdit(this);
    m_pattern->setObjectName(QStringLiteral("pattern"));
    m_pattern->setPlaceholderText(tr("Keys containing… (or a glob: user:*)"));
    m_pattern->setToolTip(tr("A word lists the keys that contain it. *, ?, [ and \\ make it a glob (SCAN MATCH): "
                             "user:* lists the keys that start with user:. Empty lists every key."));
    m_pattern->setClearButtonEnabled(true);
    // Never narrower than its placeholder: a box cut to "Pat…" tells nobody what to type.
    m_pattern->setMinimumWidth(m_pattern->fontMetrics().horizontalAdvance(m_pattern->placeholderText())
                               + m_pattern->fontMetrics().averageCharWidth() * 6);
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("type"));
    m_type->addItem(tr("All types"), QByteArray());
    for (const char *type : {"string", "hash", "list", "set", "zset", "stream"})
        m_type->addItem(QString::fromLatin1(type), QByteArray(type));
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("source"));
    m_source->addItem(tr("From master"), QVariant::fromValue(static_cast<int>(ScanOptions::Source::Master)));
    m_source->addItem(tr("From a replica"), QVariant::fromValue(static_cast<int>(ScanOptions::Source::Replica)));
    m_source->setToolTip(tr("Scan a replica to spare a busy master; its keys may lag the master's."));
    m_separator = new QLineEdit(QStringLiteral(":"), this);
    m_separator->setObjectName(QStringLiteral("separator"));
    m_separator->setToolTip(tr("Namespace separator"));
    m_separator->setMaximumWidth(40);
    m_scanButton = new QPushButton(tr("Scan"), this);
    m_scanButton->setObjectName(QStringLiteral("scan"));
    m_scanButton->setDefault(true);
    m_scanButton->setToolTip(tr("Scan again (F5)"));
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("stop"));
    m_stopButton->setEnabled(false);
    m_stopButton->setToolTip(tr("Stop the scan (Esc)"));
    bar->addWidget(m_pattern, 1);
    bar->addWidget(m_scanButton);
    bar->addWidget(m_stopButton);
    layout->addLayout(bar);
    auto *options = new QHBoxLayout;
    options->addWidget(m_type);
    options->addWidget(m_source);
    options->addStretch();
    options->addWidget(new QLabel(tr("Separator:"), this));
    options->addWidget(m_separator);
    layout->addLayout(options);

    m_replicaNote = new QLabel(this);
    m_replicaNote->setObjectName(QStringLiteral("replicaNote"));
    m_replicaNote->setWordWrap(true);
    Theme::setTextColour(m_replicaNote, Theme::Role::Warning);
    m_replicaNote->hide();
    layout->addWidget(m_replicaNote);

    m_banner = new RestartBanner(this);
    layout->addWidget(m_banner);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("keys"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setItemDelegateForColumn(KeyTreeModel::NameColumn, new TypeBadgeDelegate(m_view));
    m_typeLoader = new KeyTypeLoader(m_view, m_model, this);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(KeyTreeModel::NameColumn, QHeaderView::Stretch);
    // A fixed width that fits "10,000,000": ResizeToContents measures up to a thousand rows again on every count
    // that changes, which during a scan with namespaces open was most of the GUI thread's time.
    m_view->header()->setSectionResizeMode(KeyTreeModel::CountColumn, QHeaderView::Interactive);
    m_view->header()->resizeSection(KeyTreeModel::CountColumn,
                                    m_view->fontMetrics().horizontalAdvance(QLocale().toString(10000000)) + 24);
    layout->addWidget(m_view, 1);

    // Instead of a blank white tree, the empty state says why it is empty and what to do.
    m_empty = new QLabel(m_view->viewport());
    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setTextFormat(Qt::RichText);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setContentsMargins(24, 24, 24, 24);
    connect(m_empty, &QLabel::linkActivated, this, &KeyBrowser::connectRequested);
    m_view->viewport()->installEventFilter(this);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &KeyBrowser::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &KeyBrowser::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &KeyBrowser::updateEmptyState);
    m_reopenTimer = new QTimer(this);
    m_reopenTimer->setSingleShot(true);
    m_reopenTimer->setInterval(0);
    connect(m_reopenTimer, &QTimer::timeout, this, &KeyBrowser::reopenNamespaces);
    const auto reopenSoon = [this] {
        if (!m_reopen.isEmpty() && !m_reopenTimer->isActive())
            m_reopenTimer->start();
    };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, reopenSoon);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, reopenSoon);

    m_log = new QListWidget(this);
    m_log->setObjectName(QStringLiteral("scanLog"));
    m_log->setMaximumHeight(90);
    m_log->setToolTip(tr("Scan log"));
    layout->addWidget(m_log);

    connect(m_scanButton, &QPushButton::clicked, this, &KeyBrowser::startScan);
    connect(m_pattern, &QLineEdit::returnPressed, this, &KeyBrowser::startScan);
    // Emptying the box (its clear button, or deleting the text) lists every key again.
    connect(m_pattern, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.trimmed().isEmpty() && !m_scannedMatch.isEmpty())
            startScan();
    });
    connect(m_stopButton, &QPushButton::clicked, this, &KeyBrowser::stopScan);
    connect(m_type, &QComboBox::activated, this, &KeyBrowser::startScan);
    connect(m_source, &QComboBox::activated, this, &KeyBrowser::startScan);
    connect(m_separator, &QLineEdit::editingFinished, this, [this] {
        const QByteArray separator = m_separator->text().toUtf8();
        if (!separator.isEmpty())
            m_model->setSeparator(separator);
    });
    connect(m_banner, &RestartBanner::onlyMissingToggled, this, &KeyBrowser::setShowOnlyMissing);
    connect(m_banner, &RestartBanner::copyMissingRequested, this, &KeyBrowser::copyMissing);
    // The failure is said once, in the banner; closed, the empty tree says it instead.
    connect(m_banner, &RestartBanner::dismissed, this, [this] {
        if (!m_failure.isEmpty())
            setIdleText(tr("<b>The scan failed</b><br>%1").arg(m_failure.toHtmlEscaped()));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &KeyBrowser::handleSelection);
    // The "N more" row of a huge namespace opens the next rows when clicked (or activated from the keyboard).
    const auto openMore = [this](const QModelIndex &index) {
        if (index.data(KeyTreeModel::IsMoreRole).toBool())
            qobject_cast<KeyTreeModel *>(m_view->model())->showMore(index.parent());
    };
    connect(m_view, &QAbstractItemView::clicked, this, openMore);
    connect(m_view, &QAbstractItemView::activated, this, openMore);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &KeyBrowser::showContextMenu);
    auto *deleteAction = new QAction(tr("Delete"), m_view);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteAction, &QAction::triggered, this, [this] {
        if (m_actions && !selectedKeys().isEmpty())
            m_actions->deleteKeys(selectedKeys());
    });
    m_view->addAction(deleteAction);
    auto *renameAction = new QAction(tr("Rename…"), m_view);
    renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    renameAction->setShortcutContext(Qt::WidgetShortcut);
    connect(renameAction, &QAction::triggered, this, [this] {
        if (m_actions && selectedKeys().size() == 1)
            m_actions->renameKey(selectedKeys().constFirst());
    });
    m_view->addAction(renameAction);
    auto *copyAction = new QAction(tr("Copy name"), m_view);
    copyAction->setShortcuts(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetShortcut);
    connect(copyAction, &QAction::triggered, this, [this] {
        const QModelIndex index = m_view->currentIndex();
        if (index.isValid() && !index.data(KeyTreeModel::IsMoreRole).toBool())
            KeyActions::copyBytes(index.data(KeyTreeModel::KeyBytesRole).toByteArray());
    });
    m_view->addAction(copyAction);

    m_session = new ScanSession(m_model, this);
    connect(m_session, &ScanSession::progressed, this, &KeyBrowser::handleProgress);
    connect(m_session, &ScanSession::noticed, this, &KeyBrowser::handleNotice);
    connect(m_session, &ScanSession::completed, this, &KeyBrowser::completeScan);
    connect(m_session, &ScanSession::failed, this, &KeyBrowser::handleFailed);
    setScanStatus(tr("Not scanning"));
    m_scanButton->setEnabled(false);
    m_scanButton->setToolTip(tr("Connect first: File > Connect…"));
    updateEmptyState();
}

KeyBrowser::~KeyBrowser() = default; // the session stops its thread with a bound

void KeyBrowser::setDeployment(Deployment *deployment)
{
    Q_ASSERT(!m_deployment); // one browser shows one deployment for its whole life
    m_deployment = deployment;
    m_scanButton->setEnabled(true);
    m_scanButton->setToolTip(QString());
    SentinelWatcher *watcher = deployment->watcher();
    connect(watcher, &SentinelWatcher::sentinelSubscribed, this, &KeyBrowser::updateSentinelStatus);
    connect(watcher, &SentinelWatcher::sentinelLost, this, &KeyBrowser::updateSentinelStatus);
    connect(watcher, &SentinelWatcher::snapshotUpdated, this, &KeyBrowser::updateSentinelStatus);
    connect(watcher, &SentinelWatcher::snapshotUpdated, this, &KeyBrowser::updateReplicaNote);
    m_typeLoader->setLink(deployment->link());
    startScan();
}

void KeyBrowser::setSeparator(const QString &separator)
{
    if (separator.isEmpty())
        return;
    m_separator->setText(separator);
    m_model->setSeparator(separator.toUtf8());
}

bool KeyBrowser::isScanning() const
{
    return m_session->isScanning();
}

QString KeyBrowser::separator() const
{
    return m_separator->text();
}

void KeyBrowser::startScan()
{
    if (!m_deployment)
        return;
    const QByteArray separator = m_separator->text().toUtf8();
    setShowOnlyMissing(false);
    m_banner->setMissingActionsVisible(false);
    m_failure.clear();
    rememberPlace();
    m_model->clear();
    if (!separator.isEmpty())
        m_model->setSeparator(separator);
    m_banner->hide();
    ScanOptions options;
    options.match = matchFor(m_pattern->text());
    m_scannedMatch = options.match;
    options.type = m_type->currentData().toByteArray();
    options.keysPerSecond = m_pace;
    options.recoveryTimeoutMs = m_recoveryTimeoutMs;
    options.source = scanSource();
    const ScanRequest request = m_deployment->scanRequest(options);
    m_scannedReplica = {};
    updateReplicaNote();
    m_lastProgress = {};
    m_session->start(request);
    m_stopButton->setEnabled(true);
    setScanStatus(tr("Scanning…"));
    setIdleText(QString());
    log(tr("Scan started: %1").arg(filterText()));
}

QByteArray KeyBrowser::matchFor(const QString &typed)
{
    const QByteArray text = typed.trimmed().toUtf8();
    if (text.isEmpty())
        return {};
    for (const char c : {'*', '?', '[', '\\'})
        if (text.contains(c))
            return text;
    return '*' + text + '*';
}

QString KeyBrowser::filterText() const
{
    const QString pattern = m_pattern->text().trimmed();
    const bool typed = m_type->currentIndex() > 0;
    if (pattern.isEmpty())
        return typed ? tr("keys of type %1").arg(m_type->currentText()) : tr("all keys");
    const bool glob = matchFor(pattern) == pattern.toUtf8();
    if (!glob)
        return typed ? tr("keys containing %1 of type %2").arg(pattern, m_type->currentText())
                     : tr("keys containing %1").arg(pattern);
    return typed ? tr("keys matching %1 of type %2").arg(pattern, m_type->currentText())
                 : tr("keys matching %1").arg(pattern);
}

void KeyBrowser::focusPattern()
{
    m_pattern->setFocus(Qt::ShortcutFocusReason);
    m_pattern->selectAll();
}

void KeyBrowser::revealExactKey()
{
    const QString typed = m_pattern->text().trimmed();
    if (typed.isEmpty() || matchFor(typed) == typed.toUtf8() || m_view->model() != m_model)
        return;
    const QModelIndex index = m_model->indexOfKey(typed.toUtf8());
    if (!index.isValid())
        return;
    for (QModelIndex parent = index.parent(); parent.isValid(); parent = parent.parent())
        m_view->expand(parent);
    m_view->scrollTo(index);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void KeyBrowser::rememberPlace()
{
    if (m_view->model() != m_model)
        return; // the tree shows the missing keys only: nothing the user opened there is in this model
    // Added to what an unfinished restore still waits for (a rescan started before the last one ended).
    const std::function<void(const QModelIndex &)> collect = [&](const QModelIndex &parent) {
        const int rows = m_model->rowCount(parent);
        for (int row = 0; row < rows; ++row) {
            const QModelIndex index = m_model->index(row, KeyTreeModel::NameColumn, parent);
            if (!index.data(KeyTreeModel::IsNamespaceRole).toBool() || !m_view->isExpanded(index))
                continue;
            m_reopen.insert(index.data(KeyTreeModel::KeyBytesRole).toByteArray());
            collect(index);
        }
    };
    collect({});
    const QModelIndex current = m_view->currentIndex();
    if (current.isValid() && !current.data(KeyTreeModel::IsMoreRole).toBool()) {
        m_reselect = current.data(KeyTreeModel::KeyBytesRole).toByteArray();
        m_reselectNamespace = current.data(KeyTreeModel::IsNamespaceRole).toBool();
        const QRect row = m_view->visualRect(current);
        m_reselectTop = row.isValid() && row.top() >= 0 && row.bottom() < m_view->viewport()->height() ? row.top() : -1;
    }
}

void KeyBrowser::reopenNamespaces()
{
    if (m_view->model() != m_model)
        return;
    // Expanding one builds its rows, and the namespaces below it come as rows in turn (a timer later).
    const QSet<QByteArray> wanted = m_reopen;
    for (const QByteArray &prefix : wanted) {
        const QModelIndex index = m_model->indexOfNamespace(prefix);
        if (!index.isValid())
            continue;
        m_reopen.remove(prefix);
        m_view->expand(index);
    }
}

void KeyBrowser::reselect()
{
    reopenNamespaces();
    m_reopen.clear(); // a namespace that did not come back is not opened later, when some key brings it again
    const QByteArray wanted = std::exchange(m_reselect, {});
    if (wanted.isEmpty() || m_view->model() != m_model)
        return;
    // Only inside namespaces that are open again: nothing is built or opened for it (a namespace that did not come
    // back stays closed).
    const QByteArray separator = m_model->separator();
    const QByteArray path = m_reselectNamespace ? wanted.chopped(qMin(wanted.size(), separator.size())) : wanted;
    const qsizetype cut = separator.isEmpty() ? -1 : path.lastIndexOf(separator);
    if (cut >= 0) {
        const QModelIndex parent = m_model->indexOfNamespace(path.left(cut + separator.size()));
        if (!parent.isValid() || !m_view->isExpanded(parent))
            return;
    }
    const QModelIndex index = m_reselectNamespace ? m_model->indexOfNamespace(wanted) : m_model->indexOfKey(wanted);
    if (!index.isValid())
        return;
    m_reselecting = true;
    // Where it was on screen, if it was in sight (the rebuilt tree starts scrolled to its top: only scrolled into
    // view, a row from the middle of the list came back at its bottom edge).
    const int top = std::exchange(m_reselectTop, -1);
    if (top < 0) {
        m_view->scrollTo(index);
    } else {
        m_view->scrollTo(index, QAbstractItemView::PositionAtTop);
        const QRect row = m_view->visualRect(index);
        QScrollBar *bar = m_view->verticalScrollBar();
        const int up = row.top() - top; // how far it is above where it was
        if (m_view->verticalScrollMode() == QAbstractItemView::ScrollPerPixel)
            bar->setValue(bar->value() + up);
        else if (row.height() > 0)
            bar->setValue(bar->value() + up / row.height());
    }
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_reselecting = false;
}

void KeyBrowser::stopScan()
{
    m_session->cancel();
}

void KeyBrowser::handleProgress(const ScanProgress &progress)
{
    m_lastProgress = progress;
    if (scanSource() == ScanOptions::Source::Replica && progress.node.address != m_scannedReplica) {
        m_scannedReplica = progress.node.address;
        updateReplicaNote();
    }
    const QLocale locale;
    QString text = progress.dbsize >= 0
                       ? tr("%1 of about %2 keys").arg(locale.toString(progress.keys), locale.toString(progress.dbsize))
                       : countOf(progress.keys, tr("key"), tr("keys"));
    text += tr(" · %1 keys/s · pass %2").arg(locale.toString(qRound64(progress.keysPerSecond))).arg(progress.pass);
    setScanStatus(text);
}

void KeyBrowser::handleNotice(const ScanNotice &notice, bool restarted)
{
    // A restart is a warning (the new master may lack keys); a resume is news.
    showBanner(QStringLiteral("%1 — ").arg(notice.time.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
                   + notice.describe(),
               restarted);
    log(notice.describe());
}

void KeyBrowser::completeScan(const ScanSummary &summary)
{
    m_stopButton->setEnabled(false);
    m_model->flushSort();
    const QString took = summary.seconds < 1 ? tr("%1 ms").arg(qRound(summary.seconds * 1000))
                                             : tr("%1 s").arg(summary.seconds, 0, 'f', 1);
    QString text = tr("Scan complete: %1 in %2").arg(countOf(summary.keys, tr("key"), tr("keys")), took);
    if (summary.passes > 1)
        text
            += tr(" · %1 passes (%2)").arg(summary.passes).arg(countOf(summary.restarts, tr("restart"), tr("restarts")));
    setScanStatus(text);
    log(text);
    const QString db = QString::number(m_deployment ? m_deployment->database() : 0);
    if (summary.keys > 0)
        setIdleText(tr("No keys left: every key this scan listed has been deleted."));
    else if (m_pattern->text().trimmed().isEmpty() && m_type->currentIndex() == 0)
        setIdleText(tr("<b>Database %1 is empty</b>").arg(db));
    else
        setIdleText(tr("<b>No %1 in database %2</b><br>Scan again with an empty pattern and All types to list "
                       "every key.")
                        .arg(filterText().toHtmlEscaped(), db));
    reselect();
    revealExactKey();
    if (summary.missingAfterFailover > 0) {
        m_model->markMissing(summary.missingKeys);
        m_banner->setMissingActionsVisible(true);
        log(tr("%1 missing after failover").arg(countOf(summary.missingAfterFailover, tr("key"), tr("keys"))));
        showBanner(bannerText() + QLatin1Char('\n')
                       + tr("%1 listed before the failover were not found on the new master: writes that "
                            "asynchronous replication may have lost, or keys deleted meanwhile. They stay in the tree, "
                            "struck out.")
                             .arg(countOf(summary.missingAfterFailover, tr("key"), tr("keys"))),
                   true);
    }
}

void KeyBrowser::handleFailed(const VigilError &error)
{
    // What arrived before the failure is in the tree already (ScanSession).
    m_stopButton->setEnabled(false);
    m_model->flushSort();
    reselect();
    if (error.kind() == VigilError::Kind::Cancelled) {
        setScanStatus(tr("Stopped after %1").arg(countOf(m_model->keyCount(), tr("key"), tr("keys"))));
        log(m_scanStatus);
        setIdleText(tr("Stopped before any key was found."));
        return;
    }
    QString text = error.toString();
    // The resolver found no majority for any address: only the user can settle that, on the Deployment tab.
    if (error.step() == QLatin1String("confirm the master"))
        text += tr(". To scan anyway, trust one of them on the Deployment tab, then rescan (F5).");
    // A password missing or refused, or a bastion's host key not known yet: what to do, and where.
    // The bastion's refusal may come wrapped in the step that met it ("reach a sentinel failed: … SSH host:22: …").
    const bool bastion = error.node().startsWith(QLatin1String("SSH ")) || text.contains(QLatin1String(": SSH "));
    const QLatin1String cliAdvice("; check the fingerprint and connect again with --ssh-accept-new to add it");
    if (bastion && text.contains(QLatin1String("host key is not known"))) {
        text.remove(cliAdvice); // the command line's way, not the window's
        text += tr(". To trust it, open File > Connect this tab to… (Ctrl+O) and press Connect: it shows that "
                   "fingerprint and asks.");
    } else if (bastion && error.kind() == VigilError::Kind::Auth)
        text += tr(". Check the login on the SSH tab of the connection dialog (File > Connect this tab to…, Ctrl+O).");
    else if (error.kind() == VigilError::Kind::Auth)
        text += error.node().startsWith(QLatin1String("sentinel"))
                    ? tr(". Set the sentinel password in the connection dialog (File > Connect this tab to…).")
                    : tr(". Set the data-node password in the connection dialog (File > Connect this tab to…).");
    // Said once, in the banner above the tree; the empty tree points to it (and says it once the banner is closed).
    m_failure = text;
    setIdleText(tr("<b>The scan failed</b><br>The message above says why."));
    setScanStatus(tr("Scan failed after %1").arg(countOf(m_model->keyCount(), tr("key"), tr("keys"))));
    showBanner(text, true);
    log(tr("Scan failed: %1").arg(text));
}

void KeyBrowser::handleSelection()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || index.data(KeyTreeModel::IsMoreRole).toBool() || m_reselecting)
        return;
    m_reselect.clear(); // the user chose another row: the one from before the rescan is not chosen for them
    m_reselectTop = -1;
    Q_EMIT keySelected(index.data(KeyTreeModel::KeyBytesRole).toByteArray(),
                       index.data(KeyTreeModel::IsNamespaceRole).toBool(),
                       index.data(KeyTreeModel::KeyCountRole).toLongLong());
}

void KeyBrowser::setScanSource(ScanOptions::Source source)
{
    m_source->setCurrentIndex(source == ScanOptions::Source::Replica ? 1 : 0);
}

ScanOptions::Source KeyBrowser::scanSource() const
{
    return m_source->currentIndex() == 1 ? ScanOptions::Source::Replica : ScanOptions::Source::Master;
}

QString KeyBrowser::replicaNote() const
{
    return m_replicaNote->isHidden() ? QString() : m_replicaNote->text();
}

void KeyBrowser::updateReplicaNote()
{
    if (scanSource() != ScanOptions::Source::Replica || (!isScanning() && !m_scannedReplica.isValid())) {
        m_replicaNote->hide();
        return;
    }
    QString text;
    if (!m_scannedReplica.isValid()) {
        text = tr("Scanning a replica: picking one…");
    } else {
        QString lag = tr("its lag behind the master is not known yet");
        // The watcher's addresses are already mapped, as is the scanned replica's.
        const TopologySnapshot &snapshot = m_deployment->lastSnapshot();
        for (const TopologySnapshot::Replica &replica : snapshot.replicas) {
            if (replica.address != m_scannedReplica || replica.lagBytes < 0)
                continue;
            lag = replica.lagBytes == 0 ? tr("in step with the master at %1")
                                              .arg(snapshot.taken.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
                                        : tr("%1 behind the master at %2")
                                              .arg(countOf(replica.lagBytes, tr("byte"), tr("bytes")),
                                                   snapshot.taken.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
        }
        text = tr("Keys listed from replica %1, %2. Keys written on the master in the last moments may be missing "
                  "here; values and changes always use the master.")
                   .arg(m_scannedReplica.toString(), lag);
    }
    m_replicaNote->setText(text);
    m_replicaNote->show();
}

void KeyBrowser::setActions(KeyActions *actions)
{
    m_actions = actions;
}

QList<QByteArray> KeyBrowser::selectedKeys() const
{
    QList<QByteArray> keys;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(KeyTreeModel::NameColumn);
    for (const QModelIndex &index : rows)
        if (!index.data(KeyTreeModel::IsNamespaceRole).toBool())
            keys.append(index.data(KeyTreeModel::KeyBytesRole).toByteArray());
    return keys;
}

void KeyBrowser::removeKeys(const QList<QByteArray> &keys)
{
    m_model->removeKeys(keys);
    if (m_missingModel)
        m_missingModel->removeKeys(keys);
}

void KeyBrowser::addKey(const QByteArray &key)
{
    // A key listed already (struck out as gone, and made again) keeps its one row, no longer struck out.
    QModelIndex index = m_model->indexOfKey(key);
    if (!index.isValid()) {
        m_model->addKeys({key});
        m_model->flushSort();
    }
    m_model->markPresent(key);
    if (m_view->model() != m_model)
        return;
    index = m_model->indexOfKey(key);
    if (!index.isValid())
        return;
    m_view->scrollTo(index);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void KeyBrowser::learnKeyType(const QByteArray &key, const QByteArray &type)
{
    m_model->setKeyType(key, type);
}

void KeyBrowser::moveKeyType(const QByteArray &from, const QByteArray &to)
{
    m_model->setKeyType(to, m_model->keyType(from));
}

void KeyBrowser::showContextMenu(const QPoint &position)
{
    if (!m_actions)
        return;
    const QModelIndex at = m_view->indexAt(position);
    QMenu menu(this);
    m_actions->populateMenu(&menu, selectedKeys(),
                            at.isValid() ? at.data(KeyTreeModel::KeyBytesRole).toByteArray() : QByteArray());
    menu.exec(m_view->viewport()->mapToGlobal(position));
}

void KeyBrowser::updateSentinelStatus()
{
    if (!m_deployment)
        return;
    const int subscribed = static_cast<int>(m_deployment->watcher()->subscribedSentinels().size());
    const int known = static_cast<int>(m_deployment->watcher()->knownSentinels().size());
    m_sentinelStatus = tr("%1 of %2 sentinels reachable").arg(subscribed).arg(known);
    Q_EMIT sentinelStatusChanged(m_sentinelStatus);
}

void KeyBrowser::showBanner(const QString &text, bool warning)
{
    m_banner->showText(text, warning);
}

void KeyBrowser::setScanStatus(const QString &text)
{
    m_scanStatus = text;
    Q_EMIT scanStatusChanged(text);
}

QString KeyBrowser::bannerText() const
{
    return m_banner->text();
}

bool KeyBrowser::isBannerShown() const
{
    return !m_banner->isHidden();
}

QString KeyBrowser::scanStatus() const
{
    return m_scanStatus;
}

QString KeyBrowser::sentinelStatus() const
{
    return m_sentinelStatus;
}

void KeyBrowser::log(const QString &text)
{
    m_log->addItem(QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), text));
    m_log->scrollToBottom();
}

QStringList KeyBrowser::scanLog() const
{
    QStringList lines;
    for (int i = 0; i < m_log->count(); ++i)
        lines.append(m_log->item(i)->text());
    return lines;
}

void KeyBrowser::setShowOnlyMissing(bool only)
{
    if (only == isShowingOnlyMissing())
        return;
    if (only) {
        // A small tree of its own: the missing keys are few, and the big model stays as it is underneath.
        delete m_missingModel;
        m_missingModel = new KeyTreeModel(this);
        m_missingModel->setSeparator(m_model->separator());
        const QList<QByteArray> missing = m_model->missingKeys();
        m_missingModel->addKeys(missing);
        m_missingModel->markMissing(missing);
        m_missingModel->flushSort();
        m_view->setModel(m_missingModel);
        m_view->expandAll();
    } else {
        m_view->setModel(m_model);
    }
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &KeyBrowser::handleSelection);
    m_banner->setShowingOnlyMissing(only);
    updateEmptyState();
}

bool KeyBrowser::isShowingOnlyMissing() const
{
    return m_missingModel && m_view->model() == m_missingModel;
}

void KeyBrowser::copyMissing()
{
    QStringList lines;
    for (const QByteArray &key : m_model->missingKeys())
        lines.append(KeyDisplay::escape(key));
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
    log(tr("Copied %1 to the clipboard").arg(countOf(lines.size(), tr("missing key name"), tr("missing key names"))));
}

void KeyBrowser::setIdleText(const QString &text)
{
    m_idleText = text;
    updateEmptyState();
}

void KeyBrowser::updateEmptyState()
{
    if (m_view->model()->rowCount() > 0) {
        m_empty->hide();
        return;
    }
    QString text;
    if (!m_deployment)
        text
            = tr("<b>Not connected</b><br><a href=\"connect\">Connect…</a> to a Sentinel deployment (File > Connect…), "
                 "or start Vigil with <code>--demo</code> for a local sandbox.");
    else if (isScanning())
        text = tr("Scanning for %1…").arg(filterText().toHtmlEscaped());
    else
        text = m_idleText;
    m_empty->setText(text);
    m_empty->setGeometry(m_view->viewport()->rect());
    m_empty->setVisible(!text.isEmpty());
}

QString KeyBrowser::emptyText() const
{
    return m_empty->isHidden() ? QString() : m_empty->text();
}

bool KeyBrowser::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) {
        m_empty->setGeometry(m_view->viewport()->rect());
        m_typeLoader->schedule(); // more rows in view
    }
    return QWidget::eventFilter(watched, event);
}
