#pragma once

#include <QDir>
#include <QFile>
#include <QList>
#include <QString>

// The processes whose working directory is `folder` or inside it. A sandbox starts its nodes there and Redis moves
// into its node's own folder below it, so these are the servers a sandbox folder belongs to, whoever started them
// and even after the folder is deleted (the kernel then shows the path with " (deleted)").
inline QList<qint64> processesWorkingIn(const QString &folder)
{
    const QString root = QDir(folder).absolutePath();
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        const QString cwd = QFile::symLinkTarget(QStringLiteral("/proc/%1/cwd").arg(entry));
        if (cwd == root || cwd.startsWith(root + QLatin1Char('/')) || cwd == root + QStringLiteral(" (deleted)"))
            pids.append(pid);
    }
    return pids;
}
