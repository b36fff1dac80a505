// The glob Vigil filters list elements and stream fields with, against a plain matcher written from the syntax, and
// with properties any glob has. A hostile pattern must not make it slow: libFuzzer's -timeout catches that.
//
// Input: one byte n, then the pattern (n bytes, or what is left), then the text.
#include "fuzzcheck.h"
#include "values/glob.h"

#include <QList>

#include <vector>

namespace {
// The pattern as a list of elements, read the way glob.h describes Redis's syntax: `*`, `?`, `\x` for a literal x
// (a trailing `\` is itself), and `[...]`: `^` first negates; then, until a ']' (which closes it even first), `\x`
// is the member x, "a-z" with three bytes left is a range (ends in either order, compared as signed chars), and any
// other byte is a member; an unclosed class runs to the end.
struct Element
{
    enum Kind { Star, Any, Literal, Class };

    Element(Kind k, char c = 0)
        : kind(k)
        , literal(c)
    {
    }

    Kind kind;
    char literal;
    bool negate = false;
    std::vector<std::pair<int, int>> ranges; // signed

    bool matches(char c) const
    {
        switch (kind) {
        case Any:
            return true;
        case Literal:
            return c == literal;
        case Class: {
            const int s = static_cast<signed char>(c);
            bool in = false;
            for (const auto &[lo, hi] : ranges)
                in = in || (s >= lo && s <= hi);
            return in != negate;
        }
        case Star:
            break;
        }
        return false;
    }
};

std::vector<Element> elements(const QByteArray &pattern)
{
    std::vector<Element> out;
    const qsizetype n = pattern.size();
    const auto at = [&pattern](qsizetype i) { return static_cast<int>(static_cast<signed char>(pattern.at(i))); };
    for (qsizetype i = 0; i < n;) {
        const char c = pattern.at(i);
        if (c == '*') {
            out.emplace_back(Element::Star);
            ++i;
        } else if (c == '?') {
            out.emplace_back(Element::Any);
            ++i;
        } else if (c == '\\' && i + 1 < n) {
            out.emplace_back(Element::Literal, pattern.at(i + 1));
            i += 2;
        } else if (c != '[') {
            out.emplace_back(Element::Literal, c);
            ++i;
        } else {
            Element e(Element::Class);
            ++i;
            if (i < n && pattern.at(i) == '^') {
                e.negate = true;
                ++i;
            }
            while (i < n && pattern.at(i) != ']') {
                if (pattern.at(i) == '\\' && i + 1 < n) {
                    e.ranges.emplace_back(at(i + 1), at(i + 1));
                    i += 2;
                } else if (i + 2 < n && pattern.at(i + 1) == '-') {
                    e.ranges.emplace_back(qMin(at(i), at(i + 2)), qMax(at(i), at(i + 2)));
                    i += 3;
                } else {
                    e.ranges.emplace_back(at(i), at(i));
                    ++i;
                }
            }
            if (i < n)
                ++i; // the closing ']'
            out.push_back(std::move(e));
        }
    }
    return out;
}

// Dynamic programming over (element, text position): simple, obviously right, and quadratic.
bool plainMatch(const std::vector<Element> &pattern, const QByteArray &text)
{
    const size_t m = pattern.size();
    const auto n = static_cast<size_t>(text.size());
    // next[t]: whether the elements after p match text from t on. The empty pattern matches only the empty rest.
    std::vector<char> next(n + 1, 0), current(n + 1, 0);
    next[n] = 1;
    for (size_t p = m; p-- > 0;) {
        const Element &e = pattern[p];
        current[n] = e.kind == Element::Star ? next[n] : 0;
        for (size_t t = n; t-- > 0;) {
            if (e.kind == Element::Star)
                current[t] = next[t] || current[t + 1];
            else
                current[t] = e.matches(text.at(static_cast<qsizetype>(t))) && next[t + 1];
        }
        std::swap(next, current);
    }
    return next[0];
}

QByteArray escaped(const QByteArray &text)
{
    QByteArray out;
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray input = fuzzBytes(data + 1, size - 1);
    const qsizetype patternSize = qMin<qsizetype>(data[0], input.size());
    const QByteArray pattern = input.first(patternSize);
    const QByteArray text = input.sliced(patternSize);

    const bool matched = Glob::match(pattern, text);
    FUZZ_CHECK(matched == plainMatch(elements(pattern), text),
               "Glob::match(" << pattern << "," << text << ") says" << matched);

    FUZZ_CHECK(Glob::match("*", text), "'*' does not match" << text);
    FUZZ_CHECK(Glob::match(escaped(text), text), "the escaped text does not match itself:" << text);
    FUZZ_CHECK(!Glob::match(escaped(text), QByteArray(text + 'x')), "the escaped text matches a longer text:" << text);
    FUZZ_CHECK(Glob::match(QByteArray(escaped(text) + '*'), QByteArray(text + pattern)),
               "a prefix and '*' do not match:" << text);
    return 0;
}
