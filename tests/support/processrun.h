#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

// Runs one of the built programs as a user would, with no standard input, and collects what it wrote. A program
// that does not finish within timeoutMs is killed and reported with exit code -1.
struct ProcessRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    static ProcessRun of(const QString &program, const QStringList &arguments, const QProcessEnvironment &env,
                         int timeoutMs)
    {
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(program, arguments);
        process.closeWriteChannel();
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
        }
        ProcessRun run;
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }
};
