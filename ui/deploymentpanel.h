#pragma once

#include "theme.h"

#include <QHash>
#include <QWidget>

class Deployment;
class QLabel;
class QPushButton;
struct TopologySnapshot;

// The Deployment tab: which master, named by which sentinel and confirmed by how many, what its own ROLE says, its
// version, replicas, keys and database, and whether the tab may write. While the sentinels disagree it says so, and
// offers to trust the master anyway (MasterLink::trust()). Everything comes from the deployment's SentinelWatcher poll
// (it asks the master itself for ROLE, INFO and DBSIZE over the one connection it keeps), so nothing here polls on its own.
class DeploymentPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentPanel)

public:
    explicit DeploymentPanel(Deployment *deployment, QWidget *parent = nullptr);
    ~DeploymentPanel() override;

    // Demo mode: where the sandbox keeps its files.
    void setSandboxFolder(const QString &folder);

    // The texts a user reads (tests, screenshots).
    QString headline() const;
    QString detail() const;
    QString fieldText(const QString &field) const;
    // One line for the status bar: "master 127.0.0.1:6380 (master) · 3 sentinels known".
    QString statusText() const { return m_status; }
    // "the data password goes to 10.0.0.5:6379 in clear text …", or empty: a password sent without TLS to a node that
    // is not on this machine.
    QString cleartextWarning() const;

Q_SIGNALS:
    void statusChanged(const QString &text);
    // Once per deployment, the first time a password would cross the network in clear.
    void cleartextPasswordSeen(const QString &warning);

private:
    void update();
    void setField(const QString &field, const QString &value);
    void setHeadline(Theme::Role role, const QString &text, const QString &detail);
    void showHeadline();

    Deployment *m_deployment;
    QLabel *m_headline = nullptr;
    Theme::Role m_headlineRole = Theme::Role::Muted;
    QString m_headlineText;
    QLabel *m_detail = nullptr;
    QLabel *m_cleartext = nullptr;
    QPushButton *m_trust = nullptr; // shown while the sentinels disagree about the master
    bool m_cleartextSaid = false;
    QHash<QString, QLabel *> m_fields;
    QString m_status;
};
