#pragma once

#include "common/vigilerror.h"

#include <QDate>
#include <QString>
#include <QStringList>

// Throwaway certificates for a TLS sandbox and for the tests of what goes wrong with TLS, made with the `openssl`
// command, as Redis's own test suite makes them. Keys are EC P-256 (fast to make); every file lives in one folder.
// Passphrases go to openssl through files (-passin/-passout file:), never on its command line.
//
// issue() signs with this folder's CA; a second TlsMaterial in another folder is "another CA" to a client that
// trusts the first one.
class TlsMaterial final
{
public:
    struct Pair
    {
        QString certificate; // PEM
        QString key;         // PEM
    };

    // Certificate validity: current (a year from yesterday), or ended yesterday (expired).
    enum class Validity { Current, Expired };

    explicit TlsMaterial(QString dir);

    const QString &dir() const { return m_dir; }
    QString caCertificate() const;

    // Makes the CA (once; an existing one is kept).
    VigilError createCa(const QString &commonName = QStringLiteral("Vigil sandbox CA"));
    // A certificate signed by the CA, for a server and a client alike (serverAuth and clientAuth: Redis presents the
    // same pair when it replicates over TLS). `names` are subjectAltNames such as "IP:127.0.0.1" or "DNS:localhost".
    VigilError issue(const QString &name, const QStringList &names, Validity validity, Pair *pair);
    // The same key encrypted with the passphrase in `passphraseFile` (first line), as `name`.key next to the others.
    VigilError encryptKey(const QString &key, const QString &passphraseFile, const QString &name, QString *encrypted);

    // The openssl command (on PATH), or an error that says how to install it.
    static VigilError findOpenssl(QString *program);

private:
    VigilError run(const QString &step, const QStringList &arguments) const;
    QString path(const QString &file) const;

    QString m_dir;
};
