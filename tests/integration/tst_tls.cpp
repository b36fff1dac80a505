#include "resp/redisconnection.h"
#include "resp/tlsdiagnosis.h"
#include "sandbox/tlsmaterial.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
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
// trusts only the sandbox's CA. Then real handshakes that fail (unknown CA, expired, wrong name), and what
// TlsDiagnosis says of each; then RedisConnection over TLS, blocking and asynchronous, and every way its TLS can be
// wrong, each said in words that name the node and the step.
class TestTls final : public QObject
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

    std::unique_ptr<Server> startRedis(const TlsMaterial::Pair &pair, const QStringList &extra = {}) const
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
        QStringList arguments = {QStringLiteral("--port"),
                                 QStringLiteral("0"),
                                 QStringLiteral("--tls-port"),
                                 QString::number(server->port),
                                 QStringLiteral("--bind"),
                                 QStringLiteral("127.0.0.1"),
                                 QStringLiteral("--tls-cert-file"),
                                 pair.certificate,
                                 QStringLiteral("--tls-key-file"),
                                 pair.key,
                                 QStringLiteral("--tls-ca-cert-file"),
                                 m_tls->caCertificate()};
        // The extras win over the defaults: redis-server takes the last of two equal options.
        if (!extra.contains(QStringLiteral("--tls-auth-clients")))
            arguments << QStringLiteral("--tls-auth-clients") << QStringLiteral("no");
        arguments << extra << QStringLiteral("--save") << QString() << QStringLiteral("--appendonly")
                  << QStringLiteral("no");
        server->process->start(redis, arguments);
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

private:
    ConnectionOptions tlsOptions(quint16 port) const
    {
        ConnectionOptions options;
        options.port = port;
        options.role = QStringLiteral("master");
        options.connectTimeoutMs = 10000;
        options.tls.enabled = true;
        options.tls.caFile = m_tls->caCertificate();
        return options;
    }

    static QString failure(ConnectionOptions options)
    {
        RedisConnection connection(std::move(options));
        const VigilError error = connection.openBlocking();
        return error.kind() == VigilError::Kind::Tls ? error.toString()
                                                     : QStringLiteral("not a TLS error: ") + error.toString();
    }

private Q_SLOTS:
    void aConnectionSpeaksTls()
    {
        const auto server = startRedis(m_server);
        QVERIFY(server);
        // Blocking, as the scan uses it.
        RedisConnection blocking(tlsOptions(server->port));
        const VigilError error = blocking.openBlocking();
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        QVERIFY(blocking.isEncrypted());
        QVERIFY2(blocking.tlsDescription().startsWith(QStringLiteral("TLSv1.3, ")),
                 qPrintable(blocking.tlsDescription()));
        QVERIFY2(blocking.tlsDescription().contains(
                     QStringLiteral("; certificate CN=server, issued by CN=Vigil sandbox CA, valid until ")),
                 qPrintable(blocking.tlsDescription()));
        QCOMPARE(blocking.execute({"PING"}).value.toByteArray(), QByteArray("PONG"));
        QCOMPARE(blocking.execute({"SET", "tls:key", QByteArray(300000, 'x')}).value.toByteArray(), QByteArray("OK"));
        QCOMPARE(blocking.execute({"GET", "tls:key"}).value.toByteArray(), QByteArray(300000, 'x'));
        // Asynchronous, as the GUI uses it.
        RedisConnection async(tlsOptions(server->port));
        QSignalSpy ready(&async, &RedisConnection::ready);
        async.open();
        QVERIFY(ready.wait(10000));
        QVERIFY(async.isEncrypted());
        QByteArray pong;
        async.send({"PING"}, [&pong](const RespResult &result) { pong = result.value.toByteArray(); });
        QTRY_COMPARE(pong, QByteArray("PONG"));
    }

    void everyWayTlsCanBeWrongIsSaid()
    {
        const auto server = startRedis(m_server);
        QVERIFY(server);
        const QString node = QStringLiteral("master 127.0.0.1:%1").arg(server->port);

        // The system CAs do not know the sandbox's CA.
        ConnectionOptions systemCas = tlsOptions(server->port);
        systemCas.tls.caFile.clear();
        QCOMPARE(failure(systemCas),
                 node
                     + QStringLiteral(": TLS handshake failed: the certificate is signed by an unknown authority "
                                      "(issuer CN=Vigil sandbox CA); give its CA with --cacert"));
        // ...unless verification is turned off, explicitly.
        ConnectionOptions insecure = systemCas;
        insecure.tls.insecure = true;
        RedisConnection unverified(insecure);
        QVERIFY(!unverified.openBlocking().isError());

        // Dialled by a name the certificate does not hold.
        ConnectionOptions otherName = tlsOptions(server->port);
        otherName.tls.verifyName = QStringLiteral("redis.example");
        QCOMPARE(failure(otherName),
                 node
                     + QStringLiteral(": TLS handshake failed: the certificate is for localhost, 127.0.0.1, not "
                                      "redis.example; if it was issued for a hostname while Sentinel reports "
                                      "addresses, give that name with --sni"));

        // Plain text to a TLS port: Redis closes the connection without a word; Vigil says what that likely means.
        ConnectionOptions plain = tlsOptions(server->port);
        plain.tls = {};
        RedisConnection plainConnection(plain);
        const VigilError closed = plainConnection.openBlocking();
        QCOMPARE(closed.kind(), VigilError::Kind::ConnectionLost);
        QVERIFY2(closed.message().endsWith(QStringLiteral("(if this port wants TLS, use --tls)")),
                 qPrintable(closed.toString()));

        // TLS to a plain port: it reads the ClientHello as the start of a command and waits; no TLS answer comes.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 plainPort = probe.serverPort();
        probe.close();
        const auto both = startRedis(m_server, {QStringLiteral("--port"), QString::number(plainPort)});
        QVERIFY(both);
        ConnectionOptions toPlain = tlsOptions(plainPort);
        toPlain.connectTimeoutMs = 1500;
        QCOMPARE(failure(toPlain),
                 QStringLiteral("master 127.0.0.1:%1: TLS handshake failed: no TLS answer within 1500 "
                                "ms: this port may not speak TLS (leave --tls off for it)")
                     .arg(plainPort));

        // Files that cannot be used are said before anything is dialled.
        ConnectionOptions missingCa = tlsOptions(server->port);
        missingCa.tls.caFile = m_dir.filePath(QStringLiteral("nowhere.crt"));
        RedisConnection noCa(missingCa);
        QCOMPARE(noCa.openBlocking().toString(),
                 node + QStringLiteral(": TLS setup failed: --cacert %1: no such file").arg(missingCa.tls.caFile));
    }

    void clientCertificatesAndPins()
    {
        const auto server = startRedis(m_server, {QStringLiteral("--tls-auth-clients"), QStringLiteral("yes")});
        QVERIFY(server);
        const QString node = QStringLiteral("master 127.0.0.1:%1").arg(server->port);
        // Demanded, not given.
        QCOMPARE(failure(tlsOptions(server->port)),
                 node
                     + QStringLiteral(": TLS handshake failed: the server demands a client certificate: give one "
                                      "with --cert and --key"));

        // Given, with its key encrypted: the passphrase opens it; a wrong one is said.
        TlsMaterial::Pair client;
        QVERIFY(!m_tls->issue(QStringLiteral("client"), {}, TlsMaterial::Validity::Current, &client).isError());
        const QString passphraseFile = m_dir.filePath(QStringLiteral("client-passphrase"));
        QFile file(passphraseFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("s3cret\n");
        file.close();
        QString encrypted;
        QVERIFY(
            !m_tls->encryptKey(client.key, passphraseFile, QStringLiteral("client-encrypted"), &encrypted).isError());
        ConnectionOptions mtls = tlsOptions(server->port);
        mtls.tls.certFile = client.certificate;
        mtls.tls.keyFile = encrypted;
        mtls.tls.keyPassphrase = "s3cret";
        RedisConnection connection(mtls);
        const VigilError error = connection.openBlocking();
        QVERIFY2(!error.isError(), qPrintable(error.toString()));
        QCOMPARE(connection.execute({"PING"}).value.toByteArray(), QByteArray("PONG"));
        mtls.tls.keyPassphrase = "wrong";
        RedisConnection wrongPassphrase(mtls);
        QCOMPARE(wrongPassphrase.openBlocking().toString(),
                 node + QStringLiteral(": TLS setup failed: --key %1: the passphrase does not open it").arg(encrypted));

        // A pinned certificate is trusted by its digest, even from a CA nobody trusts; another digest is refused
        // with both shown, even when the chain would verify.
        const QByteArray digest
            = QCryptographicHash::hash(load(m_server.certificate).toDer(), QCryptographicHash::Sha256).toHex();
        ConnectionOptions pinned = tlsOptions(server->port);
        pinned.tls.caFile.clear();
        pinned.tls.pinnedSha256 = digest;
        pinned.tls.certFile = client.certificate;
        pinned.tls.keyFile = client.key;
        RedisConnection pinnedConnection(pinned);
        QVERIFY2(!pinnedConnection.openBlocking().isError(), qPrintable(pinnedConnection.lastError().toString()));
        ConnectionOptions changed = pinned;
        changed.tls.caFile = m_tls->caCertificate();
        changed.tls.pinnedSha256 = QByteArray(64, 'a');
        QCOMPARE(failure(changed),
                 node
                     + QStringLiteral(": TLS handshake failed: the certificate is not the one pinned: it has SHA-256 "
                                      "%1, the profile pinned %2")
                           .arg(QString::fromLatin1(digest), QString(64, QLatin1Char('a'))));
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
