#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

// What went wrong in a TLS handshake, in words a user can act on, from what Qt reports (the verification errors and
// the certificate the peer sent):
//   "the certificate is signed by an unknown authority (issuer CN=Acme CA); give its CA with --cacert"
//   "the certificate expired on 2026-11-29 (subject CN=redis-1)"
//   "the certificate is for redis-1.internal, 10.0.0.7, not 10.0.0.5; if it was issued for a hostname, use --sni"
// The caller adds the node and the step ("sentinel 10.0.0.5:26379: TLS handshake: ...").
namespace TlsDiagnosis {
// `dialled` is the name the connection checked the certificate against (an address, or the --sni name).
QString describe(const QList<QSslError> &errors, const QSslCertificate &peer, const QString &dialled);
// "CN=Acme CA, O=Acme" from the parts a certificate names itself or its issuer by.
QString distinguishedName(const QSslCertificate &certificate, bool issuer);
// The names a certificate holds: its DNS and IP subjectAltNames, or its common name when it has none.
QStringList names(const QSslCertificate &certificate);
// The SHA-256 of the certificate (DER), hex in lower case: what a pin holds.
QByteArray sha256(const QSslCertificate &certificate);
} // namespace TlsDiagnosis
