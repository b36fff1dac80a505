#include "resp/infoparser.h"

#include <QTest>

// The one INFO reader: what the Deployment tab, the scan's identity check and the sandbox read from a server.
class TestInfoParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void field_data()
    {
        QTest::addColumn<QByteArray>("info");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        const QByteArray server
            = "# Server\r\nredis_version:7.0.15\r\nrun_id:abc123\r\nexecutable:/usr/bin/redis-server\r\n"
              "config_file:C:\\redis\\redis.conf\r\n\r\n# Replication\r\nrole:master\r\n";
        QTest::newRow("crlf") << server << QByteArray("redis_version") << QByteArray("7.0.15");
        QTest::newRow("after a header") << server << QByteArray("role") << QByteArray("master");
        QTest::newRow("colon in value") << server << QByteArray("config_file") << QByteArray("C:\\redis\\redis.conf");
        QTest::newRow("absent") << server << QByteArray("redis_mode") << QByteArray();
        QTest::newRow("prefix is not a match") << server << QByteArray("run") << QByteArray();
        QTest::newRow("lf only") << QByteArray("a:1\nb:2") << QByteArray("b") << QByteArray("2");
        QTest::newRow("empty") << QByteArray() << QByteArray("a") << QByteArray();
    }

    void field()
    {
        QFETCH(QByteArray, info);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QCOMPARE(InfoParser::field(info, name), value);
        QCOMPARE(InfoParser::fields(info).value(name), value);
    }

    void replicas()
    {
        const QByteArray info = "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
                                "slave0:ip=127.0.0.1,port=6380,state=online,offset=1234,lag=0\r\n"
                                "slave1:ip=10.0.0.7,port=6381,state=wait_bgsave,offset=0,lag=1\r\n"
                                "slave_read_repl_offset:99\r\nmaster_repl_offset:1234\r\n";
        const auto replicas = InfoParser::replicas(info);
        QCOMPARE(replicas.size(), 2);
        QCOMPARE(replicas.at(0).value("port"), QByteArray("6380"));
        QCOMPARE(replicas.at(0).value("offset"), QByteArray("1234"));
        QCOMPARE(replicas.at(1).value("ip"), QByteArray("10.0.0.7"));
        QCOMPARE(replicas.at(1).value("state"), QByteArray("wait_bgsave"));
        QCOMPARE(InfoParser::field(info, "connected_slaves"), QByteArray("2"));
    }

    void subFields()
    {
        const auto keyspace = InfoParser::subFields("keys=3000,expires=12,avg_ttl=0");
        QCOMPARE(keyspace.size(), 3);
        QCOMPARE(keyspace.value("expires"), QByteArray("12"));
        QVERIFY(InfoParser::subFields("").isEmpty());
        QCOMPARE(InfoParser::subFields("a=1,junk,b=").value("b"), QByteArray());
        QVERIFY(!InfoParser::subFields("a=1,junk,b=").contains("junk"));
    }
};

QTEST_GUILESS_MAIN(TestInfoParser)
#include "tst_infoparser.moc"
