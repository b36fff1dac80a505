#include "sandbox/tlsmaterial.h"

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

// The certificates a TLS sandbox and the TLS tests are made of: what they say (names, issuer, validity), that
// openssl and Qt read them the same way, and that a real redis-server serves TLS with them to a QSslSocket that
// trusts only the sandbox's CA.
class TestTlsMaterial final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TlsMaterial> m_tls;
    TlsMaterial::Pair m_server;

    QString verify(const QString &certificate) const
    {
        QString openssl;
        TlsMaterial::findOpenssl(&openssl);
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(openssl,
                      {QStringLiteral("verify"), QStringLiteral("-CAfile"), m_tls->caCertificate(), certificate});
        process.waitForFinished(30000);
        return QString::fromLocal8Bit(process.readAll());
    }

    static QSslCertificate load(const QString &path)
    {
        const QList<QSslCertificate> all = QSslCertificate::fromPath(path);
        return all.isEmpty() ? QSslCertificate() : all.first();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_tls = std::make_unique<TlsMaterial>(m_dir.filePath(QStringLiteral("tls")));
        const VigilError error = m_tls->createCa();
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        QVERIFY(!m_tls
                     ->issue(QStringLiteral("server"), {QStringLiteral("IP:127.0.0.1"), QStringLiteral("DNS:localhost")},
                             TlsMaterial::Validity::Current, &m_server)
                     .isError());
    }

    void aServerCertificateNamesItsAddresses()
    {
        const QSslCertificate ca = load(m_tls->caCertificate());
        const QSslCertificate server = load(m_server.certificate);
        QVERIFY(!ca.isNull() && !server.isNull());
        QCOMPARE(server.subjectInfo(QSslCertificate::CommonName), QStringList{QStringLiteral("server")});
        QCOMPARE(server.issuerInfo(QSslCertificate::CommonName), QStringList{QStringLiteral("Vigil sandbox CA")});
        const auto names = server.subjectAlternativeNames();
        QCOMPARE(names.values(QSsl::IpAddressEntry), QStringList{QStringLiteral("127.0.0.1")});
        QCOMPARE(names.values(QSsl::DnsEntry), QStringList{QStringLiteral("localhost")});
        QVERIFY(server.effectiveDate() < QDateTime::currentDateTimeUtc());
        QVERIFY(server.expiryDate() > QDateTime::currentDateTimeUtc().addDays(300));
        QCOMPARE(verify(m_server.certificate).trimmed(), m_server.certificate + QStringLiteral(": OK"));
        // The key is for the owner only.
        QCOMPARE(QFile::permissions(m_server.key) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    }

    void anExpiredCertificateEndedYesterday()
    {
        TlsMaterial::Pair expired;
        QVERIFY(!m_tls
                     ->issue(QStringLiteral("expired"), {QStringLiteral("IP:127.0.0.1")},
                             TlsMaterial::Validity::Expired, &expired)
                     .isError());
        const QSslCertificate certificate = load(expired.certificate);
        QVERIFY(certificate.expiryDate() < QDateTime::currentDateTimeUtc());
        QVERIFY(certificate.expiryDate() > QDateTime::currentDateTimeUtc().addDays(-2));
        QVERIFY2(verify(expired.certificate).contains(QStringLiteral("certificate has expired")),
                 qPrintable(verify(expired.certificate)));
    }

    void anotherFolderIsAnotherCa()
    {
        TlsMaterial other(m_dir.filePath(QStringLiteral("other")));
        QVERIFY(!other.createCa(QStringLiteral("Someone else's CA")).isError());
        TlsMaterial::Pair stranger;
        QVERIFY(!other
                     .issue(QStringLiteral("stranger"), {QStringLiteral("IP:127.0.0.1")},
                            TlsMaterial::Validity::Current, &stranger)
                     .isError());
        QVERIFY(!verify(stranger.certificate).contains(QStringLiteral(": OK")));
    }

    void anEncryptedKeyNeedsItsPassphrase()
    {
        const QString passphraseFile = m_dir.filePath(QStringLiteral("passphrase"));
        QFile file(passphraseFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("correct horse\n");
        file.close();
        QString encrypted;
        const VigilError error
            = m_tls->encryptKey(m_server.key, passphraseFile, QStringLiteral("server-encrypted"), &encrypted);
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        QFile pem(encrypted);
        QVERIFY(pem.open(QIODevice::ReadOnly));
        const QByteArray bytes = pem.readAll();
        QVERIFY(bytes.contains("ENCRYPTED PRIVATE KEY"));
        QVERIFY(QSslKey(bytes, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey, "correct horse").isNull() == false);
        QVERIFY(QSslKey(bytes, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey, "wrong").isNull());
    }

    void redisServesTlsWithThem()
    {
        const QString redis = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        QVERIFY2(!redis.isEmpty(), "redis-server is not installed");
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        QProcess server;
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(redis, {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--tls-port"),
                             QString::number(port), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                             QStringLiteral("--tls-cert-file"), m_server.certificate, QStringLiteral("--tls-key-file"),
                             m_server.key, QStringLiteral("--tls-ca-cert-file"), m_tls->caCertificate(),
                             QStringLiteral("--tls-auth-clients"), QStringLiteral("no"), QStringLiteral("--save"),
                             QString(), QStringLiteral("--appendonly"), QStringLiteral("no")});
        QVERIFY(server.waitForStarted(10000));
        const auto stop = qScopeGuard([&server] {
            server.kill();
            server.waitForFinished(5000);
        });

        // A client that trusts the sandbox's CA only, and checks the name against the address it dialled.
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates(QSslCertificate::fromPath(m_tls->caCertificate()));
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        bool answered = false;
        for (int attempt = 0; attempt < 100 && !answered; ++attempt) {
            QSslSocket socket;
            socket.setSslConfiguration(config);
            socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
            if (!socket.waitForEncrypted(5000)) {
                QVERIFY2(socket.sslHandshakeErrors().isEmpty(), qPrintable(socket.errorString()));
                QTest::qWait(50); // not listening yet: try again
                continue;
            }
            QCOMPARE(socket.peerCertificate(), load(m_server.certificate));
            socket.write("PING\r\n");
            QVERIFY(socket.waitForReadyRead(5000));
            QCOMPARE(socket.readAll(), QByteArray("+PONG\r\n"));
            answered = true;
        }
        QVERIFY2(answered, qPrintable(QString::fromLocal8Bit(server.readAll())));
    }
};

QTEST_GUILESS_MAIN(TestTlsMaterial)
#include "tst_tlsmaterial.moc"
