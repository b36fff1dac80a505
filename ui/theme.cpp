#include "theme.h"

#include <QApplication>
#include <QEvent>
#include <QPalette>
#include <QPointer>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

#include <cmath>
#include <memory>

namespace {
const QString settingKey = QStringLiteral("ui/theme");
const char *roleProperty = "vigilThemeRole";
const char *extraProperty = "vigilThemeExtra";
const char *boundProperty = "vigilThemeBound";

struct Pair
{
    QRgb light;
    QRgb dark;
};

// Light values against white and Fusion's light window (#efefef), dark ones against darkPalette()'s base (#1e1e1e) and
// window (#2d2d2d): every text colour is 4.5:1 or more on both of its backgrounds (the lowest, Muted on the light
// window, is 4.8:1).
Pair pairOf(Theme::Role role)
{
    switch (role) {
    case Theme::Role::Fault:
        return {0xb3261e, 0xff7b72};
    case Theme::Role::Warning:
        return {0x855f00, 0xe3b341};
    case Theme::Role::Ok:
        return {0x00695c, 0x4cc9b0};
    case Theme::Role::Muted:
        return {0x5f6b70, 0x9ba7ad};
    case Theme::Role::Accent:
        return {0x1560b8, 0x79b8ff};
    case Theme::Role::Emphasis:
        return {0xa3145a, 0xf38ec0};
    case Theme::Role::Production:
        return {0xb3261e, 0xff8a80};
    case Theme::Role::ProductionBar:
        return {0xb3261e, 0xb3261e}; // white text on it: 6.5:1
    case Theme::Role::WarningBackground:
        return {0xfdf6e3, 0x3a3220};
    case Theme::Role::InfoBackground:
        return {0xeef6fb, 0x1f2f3d};
    }
    return {0x5f6b70, 0x9ba7ad};
}

double luminance(const QColor &c)
{
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    const QColor rgb = c.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF());
}

// Every role of every group set, so nothing is filled in from the platform's palette.
QPalette complete(const QPalette &source)
{
    QPalette palette;
    for (int g = 0; g < QPalette::NColorGroups; ++g) {
        const auto group = QPalette::ColorGroup(g);
        for (int r = 0; r < QPalette::NColorRoles; ++r) {
            const auto role = QPalette::ColorRole(r);
            if (role == QPalette::NoRole)
                continue;
            palette.setBrush(group, role, source.brush(group, role));
        }
    }
    return palette;
}

bool isFusion(const QStyle *style)
{
    return style && style->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) == 0;
}
} // namespace

Theme::Theme(QObject *parent)
    : QObject(parent)
{
    m_systemStyle = QApplication::style()->name();
    qApp->installEventFilter(this);
}

Theme *Theme::instance()
{
    static QPointer<Theme> theme;
    if (!theme)
        theme = new Theme(qApp);
    return theme;
}

bool Theme::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange)
        Q_EMIT paletteChanged();
    return QObject::eventFilter(watched, event);
}

bool Theme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor Theme::colour(Role role, const QPalette &palette)
{
    const Pair pair = pairOf(role);
    return QColor::fromRgb(isDark(palette) ? pair.dark : pair.light);
}

QColor Theme::colour(Role role)
{
    return colour(role, QApplication::palette());
}

double Theme::contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

QPalette Theme::lightPalette()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return complete(fusion->standardPalette());
}

QPalette Theme::darkPalette()
{
    const QColor window(0x2d, 0x2d, 0x2d);
    const QColor base(0x1e, 0x1e, 0x1e);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabledText(0x80, 0x80, 0x80);
    const QColor button(0x35, 0x35, 0x35);
    const QColor highlight(0x2f, 0x65, 0xca);
    QPalette p;
    for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        const bool disabled = group == QPalette::Disabled;
        p.setColor(group, QPalette::Window, window);
        p.setColor(group, QPalette::WindowText, disabled ? disabledText : text);
        p.setColor(group, QPalette::Base, disabled ? window : base);
        p.setColor(group, QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        p.setColor(group, QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
        p.setColor(group, QPalette::ToolTipText, text);
        p.setColor(group, QPalette::PlaceholderText, disabled ? QColor(0x6a, 0x6a, 0x6a) : QColor(0x9a, 0x9a, 0x9a));
        p.setColor(group, QPalette::Text, disabled ? disabledText : text);
        p.setColor(group, QPalette::Button, button);
        p.setColor(group, QPalette::ButtonText, disabled ? disabledText : text);
        p.setColor(group, QPalette::BrightText, QColor(0xff, 0x7b, 0x72));
        p.setColor(group, QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
        p.setColor(group, QPalette::Midlight, QColor(0x3e, 0x3e, 0x3e));
        p.setColor(group, QPalette::Mid, QColor(0x28, 0x28, 0x28));
        p.setColor(group, QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
        p.setColor(group, QPalette::Shadow, QColor(0x0a, 0x0a, 0x0a));
        p.setColor(group, QPalette::Highlight, disabled ? QColor(0x4a, 0x4a, 0x4a) : highlight);
        p.setColor(group, QPalette::HighlightedText, disabled ? disabledText : QColor(Qt::white));
        p.setColor(group, QPalette::Link, QColor(0x79, 0xb8, 0xff));
        p.setColor(group, QPalette::LinkVisited, QColor(0xc3, 0x9b, 0xff));
    }
    return p;
}

Theme::Mode Theme::mode()
{
    return instance()->m_mode;
}

void Theme::apply(Mode mode)
{
    Theme *theme = instance();
    theme->m_mode = mode;
    if (mode == Mode::System) {
        if (QApplication::style()->name().compare(theme->m_systemStyle, Qt::CaseInsensitive) != 0)
            QApplication::setStyle(theme->m_systemStyle);
        // A palette that sets no role: the platform's (and the style's) again, and it follows the platform's changes.
        QApplication::setPalette(QPalette());
        return;
    }
    if (!isFusion(QApplication::style()))
        QApplication::setStyle(QStringLiteral("Fusion"));
    QApplication::setPalette(mode == Mode::Dark ? darkPalette() : lightPalette());
}

QString Theme::name(Mode mode)
{
    switch (mode) {
    case Mode::System:
        return QStringLiteral("system");
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    }
    return QStringLiteral("system");
}

std::optional<Theme::Mode> Theme::parse(const QString &name)
{
    for (const Mode mode : {Mode::System, Mode::Light, Mode::Dark})
        if (name.compare(Theme::name(mode), Qt::CaseInsensitive) == 0)
            return mode;
    return std::nullopt;
}

Theme::Mode Theme::saved()
{
    return parse(QSettings().value(settingKey).toString()).value_or(Mode::System);
}

void Theme::save(Mode mode)
{
    QSettings().setValue(settingKey, name(mode));
}

void Theme::setTextColour(QWidget *widget, Role role, const QString &extra)
{
    widget->setProperty(roleProperty, int(role));
    widget->setProperty(extraProperty, extra);
    if (!widget->property(boundProperty).toBool()) {
        widget->setProperty(boundProperty, true);
        connect(instance(), &Theme::paletteChanged, widget, [widget] { applyTextColour(widget); });
    }
    applyTextColour(widget);
}

void Theme::clearTextColour(QWidget *widget)
{
    widget->setProperty(roleProperty, QVariant());
    widget->setStyleSheet(QString());
}

void Theme::applyTextColour(QWidget *widget)
{
    const QVariant role = widget->property(roleProperty);
    if (!role.isValid())
        return;
    widget->setStyleSheet(QStringLiteral("color: %1; %2")
                              .arg(colour(Role(role.toInt())).name(), widget->property(extraProperty).toString()));
}
