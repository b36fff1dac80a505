#include "respcommand.h"

#include <QString>
#include <QVarLengthArray>

#include <hiredis.h>
#include <new>

QByteArray Resp::encode(const RespCommand &command)
{
    QVarLengthArray<const char *, 16> argv;
    QVarLengthArray<size_t, 16> argvlen;
    argv.reserve(command.size());
    argvlen.reserve(command.size());
    for (const QByteArray &arg : command) {
        argv.append(arg.constData());
        argvlen.append(static_cast<size_t>(arg.size()));
    }
    char *target = nullptr;
    const int len = redisFormatCommandArgv(&target, static_cast<int>(argv.size()), argv.data(), argvlen.data());
    if (len < 0)
        throw std::bad_alloc();
    QByteArray encoded(target, len);
    redisFreeCommand(target);
    return encoded;
}

QString Resp::describe(const RespCommand &command)
{
    if (command.isEmpty())
        return QStringLiteral("(empty command)");
    const QByteArray name = command.first().toUpper();
    // Subcommands and small numeric arguments make the step clearer; nothing else is shown.
    static const QList<QByteArray> withSubcommand = {"CLIENT", "SENTINEL", "CONFIG", "OBJECT", "MEMORY", "ACL"};
    if (withSubcommand.contains(name) && command.size() > 1)
        return QString::fromLatin1(name + ' ' + command.at(1).toUpper());
    if (name == "SELECT" && command.size() > 1)
        return QString::fromLatin1(name + ' ' + command.at(1).left(8));
    return QString::fromLatin1(name);
}
