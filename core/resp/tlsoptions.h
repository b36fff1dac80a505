#pragma once

#include <QByteArray>
#include <QString>

// How a connection speaks TLS. Off by default; on, it verifies by default: the peer's chain against the system CAs
// (or caFile / caDir), and its name against the address dialled (an IP must match an IP subjectAltName), or against
// verifyName when the certificates were issued for a hostname while Sentinel reports addresses (--sni).
struct TlsOptions
{
    bool enabled = false;
    QString caFile;           // PEM bundle to trust instead of the system CAs
    QString caDir;            // a folder of PEM files to trust instead of the system CAs
    QString certFile;         // client certificate (mTLS), PEM
    QString keyFile;          // its key, PEM, encrypted or not
    QByteArray keyPassphrase; // in memory only, like every secret
    QString verifyName;       // the name to send (SNI) and to check the certificate against, instead of the host
    bool insecure = false;    // no verification at all: only when asked for explicitly, and then shown everywhere
    // SHA-256 of the peer certificate (hex, lower case) trusted whatever its chain says, the way SSH pins host keys.
    // A certificate with another digest is refused, with both digests in the error.
    QByteArray pinnedSha256;

    bool operator==(const TlsOptions &) const = default;
};
