#include "typebadge.h"

#include "keytreemodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace {
constexpr int padding = 4; // inside the tag, left and right
constexpr int gap = 5;     // between the tag and the name

struct Entry
{
    const char *type;
    QRgb light; // tag on a light base, white words
    QRgb dark;  // tag on a dark base, near-black words
};

// Hues apart from each other, each pair readable (WCAG contrast of 4.5 or more, checked by tst_typebadge).
constexpr Entry palette[] = {
    {"string", 0x1f5fa8, 0x7fb2f0},    // blue
    {"hash", 0x7b3fa0, 0xc49be8},      // purple
    {"list", 0x2e7035, 0x86d08a},      // green
    {"set", 0xa14700, 0xf0a868},       // orange
    {"zset", 0xb0245a, 0xf08cb0},      // crimson
    {"stream", 0x00707a, 0x6fd0d8},    // teal
    {"ReJSON-RL", 0x7f5500, 0xe8c260}, // amber
};
constexpr Entry other = {"", 0x5c6770, 0xa8b2ba}; // grey: any other module type

const Entry &entryFor(QByteArrayView type)
{
    for (const Entry &e : palette)
        if (type == e.type)
            return e;
    return other;
}

int textMargin(const QStyleOptionViewItem &option)
{
    const QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    return style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, option.widget) + 1;
}

bool isKeyRow(const QModelIndex &index)
{
    return index.column() == KeyTreeModel::NameColumn && !index.data(KeyTreeModel::IsNamespaceRole).toBool()
           && !index.data(KeyTreeModel::IsMoreRole).toBool();
}
} // namespace

TypeBadgeDelegate::TypeBadgeDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

TypeBadgeDelegate::~TypeBadgeDelegate() = default;

QString TypeBadgeDelegate::label(QByteArrayView type)
{
    if (type == "ReJSON-RL")
        return QStringLiteral("JSON");
    for (const Entry &e : palette)
        if (type == e.type)
            return QString::fromLatin1(e.type).toUpper();
    return QString::fromUtf8(type); // a module's own name, as TYPE gives it
}

TypeBadgeDelegate::Colours TypeBadgeDelegate::colours(QByteArrayView type, bool dark)
{
    const Entry &e = entryFor(type);
    return dark ? Colours{QColor::fromRgb(e.dark), QColor::fromRgb(0x10, 0x14, 0x18)}
                : Colours{QColor::fromRgb(e.light), QColor(Qt::white)};
}

bool TypeBadgeDelegate::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QFont TypeBadgeDelegate::badgeFont(const QFont &rowFont)
{
    QFont font = rowFont;
    font.setStrikeOut(false);
    font.setItalic(false);
    font.setBold(true);
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * 0.75);
    else
        font.setPixelSize(qMax(8, font.pixelSize() * 3 / 4));
    return font;
}

int TypeBadgeDelegate::slotWidth(const QFont &rowFont)
{
    const QFontMetrics metrics(badgeFont(rowFont));
    int widest = 0;
    for (const Entry &e : palette)
        widest = qMax(widest, metrics.horizontalAdvance(label(e.type)));
    return widest + 2 * padding;
}

QRect TypeBadgeDelegate::badgeRect(const QStyleOptionViewItem &option, const QString &label)
{
    const QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    const QRect text = style->subElementRect(QStyle::SE_ItemViewItemText, &option, option.widget);
    const QFontMetrics metrics(badgeFont(option.font));
    const int slot = slotWidth(option.font);
    // A module's long name may be wider than the slot, but never takes more than half of the cell.
    const int width = qMin(qMax(slot, metrics.horizontalAdvance(label) + 2 * padding), qMax(slot, text.width() / 2));
    const int height = qMin(text.height() - 2, metrics.height() + 2);
    return {text.left() + textMargin(option), text.top() + (text.height() - height) / 2, width, height};
}

void TypeBadgeDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(KeyTreeModel::IsMoreRole).toBool())
        option->textElideMode = Qt::ElideRight;
}

void TypeBadgeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (!isKeyRow(index)) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = opt.widget;
    const QStyle *style = widget ? widget->style() : QApplication::style();
    const QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
    const QString text = opt.text;
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background, selection, icon, focus

    const QByteArray type = index.data(KeyTreeModel::KeyTypeRole).toByteArray();
    const QString word = type.isEmpty() ? QString() : label(type);
    QRect badge = badgeRect(opt, word);
    const int nameLeft = qMax(badge.right() + 1, textRect.left() + textMargin(opt) + slotWidth(opt.font)) + gap;

    painter->save();
    if (!word.isEmpty()) {
        const Colours c = colours(type, isDark(opt.palette));
        painter->setRenderHint(QPainter::Antialiasing);
        QPainterPath path;
        path.addRoundedRect(QRectF(badge).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
        painter->fillPath(path, c.background);
        const QFont font = badgeFont(opt.font);
        painter->setFont(font);
        painter->setPen(c.text);
        const QString shown = QFontMetrics(font).elidedText(word, Qt::ElideRight, badge.width() - 2 * padding + 1);
        painter->drawText(badge, Qt::AlignCenter, shown);
    }
    // The name gets what is left, elided as the view says (in the middle): the badge is never the one cut.
    const QRect nameRect(nameLeft, textRect.top(), qMax(0, textRect.right() - textMargin(opt) - nameLeft + 1),
                         textRect.height());
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
                                       : (opt.state & QStyle::State_Active) ? QPalette::Normal
                                                                            : QPalette::Inactive;
    painter->setFont(opt.font);
    painter->setPen(opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(nameRect, static_cast<int>(opt.displayAlignment),
                      opt.fontMetrics.elidedText(text, opt.textElideMode, nameRect.width()));
    painter->restore();
}

QSize TypeBadgeDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (isKeyRow(index))
        size.rwidth() += slotWidth(option.font) + gap; // the height stays the row's own
    return size;
}
