#pragma once

#include <QColor>
#include <QObject>

#include <optional>

class QPalette;
class QWidget;

// The colours that carry a meaning (a fault, a warning, a healthy node, …) live here, each with a value for a light
// and one for a dark palette; which one is used follows the palette it is drawn on (Theme::isDark), so text in these
// colours keeps a contrast of at least 4.5:1 on both (WCAG AA; tst_theme measures it).
//
// The theme itself: System follows the platform's palette as it changes; Light and Dark force the Fusion style with a
// complete palette of their own. Qt 6.4 has no QStyleHints::colorScheme, so "dark" is a window colour darker than
// mid-grey. Whatever changes the application palette, paletteChanged() follows; widgets whose style sheets carry a
// colour are given it again then (setTextColour does that by itself), painted widgets read the colours as they paint.
class Theme final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Theme)

public:
    enum class Mode { System, Light, Dark };
    Q_ENUM(Mode)
    enum class Role {
        Fault,             // red: something the user should act on
        Warning,           // amber: passing trouble, a caution
        Ok,                // green-teal: healthy, passed
        Muted,             // grey: not known yet, not permitted, secondary text
        Accent,            // blue: information, JSON member names
        Emphasis,          // magenta: JSON numbers
        Production,        // the production mark, as text (the tab's title)
        ProductionBar,     // the production bar's background; its text is white on both
        WarningBackground, // a warning banner's background
        InfoBackground,    // an information banner's background
    };
    Q_ENUM(Role)

    static Theme *instance();

    static bool isDark(const QPalette &palette);
    static QColor colour(Role role, const QPalette &palette);
    // In the application's palette.
    static QColor colour(Role role);
    // The WCAG contrast ratio of two colours, 1 to 21.
    static double contrast(const QColor &a, const QColor &b);
    static QPalette lightPalette();
    static QPalette darkPalette();

    static Mode mode();
    // Applies a mode at once (no restart): style and palette.
    static void apply(Mode mode);
    // "system", "light", "dark": the setting's value and the --theme option's.
    static QString name(Mode mode);
    static std::optional<Mode> parse(const QString &name);
    // The saved choice (QSettings "ui/theme"), System when none or unknown.
    static Mode saved();
    static void save(Mode mode);

    // A widget's style sheet "color: <the role's colour>; <extra>", set now and again whenever the palette changes.
    static void setTextColour(QWidget *widget, Role role, const QString &extra = {});
    // Back to the palette's text colour.
    static void clearTextColour(QWidget *widget);

Q_SIGNALS:
    // The application's palette changed: a mode was applied, or (System) the platform's palette changed.
    void paletteChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit Theme(QObject *parent);
    static void applyTextColour(QWidget *widget);

    QString m_systemStyle; // the style the platform chose, for going back to System
    Mode m_mode = Mode::System;
};
