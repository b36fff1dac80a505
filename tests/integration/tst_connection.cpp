#include "fakeserver.h"
#include "resp/redisconnection.h"
#include "sandbox/sandbox.h"
#include "sandboxfixture.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

// RedisConnection against real redis-server processes (from the sandbox), a closed port, a paused server and fake
// servers that send garbage.
class TestConnection final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;     // no auth
    std::unique_ptr<Sandbox> m_authSandbox; // requirepass
    std::unique_ptr<Sandbox> m_aclSandbox;  // ACL users

    static std::unique_ptr<Sandbox> startSandbox(SandboxOptions::Auth auth)
    {
        SandboxOptions options;
        options.keys = 100;
        options.auth = auth;
        return SandboxFixture::start(options);
    }

    quint16 masterPort() const { return m_sandbox->currentMasterPort(); }

    static quint16 closedPort()
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        return server.serverPort(); // closed again when server goes out of scope
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sandbox = startSandbox(SandboxOptions::Auth::None);
        QVERIFY2(m_sandbox, "the sandbox must start: redis-server and redis-sentinel are required");
    }

    void cleanupTestCase()
    {
        m_sandbox.reset();
        m_authSandbox.reset();
        m_aclSandbox.reset();
    }

    void handshakeSetsNameAndDatabase()
    {
        ConnectionOptions o = m_sandbox->dataOptions(masterPort());
        o.db = 3;
        o.clientName = "vigil-test";
        RedisConnection connection(o);
        QVERIFY2(!connection.openBlocking().isError(), qPrintable(connection.lastError().toString()));
        QCOMPARE(connection.execute({"CLIENT", "GETNAME"}).value.toByteArray(), QByteArray("vigil-test"));
        QVERIFY(connection.execute({"SET", "only-in-db-3", "x"}).ok());

        ConnectionOptions zero = m_sandbox->dataOptions(masterPort());
        RedisConnection db0(zero);
        QVERIFY(!db0.openBlocking().isError());
        QVERIFY(db0.execute({"GET", "only-in-db-3"}).value.isNil());
        QCOMPARE(connection.execute({"GET", "only-in-db-3"}).value.toByteArray(), QByteArray("x"));
        QVERIFY(connection.execute({"DEL", "only-in-db-3"}).ok());
    }

    void pipelinesInOrderAndBinarySafe()
    {
        RedisConnection connection(m_sandbox->dataOptions(masterPort()));
        QVERIFY(!connection.openBlocking().isError());
        const QByteArray key("pipe:\x00\xff\r\n key", 14);
        const QByteArray value("\x00\x01\x02\r\n\xfe\xff", 7);
        QList<RespCommand> commands = {{"SET", key, value}};
        for (int i = 0; i < 1000; ++i)
            commands.append({"ECHO", QByteArray::number(i)});
        commands.append({"GET", key});
        commands.append({"DEL", key});
        const QList<RespResult> results = connection.executePipeline(commands);
        QCOMPARE(results.size(), commands.size());
        QCOMPARE(results.at(0).value, RespValue::status("OK"));
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(results.at(i + 1).value.toByteArray(), QByteArray::number(i));
        QCOMPARE(results.at(1001).value.toByteArray(), value);
        QCOMPARE(results.at(1002).value.toInteger(), 1);
        QCOMPARE(connection.commandCount("ECHO"), 1000);
    }

    void serverErrorIsAReplyNotAFailure()
    {
        RedisConnection connection(m_sandbox->dataOptions(masterPort()));
        QVERIFY(!connection.openBlocking().isError());
        const RespResult result = connection.execute({"HGET", "queue:emails", "x"}); // a list, not a hash
        QVERIFY(result.value.isError());
        QCOMPARE(result.value.errorCode(), QByteArray("WRONGTYPE"));
        const VigilError error = connection.errorFor({"HGET", "queue:emails", "x"}, result.value);
        QCOMPARE(error.kind(), VigilError::Kind::Server);
        QVERIFY2(
            error.toString().startsWith(QStringLiteral("redis 127.0.0.1:%1: HGET failed: WRONGTYPE").arg(masterPort())),
            qPrintable(error.toString()));
        // The connection stays usable.
        QCOMPARE(connection.execute({"PING"}).value, RespValue::status("PONG"));
    }

    void asynchronousApi()
    {
        RedisConnection connection(m_sandbox->dataOptions(masterPort()));
        QSignalSpy ready(&connection, &RedisConnection::ready);
        connection.open();
        QVERIFY(ready.wait(15000));
        QList<RespValue> replies;
        connection.send({"ECHO", "one"}, [&](const RespResult &r) { replies.append(r.value); });
        connection.send({"ECHO", "two"}, [&](const RespResult &r) { replies.append(r.value); });
        QTRY_COMPARE(replies.size(), 2);
        QCOMPARE(replies.at(0).toByteArray(), QByteArray("one"));
        QCOMPARE(replies.at(1).toByteArray(), QByteArray("two"));
    }

    void authSuccessAndFailure_data()
    {
        QTest::addColumn<int>("auth");
        QTest::newRow("requirepass") << int(SandboxOptions::Auth::Password);
        QTest::newRow("acl user") << int(SandboxOptions::Auth::AclUser);
    }

    void authSuccessAndFailure()
    {
        QFETCH(int, auth);
        std::unique_ptr<Sandbox> &sandbox = auth == int(SandboxOptions::Auth::Password) ? m_authSandbox : m_aclSandbox;
        if (!sandbox)
            sandbox = startSandbox(SandboxOptions::Auth(auth));
        QVERIFY(sandbox);
        const quint16 port = sandbox->currentMasterPort();
        QVERIFY(port);

        RedisConnection good(sandbox->dataOptions(port));
        QVERIFY2(!good.openBlocking().isError(), qPrintable(good.lastError().toString()));
        QCOMPARE(good.execute({"PING"}).value, RespValue::status("PONG"));

        ConnectionOptions wrong = sandbox->dataOptions(port);
        wrong.password = "not-the-password";
        RedisConnection bad(wrong);
        const VigilError error = bad.openBlocking();
        QCOMPARE(error.kind(), VigilError::Kind::Auth);
        QCOMPARE(error.step(), QStringLiteral("AUTH"));
        QVERIFY2(error.toString().startsWith(QStringLiteral("redis 127.0.0.1:%1: AUTH failed:").arg(port)),
                 qPrintable(error.toString()));
        QVERIFY2(!error.toString().contains(QStringLiteral("not-the-password")), "a password must never be shown");

        ConnectionOptions none = sandbox->dataOptions(port);
        none.user.clear();
        none.password.clear();
        RedisConnection anonymous(none);
        QCOMPARE(anonymous.openBlocking().kind(), VigilError::Kind::Auth);

        // Sentinels have their own password.
        const quint16 sentinelPort = sandbox->sentinelPorts().first();
        RedisConnection sentinel(sandbox->sentinelOptions(sentinelPort));
        QVERIFY2(!sentinel.openBlocking().isError(), qPrintable(sentinel.lastError().toString()));
        ConnectionOptions wrongSentinel = sandbox->sentinelOptions(sentinelPort);
        wrongSentinel.password = sandbox->dataPassword(); // the data password is not the sentinel's
        RedisConnection badSentinel(wrongSentinel);
        const VigilError sentinelError = badSentinel.openBlocking();
        QCOMPARE(sentinelError.kind(), VigilError::Kind::Auth);
        QVERIFY(sentinelError.toString().startsWith(
            QStringLiteral("sentinel 127.0.0.1:%1: AUTH failed").arg(sentinelPort)));
    }

    void closedPortIsUnreachable()
    {
        ConnectionOptions o;
        o.port = closedPort();
        o.role = QStringLiteral("master");
        o.connectTimeoutMs = 30000;
        RedisConnection connection(o);
        QElapsedTimer timer;
        timer.start();
        const VigilError error = connection.openBlocking();
        QCOMPARE(error.kind(), VigilError::Kind::Unreachable);
        QCOMPARE(error.toString(),
                 QStringLiteral("master 127.0.0.1:%1: connect failed: connection refused").arg(o.port));
        // Refused at once, not after waiting out the connect timeout.
        QVERIFY2(timer.elapsed() < o.connectTimeoutMs, qPrintable(QString::number(timer.elapsed())));
        // A command on a failed connection fails at once, and says why.
        const RespResult result = connection.execute({"PING"});
        QCOMPARE(result.error.kind(), VigilError::Kind::Unreachable);
    }

    void garbageIsAProtocolError_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("expected");
        QTest::newRow("http") << QByteArray("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                              << QStringLiteral("Protocol error");
        QTest::newRow("4 GB bulk") << QByteArray("$4294967296\r\n") << QStringLiteral("bulk reply of 4294967296 bytes");
        QTest::newRow("2^31 array") << QByteArray("*2147483648\r\n") << QStringLiteral("array length out of range");
        QTest::newRow("endless line") << QByteArray(100000, 'A').prepend('+') << QStringLiteral("no line end");
    }

    void garbageIsAProtocolError()
    {
        QFETCH(QByteArray, reply);
        QFETCH(QString, expected);
        FakeServerThread server(reply);
        ConnectionOptions o;
        o.port = server.port();
        o.connectTimeoutMs = 2000;
        o.commandTimeoutMs = 3000;
        RedisConnection connection(o);
        const VigilError error = connection.openBlocking();
        QCOMPARE(error.kind(), VigilError::Kind::Protocol);
        QVERIFY2(error.toString().contains(expected), qPrintable(error.toString()));
        QVERIFY2(error.toString().startsWith(QStringLiteral("node 127.0.0.1:%1: CLIENT SETNAME failed:").arg(o.port)),
                 qPrintable(error.toString()));
    }

    void aTlsAnswerToPlainTextSaysUseTls()
    {
        // A TLS alert where RESP was expected is not garbage but a TLS port: the error says to turn TLS on.
        FakeServerThread server(QByteArray("\x15\x03\x01\x00\x02\x02\x46", 7));
        ConnectionOptions o;
        o.port = server.port();
        RedisConnection connection(o);
        const VigilError error = connection.openBlocking();
        QCOMPARE(error.kind(), VigilError::Kind::Tls);
        QCOMPARE(error.toString(), QStringLiteral("node 127.0.0.1:%1: CLIENT SETNAME failed: the server answered with "
                                                  "TLS: this port wants TLS (--tls)")
                                       .arg(o.port));
    }

    void garbageAsynchronously()
    {
        FakeServerThread server(QByteArray("-ERR fine\r\n:1\r\n@@@@\r\n"));
        ConnectionOptions o;
        o.port = server.port();
        RedisConnection connection(o);
        QSignalSpy failed(&connection, &RedisConnection::failed);
        connection.open();
        QVERIFY(failed.wait(15000));
        const VigilError error = failed.first().first().value<VigilError>();
        QVERIFY2(error.kind() == VigilError::Kind::Protocol, qPrintable(error.toString()));
    }

    void silentServerTimesOut()
    {
        // Accepts the connection and never answers: the handshake hits the command timeout.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        ConnectionOptions o;
        o.port = silent.serverPort();
        o.commandTimeoutMs = 500;
        RedisConnection connection(o);
        QElapsedTimer timer;
        timer.start();
        const VigilError error = connection.openBlocking();
        QCOMPARE(error.kind(), VigilError::Kind::Timeout);
        QVERIFY2(error.toString().contains(QStringLiteral("no reply within 500 ms")), qPrintable(error.toString()));
        // It waited for the timeout it was given, not for the default one (5 s): the upper bound tells the two apart,
        // it does not time the connection.
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(elapsed >= 450 && elapsed < ConnectionOptions().commandTimeoutMs, qPrintable(QString::number(elapsed)));
    }

    void commandTimesOutOnPausedServer()
    {
        // A replica, so that pausing it does not start a failover.
        QList<quint16> replicas = m_sandbox->dataPorts();
        replicas.removeAll(masterPort());
        const quint16 port = replicas.first();
        ConnectionOptions o = m_sandbox->dataOptions(port);
        o.role = QStringLiteral("replica");
        o.commandTimeoutMs = 700;
        RedisConnection connection(o);
        QVERIFY(!connection.openBlocking().isError());
        QVERIFY(!m_sandbox->pauseNode(port).isError());
        QElapsedTimer timer;
        timer.start();
        const RespResult result = connection.execute({"DBSIZE"});
        const qint64 elapsed = timer.elapsed();
        QVERIFY(!m_sandbox->resumeNode(port).isError());
        QCOMPARE(result.error.kind(), VigilError::Kind::Timeout);
        QCOMPARE(result.error.toString(),
                 QStringLiteral("replica 127.0.0.1:%1: DBSIZE failed: no reply within 700 ms").arg(port));
        // Its own timeout, not the default one (5 s); see silentServerTimesOut.
        QVERIFY2(elapsed >= 600 && elapsed < ConnectionOptions().commandTimeoutMs, qPrintable(QString::number(elapsed)));
        QVERIFY(!connection.isReady());
    }

    void lostConnectionIsReported()
    {
        RedisConnection victim(m_sandbox->dataOptions(masterPort()));
        QVERIFY(!victim.openBlocking().isError());
        const qint64 id = victim.execute({"CLIENT", "ID"}).value.toInteger();
        RedisConnection killer(m_sandbox->dataOptions(masterPort()));
        QVERIFY(!killer.openBlocking().isError());
        QCOMPARE(killer.execute({"CLIENT", "KILL", "ID", QByteArray::number(id)}).value.toInteger(), 1);
        const RespResult result = victim.execute({"PING"});
        QCOMPARE(result.error.kind(), VigilError::Kind::ConnectionLost);
        QVERIFY2(result.error.toString().contains(QStringLiteral("PING failed: connection lost")),
                 qPrintable(result.error.toString()));
    }

    void readOnlyRefusesWritesLocally()
    {
        ConnectionOptions o = m_sandbox->dataOptions(masterPort());
        o.readOnly = true;
        RedisConnection connection(o);
        QVERIFY(!connection.openBlocking().isError());
        const quint64 sentBefore = connection.commandsSent();
        const RespResult set = connection.execute({"SET", "readonly:probe", "x"});
        QCOMPARE(set.error.kind(), VigilError::Kind::Refused);
        QCOMPARE(connection.commandsSent(), sentBefore); // never reached the server
        QCOMPARE(connection.commandCount("SET"), 0);
        QVERIFY(connection.execute({"GET", "readonly:probe"}).value.isNil());
        QVERIFY(connection.execute({"SCAN", "0"}).ok());
    }
};

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
