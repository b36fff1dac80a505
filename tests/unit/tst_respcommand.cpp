#include "resp/commandpolicy.h"
#include "resp/respcommand.h"
#include "resp/respreader.h"

#include <QTest>

// Encoding commands, binary safety, and which commands a read-only connection may send.
class TestRespCommand final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodesMultiBulk()
    {
        QCOMPARE(Resp::encode({"SET", "k", "v"}), QByteArray("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"));
        QCOMPARE(Resp::encode({"PING"}), QByteArray("*1\r\n$4\r\nPING\r\n"));
        QCOMPARE(Resp::encode({"SET", "", ""}), QByteArray("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n"));
    }

    void encodesBinaryArguments()
    {
        const QByteArray key("a\0b\r\n\xff\xfe \"q\"", 11);
        const QByteArray encoded = Resp::encode({"GET", key});
        QCOMPARE(encoded, QByteArray("*2\r\n$3\r\nGET\r\n$11\r\n") + key + "\r\n");

        // And it round-trips through the decoder unchanged.
        RespReader reader;
        reader.feed(encoded);
        RespValue decoded;
        QCOMPARE(reader.next(&decoded), RespReader::Status::Reply);
        QCOMPARE(decoded.size(), 2);
        QCOMPARE(decoded.at(1).toByteArray(), key);
    }

    void describeNeverShowsSecrets()
    {
        QCOMPARE(Resp::describe({"AUTH", "alice", "s3cret"}), QStringLiteral("AUTH"));
        QCOMPARE(Resp::describe({"select", "3"}), QStringLiteral("SELECT 3"));
        QCOMPARE(Resp::describe({"client", "setname", "vigil"}), QStringLiteral("CLIENT SETNAME"));
        QCOMPARE(Resp::describe({"GET", "user:secret-key"}), QStringLiteral("GET"));
    }

    void readOnlyPolicy_data()
    {
        QTest::addColumn<RespCommand>("command");
        QTest::addColumn<bool>("readOnly");
        QTest::newRow("scan") << RespCommand{"SCAN", "0"} << true;
        QTest::newRow("get lower") << RespCommand{"get", "k"} << true;
        QTest::newRow("hscan") << RespCommand{"HSCAN", "h", "0"} << true;
        QTest::newRow("sentinel masters") << RespCommand{"SENTINEL", "MASTERS"} << true;
        QTest::newRow("client setname") << RespCommand{"CLIENT", "SETNAME", "x"} << true;
        QTest::newRow("set") << RespCommand{"SET", "k", "v"} << false;
        QTest::newRow("unlink") << RespCommand{"UNLINK", "k"} << false;
        QTest::newRow("del") << RespCommand{"del", "k"} << false;
        QTest::newRow("flushall") << RespCommand{"FLUSHALL"} << false;
        QTest::newRow("eval") << RespCommand{"EVAL", "return 1", "0"} << false;
        QTest::newRow("config set") << RespCommand{"CONFIG", "SET", "x", "y"} << false;
        QTest::newRow("sentinel failover") << RespCommand{"SENTINEL", "FAILOVER", "m"} << false;
        QTest::newRow("client kill") << RespCommand{"CLIENT", "KILL", "ID", "1"} << false;
        QTest::newRow("unknown") << RespCommand{"FOO.BAR"} << false;
    }

    void readOnlyPolicy()
    {
        QFETCH(RespCommand, command);
        QFETCH(bool, readOnly);
        QCOMPARE(Resp::isReadOnlyCommand(command), readOnly);
    }
};

QTEST_GUILESS_MAIN(TestRespCommand)
#include "tst_respcommand.moc"
