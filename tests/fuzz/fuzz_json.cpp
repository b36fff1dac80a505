// The JSON view: a value that is JSON comes out re-indented, and the re-indented text must be the same JSON (same
// members, in the same order, numbers and strings as written) and must not change when indented again.
//
// Input: a string value's bytes. The view shows text: bytes that are not UTF-8 (Qt's parser lets them through after
// a backslash) show as U+FFFD, and the result is no longer JSON that Qt reads; for those only the layout is checked.
#include "fuzzcheck.h"
#include "values/valueformat.h"

#include <QJsonDocument>

namespace {
// The text outside strings without its white space: what re-indenting may change is exactly the white space.
QString withoutLayout(const QString &json)
{
    QString out;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QChar c = json.at(i);
        if (inString) {
            out += c;
            if (c == QLatin1Char('\\') && i + 1 < json.size())
                out += json.at(++i);
            else if (c == QLatin1Char('"'))
                inString = false;
        } else if (c == QLatin1Char('"')) {
            inString = true;
            out += c;
        } else if (c != QLatin1Char(' ') && c != QLatin1Char('\t') && c != QLatin1Char('\n') && c != QLatin1Char('\r')) {
            out += c;
        }
    }
    return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw = fuzzBytes(data, size);
    const QString pretty = ValueFormat::prettyJson(raw);
    const QJsonDocument document = QJsonDocument::fromJson(raw);
    if (pretty.isNull()) {
        FUZZ_CHECK(!document.isObject() && !document.isArray(), "a JSON document shown as text:" << raw);
        return 0;
    }
    FUZZ_CHECK(document.isObject() || document.isArray(), "indented what is not a JSON document:" << raw);
    const QString text = QString::fromUtf8(raw);
    FUZZ_CHECK(withoutLayout(pretty) == withoutLayout(text),
               "indenting changed more than white space:" << raw << "->" << pretty);
    if (text.toUtf8() != raw)
        return 0;
    const QByteArray prettyBytes = pretty.toUtf8();
    const QJsonDocument again = QJsonDocument::fromJson(prettyBytes);
    FUZZ_CHECK(!again.isNull() && again == document, "indenting changed the document:" << raw << "->" << pretty);
    FUZZ_CHECK(ValueFormat::prettyJson(prettyBytes) == pretty, "indenting twice differs:" << pretty);
    return 0;
}
