#include "restartbanner.h"

#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

RestartBanner::RestartBanner(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("banner"));
    connect(Theme::instance(), &Theme::paletteChanged, this, &RestartBanner::applyColours);
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QHBoxLayout(this);
    m_text = new QLabel(this);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *dismiss = new QToolButton(this);
    dismiss->setText(QStringLiteral("✕"));
    dismiss->setToolTip(tr("Dismiss"));
    dismiss->setObjectName(QStringLiteral("dismissBanner"));
    dismiss->setAutoRaise(true);
    m_onlyMissing = new QPushButton(tr("Show only missing keys"), this);
    m_onlyMissing->setObjectName(QStringLiteral("onlyMissing"));
    m_onlyMissing->setCheckable(true);
    m_onlyMissing->hide();
    m_copyMissing = new QPushButton(tr("Copy list"), this);
    m_copyMissing->setObjectName(QStringLiteral("copyMissing"));
    m_copyMissing->hide();
    layout->addWidget(m_text, 1);
    layout->addWidget(m_onlyMissing, 0, Qt::AlignTop);
    layout->addWidget(m_copyMissing, 0, Qt::AlignTop);
    layout->addWidget(dismiss, 0, Qt::AlignTop);
    connect(dismiss, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT dismissed();
    });
    connect(m_onlyMissing, &QPushButton::toggled, this, &RestartBanner::onlyMissingToggled);
    connect(m_copyMissing, &QPushButton::clicked, this, &RestartBanner::copyMissingRequested);
    hide();
}

RestartBanner::~RestartBanner() = default;

void RestartBanner::showText(const QString &text, bool warning)
{
    m_text->setText(text);
    m_warning = warning;
    applyColours();
    show();
}

void RestartBanner::applyColours()
{
    setStyleSheet(
        QStringLiteral("#banner { background: %1; border: 1px solid %2; }")
            .arg(Theme::colour(m_warning ? Theme::Role::WarningBackground : Theme::Role::InfoBackground).name(),
                 Theme::colour(m_warning ? Theme::Role::Warning : Theme::Role::Accent).name()));
}

QString RestartBanner::text() const
{
    return m_text->text();
}

void RestartBanner::setMissingActionsVisible(bool visible)
{
    m_onlyMissing->setVisible(visible);
    m_copyMissing->setVisible(visible);
}

void RestartBanner::setShowingOnlyMissing(bool only)
{
    const QSignalBlocker blocker(m_onlyMissing);
    m_onlyMissing->setChecked(only);
}
