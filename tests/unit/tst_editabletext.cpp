#include "values/editabletext.h"

#include <QPlainTextEdit>
#include <QRandomGenerator>
#include <QTest>

// The escaped form a value is edited in when a text box would change its bytes: it stands for exactly those bytes,
// survives a text box unchanged, and an escape that means nothing is refused with where and why.
class TestEditableText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void whatATextBoxChanges_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("escaped");
        QTest::addColumn<QString>("why");
        QTest::newRow("CRLF") << QByteArray("a\r\nb") << QStringLiteral("a\\r\nb")
                              << QStringLiteral("carriage returns");
        QTest::newRow("lone CR") << QByteArray("a\rb") << QStringLiteral("a\\rb") << QStringLiteral("carriage returns");
        QTest::newRow("NBSP") << QByteArray("1\xc2\xa0kg") << QStringLiteral("1\\u{00A0}kg")
                              << QStringLiteral("non-breaking spaces or line separators");
        QTest::newRow("U+2028") << QByteArray("a\xe2\x80\xa8z") << QStringLiteral("a\\u{2028}z")
                                << QStringLiteral("non-breaking spaces or line separators");
        QTest::newRow("U+2029") << QByteArray("a\xe2\x80\xa9z") << QStringLiteral("a\\u{2029}z")
                                << QStringLiteral("non-breaking spaces or line separators");
        QTest::newRow("invalid UTF-8") << QByteArray("caf\xe9 \xff") << QStringLiteral("caf\\xe9 \\xff")
                                       << QStringLiteral("bytes that are not UTF-8");
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << QStringLiteral("a\\x00b") << QStringLiteral("NUL bytes");
        QTest::newRow("bidi") << QByteArray("x\xe2\x80\xaey") << QStringLiteral("x\\u{202E}y")
                              << QStringLiteral("invisible characters");
        // A lone U+FEFF, which QString::fromUcs4 would drop as a byte order mark.
        QTest::newRow("U+FEFF alone") << QByteArray("\xef\xbb\xbf") << QStringLiteral("\\u{FEFF}")
                                      << QStringLiteral("invisible characters");
        QTest::newRow("several") << QByteArray("\r\0\xff", 3) << QStringLiteral("\\r\\x00\\xff")
                                 << QStringLiteral("carriage returns, NUL bytes and bytes that are not UTF-8");
        QTest::newRow("plain text") << QByteArray("línea 1\n\tlínea 2 \\ ok")
                                    << QStringLiteral("línea 1\n\tlínea 2 \\\\ ok") << QString();
    }

    void whatATextBoxChanges()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, escaped);
        QFETCH(QString, why);
        QCOMPARE(EditableText::escape(bytes, true), escaped);
        QCOMPARE(EditableText::unescape(escaped), std::optional<QByteArray>(bytes));
        QCOMPARE(EditableText::whatNeedsEscaping(bytes), why);
        // The escaped text comes back out of a real text box as it went in.
        QPlainTextEdit box;
        box.setPlainText(escaped);
        QCOMPARE(box.toPlainText(), escaped);
        // ...which is why it exists: most such bytes do not. (NUL and invisible characters do, but cannot be seen, so
        // they are escaped all the same.)
        box.setPlainText(QString::fromUtf8(bytes));
        const bool hidden
            = QByteArray(QTest::currentDataTag()) == "NUL" || QByteArray(QTest::currentDataTag()) == "bidi";
        QCOMPARE(box.toPlainText().toUtf8() == bytes, why.isEmpty() || hidden);
    }

    void singleLineEscapesLineFeedsAndTabs()
    {
        QCOMPARE(EditableText::escape("a\nb\tc", false), QStringLiteral("a\\nb\\tc"));
        QCOMPARE(EditableText::unescape(u"a\\nb\\tc"), std::optional<QByteArray>("a\nb\tc"));
    }

    void everyByteStringComesBack()
    {
        // Random bytes, biased towards what needs escaping, in both forms, through a real text box.
        QRandomGenerator random(20261201);
        static const char letters[] = "\r\n\t\\x{}u\0\x7f\xc2\xa0\xe2\x80\xa8\xa9\xff\xf0\x9f\x98\x80 aZ";
        static const QByteArray alphabet(letters, sizeof(letters) - 1); // the NUL inside counts, the final one not
        QPlainTextEdit box;
        for (int round = 0; round < 3000; ++round) {
            QByteArray bytes;
            const int length = random.bounded(24);
            for (int i = 0; i < length; ++i)
                bytes += random.bounded(3) == 0 ? char(random.bounded(256))
                                                : alphabet.at(random.bounded(alphabet.size()));
            for (const bool multiLine : {true, false}) {
                const QString escaped = EditableText::escape(bytes, multiLine);
                box.setPlainText(escaped);
                QCOMPARE(EditableText::unescape(box.toPlainText()), std::optional<QByteArray>(bytes));
                if (!multiLine)
                    QVERIFY(!escaped.contains(QLatin1Char('\n')));
            }
        }
    }

    void escapesThatMeanNothingAreRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("why");
        QTest::newRow("unknown") << QStringLiteral("ab\\q")
                                 << QStringLiteral("\\q is not an escape (type \\\\ for a backslash) at character 3");
        QTest::newRow("lone backslash") << QStringLiteral(
            "ab\\") << QStringLiteral("a lone \\ at the end: type \\\\ for a backslash at character 3");
        QTest::newRow("short hex") << QStringLiteral("\\x4")
                                   << QStringLiteral("\\x needs two hex digits (\\x00 to \\xff) at character 1");
        QTest::newRow("bad hex") << QStringLiteral("\\xg0")
                                 << QStringLiteral("\\x needs two hex digits (\\x00 to \\xff) at character 1");
        QTest::newRow("no braces") << QStringLiteral("\\u00a0")
                                   << QStringLiteral("\\u needs a code point in braces, like \\u{00A0} at character 1");
        QTest::newRow("unclosed") << QStringLiteral("\\u{a0")
                                  << QStringLiteral("\\u needs a code point in braces, like \\u{00A0} at character 1");
        QTest::newRow("surrogate") << QStringLiteral("\\u{D800}")
                                   << QStringLiteral("\\u{d800} is not a character at character 1");
        QTest::newRow("too big") << QStringLiteral("\\u{110000}")
                                 << QStringLiteral("\\u{110000} is not a character at character 1");
    }

    void escapesThatMeanNothingAreRefused()
    {
        QFETCH(QString, text);
        QFETCH(QString, why);
        QString said;
        QCOMPARE(EditableText::unescape(text, &said), std::nullopt);
        QCOMPARE(said, why);
    }
};

QTEST_MAIN(TestEditableText)
#include "tst_editabletext.moc"
