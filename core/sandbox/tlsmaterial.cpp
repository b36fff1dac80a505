#include "tlsmaterial.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTimeZone>

namespace {
const QString node = QStringLiteral("sandbox TLS");

VigilError tlsError(const QString &step, const QString &message)
{
    return {VigilError::Kind::Usage, node, step, message};
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(contents) == contents.size();
}

QString opensslTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyyMMddHHmmss")) + QLatin1Char('Z');
}
} // namespace

TlsMaterial::TlsMaterial(QString dir)
    : m_dir(std::move(dir))
{
}

QString TlsMaterial::path(const QString &file) const
{
    return QDir(m_dir).filePath(file);
}

QString TlsMaterial::caCertificate() const
{
    return path(QStringLiteral("ca.crt"));
}

VigilError TlsMaterial::findOpenssl(QString *program)
{
    *program = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (program->isEmpty())
        return tlsError(QStringLiteral("find openssl"),
                        QStringLiteral("the openssl command is not installed (sudo apt install openssl)"));
    return {};
}

VigilError TlsMaterial::run(const QString &step, const QStringList &arguments) const
{
    QString openssl;
    if (const VigilError error = findOpenssl(&openssl); error.isError())
        return error;
    QProcess process;
    process.setWorkingDirectory(m_dir);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(openssl, arguments);
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(1000);
        return tlsError(step, QStringLiteral("openssl did not finish within 30 s"));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return tlsError(
            step,
            QStringLiteral("openssl failed: %1").arg(QString::fromLocal8Bit(process.readAll()).trimmed().left(500)));
    return {};
}

VigilError TlsMaterial::createCa(const QString &commonName)
{
    if (!QDir().mkpath(m_dir))
        return tlsError(QStringLiteral("create folder"), QStringLiteral("cannot create %1").arg(m_dir));
    if (QFile::exists(caCertificate()) && QFile::exists(path(QStringLiteral("ca.key"))))
        return {};
    // `openssl ca` keeps its books in files: an index, a serial number, and a configuration that copies the
    // request's extensions. It is what lets a test sign a certificate whose validity ended yesterday.
    const QByteArray config = "[ ca ]\ndefault_ca = sandbox\n"
                              "[ sandbox ]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
                              "default_md = sha256\npolicy = any\nunique_subject = no\ncopy_extensions = copy\n"
                              "[ any ]\ncommonName = supplied\n"
                              "[ leaf ]\nbasicConstraints = CA:FALSE\n"
                              "keyUsage = digitalSignature, keyEncipherment\n"
                              "extendedKeyUsage = serverAuth, clientAuth\n";
    if (!writeFile(path(QStringLiteral("ca.cnf")), config) || !writeFile(path(QStringLiteral("index.txt")), {})
        || !writeFile(path(QStringLiteral("serial")), "1000\n"))
        return tlsError(QStringLiteral("create CA"), QStringLiteral("cannot write in %1").arg(m_dir));
    return run(QStringLiteral("create CA"),
               {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-new"), QStringLiteral("-nodes"),
                QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-keyout"), QStringLiteral("ca.key"),
                QStringLiteral("-out"), QStringLiteral("ca.crt"), QStringLiteral("-days"), QStringLiteral("3650"),
                QStringLiteral("-subj"), QLatin1Char('/') + QStringLiteral("CN=") + commonName});
}

VigilError TlsMaterial::issue(const QString &name, const QStringList &names, Validity validity, Pair *pair)
{
    const QString key = name + QStringLiteral(".key");
    const QString request = name + QStringLiteral(".csr");
    const QString certificate = name + QStringLiteral(".crt");
    const QString extensions = name + QStringLiteral(".ext");
    QByteArray ext = "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\n"
                     "extendedKeyUsage = serverAuth, clientAuth\n";
    if (!names.isEmpty())
        ext += "subjectAltName = " + names.join(QLatin1Char(',')).toUtf8() + '\n';
    if (!writeFile(path(extensions), ext))
        return tlsError(QStringLiteral("issue %1").arg(name), QStringLiteral("cannot write in %1").arg(m_dir));
    if (VigilError error
        = run(QStringLiteral("issue %1").arg(name),
              {QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-nodes"), QStringLiteral("-newkey"),
               QStringLiteral("ec"), QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
               QStringLiteral("-keyout"), key, QStringLiteral("-out"), request, QStringLiteral("-subj"),
               QStringLiteral("/CN=") + name});
        error.isError())
        return error;
    // Yesterday as the boundary: a year from it, or ending at it.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime start = validity == Validity::Current ? now.addDays(-1) : now.addDays(-30);
    const QDateTime end = validity == Validity::Current ? now.addDays(365) : now.addDays(-1);
    if (VigilError error
        = run(QStringLiteral("issue %1").arg(name),
              {QStringLiteral("ca"), QStringLiteral("-batch"), QStringLiteral("-notext"), QStringLiteral("-config"),
               QStringLiteral("ca.cnf"), QStringLiteral("-cert"), QStringLiteral("ca.crt"), QStringLiteral("-keyfile"),
               QStringLiteral("ca.key"), QStringLiteral("-in"), request, QStringLiteral("-out"), certificate,
               QStringLiteral("-startdate"), opensslTime(start), QStringLiteral("-enddate"), opensslTime(end),
               QStringLiteral("-extfile"), extensions});
        error.isError())
        return error;
    QFile::setPermissions(path(key), QFile::ReadOwner | QFile::WriteOwner);
    *pair = {path(certificate), path(key)};
    return {};
}

VigilError TlsMaterial::encryptKey(const QString &key, const QString &passphraseFile, const QString &name,
                                   QString *encrypted)
{
    const QString out = name + QStringLiteral(".key");
    if (VigilError error = run(QStringLiteral("encrypt %1").arg(name),
                               {QStringLiteral("pkcs8"), QStringLiteral("-topk8"), QStringLiteral("-in"), key,
                                QStringLiteral("-out"), out, QStringLiteral("-v2"), QStringLiteral("aes-256-cbc"),
                                QStringLiteral("-passout"), QStringLiteral("file:") + passphraseFile});
        error.isError())
        return error;
    QFile::setPermissions(path(out), QFile::ReadOwner | QFile::WriteOwner);
    *encrypted = path(out);
    return {};
}
