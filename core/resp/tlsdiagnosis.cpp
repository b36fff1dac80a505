#include "tlsdiagnosis.h"

#include <QCryptographicHash>
#include <QStringList>

QString TlsDiagnosis::distinguishedName(const QSslCertificate &certificate, bool issuer)
{
    QStringList parts;
    for (const auto &[attribute, tag] :
         {std::pair{QSslCertificate::CommonName, "CN"}, std::pair{QSslCertificate::Organization, "O"},
          std::pair{QSslCertificate::OrganizationalUnitName, "OU"}}) {
        const QStringList values = issuer ? certificate.issuerInfo(attribute) : certificate.subjectInfo(attribute);
        for (const QString &value : values)
            parts << QLatin1String(tag) + QLatin1Char('=') + value;
    }
    return parts.isEmpty() ? QStringLiteral("(no name)") : parts.join(QStringLiteral(", "));
}

QStringList TlsDiagnosis::names(const QSslCertificate &certificate)
{
    const auto alternatives = certificate.subjectAlternativeNames();
    QStringList out = alternatives.values(QSsl::DnsEntry);
    out += alternatives.values(QSsl::IpAddressEntry);
    if (out.isEmpty())
        out = certificate.subjectInfo(QSslCertificate::CommonName);
    return out;
}

QString TlsDiagnosis::describe(const QList<QSslError> &errors, const QSslCertificate &peer, const QString &dialled)
{
    // One sentence per kind of fault, most actionable first; a chain often fails in several ways at once (a
    // self-signed, expired certificate), and the user needs all of them.
    QStringList said;
    const auto say = [&said](const QString &text) {
        if (!said.contains(text))
            said << text;
    };
    for (const QSslError &error : errors) {
        const QSslCertificate cert = error.certificate().isNull() ? peer : error.certificate();
        switch (error.error()) {
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
        case QSslError::SelfSignedCertificateInChain: // the chain ends in a CA nobody here trusts
            say(QStringLiteral("the certificate is signed by an unknown authority (issuer %1); give its CA with "
                               "--cacert")
                    .arg(distinguishedName(peer.isNull() ? cert : peer, true)));
            break;
        case QSslError::SelfSignedCertificate:
            say(QStringLiteral("the certificate is self-signed (%1); give it with --cacert, or pin its fingerprint")
                    .arg(distinguishedName(cert, false)));
            break;
        case QSslError::CertificateExpired:
            say(QStringLiteral("the certificate expired on %1 (subject %2)")
                    .arg(cert.expiryDate().toUTC().toString(Qt::ISODate), distinguishedName(cert, false)));
            break;
        case QSslError::CertificateNotYetValid:
            say(QStringLiteral("the certificate is not valid before %1 (subject %2); check this machine's clock")
                    .arg(cert.effectiveDate().toUTC().toString(Qt::ISODate), distinguishedName(cert, false)));
            break;
        case QSslError::HostNameMismatch:
            say(QStringLiteral("the certificate is for %1, not %2; if it was issued for a hostname while Sentinel "
                               "reports addresses, give that name with --sni")
                    .arg(names(cert).join(QStringLiteral(", ")), dialled));
            break;
        case QSslError::CertificateRevoked:
            say(QStringLiteral("the certificate was revoked (subject %1)").arg(distinguishedName(cert, false)));
            break;
        case QSslError::NoPeerCertificate:
            say(QStringLiteral("the server sent no certificate"));
            break;
        default:
            say(error.errorString());
        }
    }
    return said.join(QStringLiteral("; "));
}

QByteArray TlsDiagnosis::sha256(const QSslCertificate &certificate)
{
    return QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256).toHex();
}
