#pragma once

#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStringList>

// The files under a folder (hidden ones too), and which of them hold some bytes: where a test looks for a secret
// that must not have reached the disk.
struct HomeFiles
{
    static QStringList all(const QString &root)
    {
        QStringList files;
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
        files.sort();
        return files;
    }

    static QStringList holding(const QString &root, const QByteArray &needle)
    {
        QStringList found;
        for (const QString &path : all(root)) {
            QFile file(path);
            if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
                found.append(path);
        }
        return found;
    }
};
