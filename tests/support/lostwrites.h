#pragma once

#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QtGlobal>

// A failover that really loses writes, on a sandbox, for the integration and GUI tests of "missing after failover":
//  1. pause both replicas (SIGSTOP);
//  2. write far more to the master than the replication sockets can buffer (150,000 keys of 1 KB through
//     `redis-cli --pipe`), so most of it waits in the master's replica output buffer;
//  3. kill -9 the master and resume the replicas.
// The sentinels then promote a replica that lacks the tail of those writes. A scan that listed some of them on the old
// master must report exactly those as missing after the failover. Failures print why and return false, for the
// caller to QVERIFY.
namespace LostWrites {

struct Setup
{
    quint16 master = 0;
    QList<quint16> replicas;
    QList<QByteArray> written; // the keys the master acknowledged
};

// 150 MB: loopback sockets buffer a few MB each way, the replica output buffer's hard limit is 256 MB.
constexpr int defaultKeys = 150000;
constexpr int defaultValueBytes = 1024;

// Steps 1 and 2. Keys are `prefix` plus a number; the master must be the one the sentinels name.
inline bool pauseReplicasAndWrite(Sandbox &sandbox, const QByteArray &prefix, Setup *setup, int keys = defaultKeys,
                                  int valueBytes = defaultValueBytes)
{
    *setup = {};
    setup->master = sandbox.currentMasterPort();
    if (!setup->master) {
        qWarning("no sentinel names a master");
        return false;
    }
    setup->replicas = sandbox.dataPorts();
    setup->replicas.removeAll(setup->master);
    for (quint16 replica : std::as_const(setup->replicas)) {
        if (const VigilError error = sandbox.pauseNode(replica); error.isError()) {
            qWarning("%s", qPrintable(error.toString()));
            return false;
        }
    }

    // The protocol stream goes through a file: 150 MB is better streamed by redis-cli than held in a QProcess buffer.
    const QString path = QDir(sandbox.dir()).filePath(QStringLiteral("lost-writes.resp"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        qWarning("cannot write %s", qPrintable(path));
        return false;
    }
    const QByteArray value(valueBytes, 'v');
    const QByteArray valueHeader = '$' + QByteArray::number(valueBytes) + "\r\n";
    setup->written.reserve(keys);
    for (int i = 0; i < keys; ++i) {
        const QByteArray key = prefix + QByteArray::number(i).rightJustified(6, '0');
        setup->written.append(key);
        file.write("*3\r\n$3\r\nSET\r\n$" + QByteArray::number(key.size()) + "\r\n" + key + "\r\n" + valueHeader + value
                   + "\r\n");
    }
    file.close();

    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QStringList arguments = {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                             QString::number(setup->master), QStringLiteral("--pipe")};
    if (!sandbox.dataPassword().isEmpty()) {
        // Never on the command line, where ps shows it.
        env.insert(QStringLiteral("REDISCLI_AUTH"), QString::fromUtf8(sandbox.dataPassword()));
        if (!sandbox.dataUser().isEmpty())
            arguments << QStringLiteral("--user") << QString::fromUtf8(sandbox.dataUser());
    }
    cli.setProcessEnvironment(env);
    cli.setStandardInputFile(path);
    cli.start(QStringLiteral("redis-cli"), arguments);
    const bool done = cli.waitForFinished(300000);
    QFile::remove(path);
    const QByteArray output = cli.readAllStandardOutput() + cli.readAllStandardError();
    const QByteArray expected = "errors: 0, replies: " + QByteArray::number(keys);
    if (!done || cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0 || !output.contains(expected)) {
        qWarning("redis-cli --pipe to 127.0.0.1:%u failed: %s", setup->master, output.constData());
        if (!done)
            cli.kill();
        return false;
    }
    return true;
}

// Step 3: whatever still waits in the dead master's buffers is gone; the replicas wake up without it.
inline bool killMasterAndResumeReplicas(Sandbox &sandbox, const Setup &setup)
{
    if (const VigilError error = sandbox.killNode(setup.master); error.isError()) {
        qWarning("%s", qPrintable(error.toString()));
        return false;
    }
    for (quint16 replica : setup.replicas) {
        if (const VigilError error = sandbox.resumeNode(replica); error.isError()) {
            qWarning("%s", qPrintable(error.toString()));
            return false;
        }
    }
    return true;
}

// Which of `keys` the node on `port` lacks, asked with EXISTS over a connection of its own (not the scan's).
inline bool absentOn(const Sandbox &sandbox, quint16 port, const QList<QByteArray> &keys, QSet<QByteArray> *absent)
{
    absent->clear();
    RedisConnection node(sandbox.dataOptions(port));
    if (const VigilError error = node.openBlocking(); error.isError()) {
        qWarning("%s", qPrintable(error.toString()));
        return false;
    }
    constexpr qsizetype chunk = 1000;
    for (qsizetype from = 0; from < keys.size(); from += chunk) {
        QList<RespCommand> commands;
        const qsizetype to = qMin(keys.size(), from + chunk);
        for (qsizetype i = from; i < to; ++i)
            commands.append({"EXISTS", keys.at(i)});
        const QList<RespResult> replies = node.executePipeline(commands);
        for (qsizetype i = 0; i < replies.size(); ++i) {
            if (!replies.at(i).ok() || !replies.at(i).value.isInteger()) {
                qWarning("EXISTS on 127.0.0.1:%u failed: %s", port, qPrintable(replies.at(i).error.toString()));
                return false;
            }
            if (replies.at(i).value.toInteger() == 0)
                absent->insert(keys.at(from + i));
        }
    }
    return true;
}

} // namespace LostWrites
