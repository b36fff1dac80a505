#pragma once

#include "connectiondialog.h"
#include "sandbox/sandbox.h"

#include <QPushButton>
#include <QTest>
#include <QWidget>

#include <algorithm>

// What the tests of the connection dialog share: its widgets by object name, a sandbox's sentinels as a user types
// them, and Test connection run to its end.
namespace DialogFixture {

template<typename T>
T *field(QWidget &parent, const char *name)
{
    T *w = parent.findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no widget %s", name);
    return w;
}

// "127.0.0.1:26379, 127.0.0.1:26380, ..."
inline QString seeds(const Sandbox &sandbox)
{
    QStringList list;
    for (quint16 port : sandbox.sentinelPorts())
        list.append(QStringLiteral("127.0.0.1:%1").arg(port));
    return list.join(QStringLiteral(", "));
}

// Clicks Test connection and waits until each of the `steps` lines has ended (passed, failed or not tried).
inline QStringList testConnection(ConnectionDialog &dialog, int steps)
{
    QTest::mouseClick(field<QPushButton>(dialog, "test"), Qt::LeftButton);
    const auto done = [&dialog, steps] {
        const QStringList lines = dialog.checkResults();
        return lines.size() == steps && std::none_of(lines.cbegin(), lines.cend(), [](const QString &line) {
                   return line.startsWith(QStringLiteral("…"));
               });
    };
    if (!QTest::qWaitFor(done, 20000))
        qWarning("the check did not end: %s", qPrintable(dialog.checkResults().join(QLatin1Char('\n'))));
    return dialog.checkResults();
}

} // namespace DialogFixture
