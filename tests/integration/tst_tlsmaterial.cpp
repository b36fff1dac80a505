#include "resp/tlsdiagnosis.h"
#include "sandbox/tlsmaterial.h"

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

// The certificates a TLS sandbox and the TLS tests are made of: what they say (names, issuer, validity), that
// openssl and Qt read them the same way, and that a real redis-server serves TLS with them to a QSslSocket that
// trusts only the sandbox's CA. Then real handshakes that fail (unknown CA, expired, wrong name, self-signed), and
// what TlsDiagnosis says of each.
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

private:
    // A redis-server on tls-port only, with this certificate; stopped when the returned guard goes.
    struct Server
    {
        std::unique_ptr<QProcess> process;
        quint16 port = 0;
        ~Server()
        {
            if (process) {
                process->kill();
                process->waitForFinished(5000);
            }
        }
    };

    std::unique_ptr<Server> startRedis(const TlsMaterial::Pair &pair) const
    {
        const QString redis = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        if (redis.isEmpty())
            return nullptr;
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return nullptr;
        auto server = std::make_unique<Server>();
        server->port = probe.serverPort();
        probe.close();
        server->process = std::make_unique<QProcess>();
        server->process->setProcessChannelMode(QProcess::MergedChannels);
        server->process->start(redis,
                               {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--tls-port"),
                                QString::number(server->port), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                QStringLiteral("--tls-cert-file"), pair.certificate, QStringLiteral("--tls-key-file"),
                                pair.key, QStringLiteral("--tls-ca-cert-file"), m_tls->caCertificate(),
                                QStringLiteral("--tls-auth-clients"), QStringLiteral("no"), QStringLiteral("--save"),
                                QString(), QStringLiteral("--appendonly"), QStringLiteral("no")});
        if (!server->process->waitForStarted(10000))
            return nullptr;
        // Listening once a plain TCP connect gets through.
        for (int attempt = 0; attempt < 200; ++attempt) {
            QTcpSocket socket;
            socket.connectToHost(QStringLiteral("127.0.0.1"), server->port);
            if (socket.waitForConnected(1000))
                return server;
            QTest::qWait(25);
        }
        return nullptr;
    }

    struct Handshake
    {
        bool encrypted = false;
        QList<QSslError> errors;
        QSslCertificate peer;
        QByteArray pong;
    };

    // A client that trusts the sandbox's CA only and checks the name against `host`.
    Handshake handshake(quint16 port, const QString &host = QStringLiteral("127.0.0.1"),
                        const QString &peerName = {}) const
    {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates(QSslCertificate::fromPath(m_tls->caCertificate()));
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        QSslSocket socket;
        socket.setSslConfiguration(config);
        socket.setPeerVerifyName(peerName);
        socket.connectToHostEncrypted(host, port);
        Handshake result;
        result.encrypted = socket.waitForEncrypted(10000);
        result.errors = socket.sslHandshakeErrors();
        result.peer = socket.peerCertificate();
        if (result.encrypted) {
            socket.write("PING\r\n");
            if (socket.waitForReadyRead(5000))
                result.pong = socket.readAll();
        }
        return result;
    }

private Q_SLOTS:
    void redisServesTlsWithThem()
    {
        const auto server = startRedis(m_server);
        QVERIFY2(server, "redis-server did not start on a tls-port");
        const Handshake ok = handshake(server->port);
        QVERIFY2(ok.encrypted, qPrintable(TlsDiagnosis::describe(ok.errors, ok.peer, QStringLiteral("127.0.0.1"))));
        QCOMPARE(ok.peer, load(m_server.certificate));
        QCOMPARE(ok.pong, QByteArray("+PONG\r\n"));
        // The certificate holds localhost too.
        QVERIFY(handshake(server->port, QStringLiteral("localhost")).encrypted);
    }

    void failedHandshakesAreSaidInWords()
    {
        // Signed by another CA.
        TlsMaterial other(m_dir.filePath(QStringLiteral("other")));
        QVERIFY(!other.createCa(QStringLiteral("Someone else's CA")).isError());
        TlsMaterial::Pair stranger;
        QVERIFY(!other
                     .issue(QStringLiteral("stranger"), {QStringLiteral("IP:127.0.0.1")},
                            TlsMaterial::Validity::Current, &stranger)
                     .isError());
        {
            const auto server = startRedis(stranger);
            QVERIFY(server);
            const Handshake h = handshake(server->port);
            QVERIFY(!h.encrypted);
            QCOMPARE(TlsDiagnosis::describe(h.errors, h.peer, QStringLiteral("127.0.0.1")),
                     QStringLiteral("the certificate is signed by an unknown authority (issuer CN=Someone else's CA); "
                                    "give its CA with --cacert"));
        }
        // Expired yesterday.
        TlsMaterial::Pair expired;
        QVERIFY(!m_tls
                     ->issue(QStringLiteral("expired-server"), {QStringLiteral("IP:127.0.0.1")},
                             TlsMaterial::Validity::Expired, &expired)
                     .isError());
        {
            const auto server = startRedis(expired);
            QVERIFY(server);
            const Handshake h = handshake(server->port);
            QVERIFY(!h.encrypted);
            const QString said = TlsDiagnosis::describe(h.errors, h.peer, QStringLiteral("127.0.0.1"));
            QVERIFY2(said.startsWith(QStringLiteral("the certificate expired on %1")
                                         .arg(load(expired.certificate).expiryDate().toUTC().toString(Qt::ISODate))),
                     qPrintable(said));
            QVERIFY2(said.contains(QStringLiteral("(subject CN=expired-server)")), qPrintable(said));
        }
        // Issued for a hostname; Sentinel reports an address.
        TlsMaterial::Pair named;
        QVERIFY(!m_tls
                     ->issue(QStringLiteral("named"), {QStringLiteral("DNS:redis-1.internal")},
                             TlsMaterial::Validity::Current, &named)
                     .isError());
        {
            const auto server = startRedis(named);
            QVERIFY(server);
            const Handshake h = handshake(server->port);
            QVERIFY(!h.encrypted);
            QCOMPARE(TlsDiagnosis::describe(h.errors, h.peer, QStringLiteral("127.0.0.1")),
                     QStringLiteral("the certificate is for redis-1.internal, not 127.0.0.1; if it was issued for a "
                                    "hostname while Sentinel reports addresses, give that name with --sni"));
            // ...which is what --sni is for: the same address, verified as the name the certificate holds.
            QVERIFY(handshake(server->port, QStringLiteral("127.0.0.1"), QStringLiteral("redis-1.internal")).encrypted);
        }
    }
};

QTEST_GUILESS_MAIN(TestTlsMaterial)
#include "tst_tlsmaterial.moc"
