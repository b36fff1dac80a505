#pragma once

#include <QLocale>
#include <QString>

// "1 key", "2 keys", "1,234 keys". Qt's %n plurals need a translation file even for English; Vigil has none yet, so
// user-visible counts go through here.
inline QString countOf(qint64 n, const QString &one, const QString &many)
{
    return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}
