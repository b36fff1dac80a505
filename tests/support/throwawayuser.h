#pragma once

#include <QByteArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QString>

#include <unistd.h>

// A system user with a known password, for the tests of SSH password logins: made with useradd (no home, a shell that
// allows no session) and chpasswd (the password on its standard input, never in argv), and removed with userdel when
// this goes, whether the test passed or not. A leftover of a run that was killed is removed first. Only root can make
// one; otherwise exists() is false and whyNot() says so, for the test to skip with that reason.
class ThrowawayUser final
{
public:
    explicit ThrowawayUser(const QString &name)
        : m_name(name)
    {
        if (::geteuid() != 0) {
            m_whyNot = QStringLiteral("password logins need a throwaway system user, and only root can make one");
            return;
        }
        run(QStringLiteral("userdel"), {m_name});
        if (const QString error = run(QStringLiteral("useradd"), {QStringLiteral("-M"), QStringLiteral("-s"),
                                                                  QStringLiteral("/usr/sbin/nologin"), m_name});
            !error.isEmpty()) {
            m_whyNot = QStringLiteral("useradd %1 failed: %2").arg(m_name, error);
            return;
        }
        m_created = true;
        m_password = "pw-" + QByteArray::number(QRandomGenerator::system()->generate64(), 36);
        if (const QString error = run(QStringLiteral("chpasswd"), {}, m_name.toUtf8() + ':' + m_password + '\n');
            !error.isEmpty())
            m_whyNot = QStringLiteral("chpasswd for %1 failed: %2").arg(m_name, error);
    }

    ~ThrowawayUser()
    {
        if (m_created)
            run(QStringLiteral("userdel"), {m_name});
    }

    ThrowawayUser(const ThrowawayUser &) = delete;
    ThrowawayUser &operator=(const ThrowawayUser &) = delete;

    bool exists() const { return m_created && m_whyNot.isEmpty(); }
    QString whyNot() const { return m_whyNot; }
    QString name() const { return m_name; }
    QByteArray password() const { return m_password; }

private:
    // Empty when the program ran and exited 0; else what it said.
    static QString run(const QString &program, const QStringList &arguments, const QByteArray &input = {})
    {
        QProcess process;
        process.start(program, arguments);
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(30000))
            return QStringLiteral("did not finish");
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
        return {};
    }

    QString m_name;
    QString m_whyNot;
    QByteArray m_password;
    bool m_created = false;
};
