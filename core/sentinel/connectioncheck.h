#pragma once

#include "common/vigilerror.h"
#include "masterresolver.h"

#include <QObject>
#include <QStringList>

// "Test connection", step by step, on a worker thread: a sentinel answers, it knows the master name, the master
// accepts our credentials, and its ROLE says master. Each step reports as it finishes, so the dialog can show where a
// broken configuration breaks. Also lists the masters a sentinel monitors.
class ConnectionCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionCheck)

public:
    enum Step { SentinelReached, MasterKnown, MasterAuth, MasterRole, StepCount };
    static QString stepName(Step step);

    explicit ConnectionCheck(QObject *parent = nullptr);

public Q_SLOTS:
    void run(const SentinelTarget &target);
    void listMasters(const SentinelTarget &target);

Q_SIGNALS:
    void stepFinished(int step, bool ok, const QString &detail);
    void checkFinished(bool ok);
    void mastersListed(const QStringList &names, const QString &error);
};

Q_DECLARE_METATYPE(SentinelTarget)
