#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

// The notice above the key tree that says what happened to a scan: restarted at cursor 0 on a new master, resumed on
// the same node, failed; and, after a failover, how many keys the new master lacks, with "Show only missing keys" and
// "Copy list". A warning is amber, news is blue; both can be dismissed.
class RestartBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestartBanner)

public:
    explicit RestartBanner(QWidget *parent = nullptr);
    ~RestartBanner() override;

    void showText(const QString &text, bool warning);
    QString text() const;
    // The buttons for the keys missing after a failover.
    void setMissingActionsVisible(bool visible);
    void setShowingOnlyMissing(bool only); // without emitting onlyMissingToggled

Q_SIGNALS:
    void onlyMissingToggled(bool only);
    void copyMissingRequested();
    // The user closed it.
    void dismissed();

private:
    // Amber or blue, the palette's light or dark value: set again when the palette changes.
    void applyColours();

    QLabel *m_text = nullptr;
    QPushButton *m_onlyMissing = nullptr;
    QPushButton *m_copyMissing = nullptr;
    bool m_warning = false;
};
