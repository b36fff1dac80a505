#pragma once

#include <QByteArrayView>
#include <QColor>
#include <QStyledItemDelegate>

class QPalette;

// Paints the key tree's name column with a type badge in front of each key's name: a small rounded tag with the
// type's name in capitals (STRING, HASH, LIST, SET, ZSET, STREAM, JSON for the ReJSON module's type, the raw name for
// any other module type), from KeyTreeModel::KeyTypeRole. The word is always there; the colour only helps. Key rows
// keep the badge's slot while their type is still loading, so names do not jump, and at any width it is the name that
// is elided, never the badge. The row height is the view's own: the badge's font is smaller than the row's.
//
// The colours come in two sets, chosen by the view's palette: deep tags with white words on a light base, light tags
// with near-black words on a dark one. tst_typebadges checks every pair for contrast.
class TypeBadgeDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TypeBadgeDelegate)

public:
    struct Colours
    {
        QColor background;
        QColor text;
    };

    explicit TypeBadgeDelegate(QObject *parent = nullptr);
    ~TypeBadgeDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

protected:
    // A "more" row is cut at its end, not in its middle: its start says how many keys are behind it.
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

public:
    // "HASH" for "hash", "JSON" for "ReJSON-RL", the name itself for another module's type.
    static QString label(QByteArrayView type);
    static Colours colours(QByteArrayView type, bool dark);
    // A palette whose base (the tree's background) is dark.
    static bool isDark(const QPalette &palette);
    static QFont badgeFont(const QFont &rowFont);
    // The slot a key row keeps for its badge: the widest of the standard labels.
    static int slotWidth(const QFont &rowFont);
    // Where the badge of a key row is painted within its cell (tests use it to look at the pixels).
    static QRect badgeRect(const QStyleOptionViewItem &option, const QString &label);
};
