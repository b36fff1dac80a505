#include "naturalorder.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace {
// What each byte is, for the word scans: a table lookup a byte, the same cost for every kind.
enum : std::uint8_t { Digit = 1, HexLetter = 2, OtherLetter = 4 };
constexpr std::array<std::uint8_t, 256> classes = [] {
    std::array<std::uint8_t, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[c] = Digit;
    for (int c = 'a'; c <= 'z'; ++c)
        table[c] = c <= 'f' ? HexLetter : OtherLetter;
    for (int c = 'A'; c <= 'Z'; ++c)
        table[c] = c <= 'F' ? HexLetter : OtherLetter;
    return table;
}();

std::uint8_t classOf(char c)
{
    return classes[static_cast<unsigned char>(c)];
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isAlnum(char c)
{
    return classOf(c) != 0;
}

// The end of the word that starts at `from`, and whether it is a hex word.
struct Word
{
    qsizetype end = 0;
    bool hex = false;
};

Word wordAt(QByteArrayView s, qsizetype from)
{
    std::uint8_t seen = 0;
    qsizetype end = from;
    while (end < s.size()) {
        const std::uint8_t c = classOf(s[end]);
        if (!c)
            break;
        seen |= c;
        ++end;
    }
    if (end == from)
        return {from + 1, false};
    return {end, seen == (Digit | HexLetter) && end - from >= NaturalOrder::hexWordLength};
}

// Reads one string as a sequence of tokens, from the start of a word: a byte, or a run of digits that counts as a
// number. A word is a run of ASCII letters and digits; in a hex word (NaturalOrder::hexWordLength or more hex
// digits, at least one of them a letter and one a digit) digits are bytes like the letters around them.
class Tokens
{
public:
    // `first` is the word at `from`, already looked at.
    Tokens(QByteArrayView s, qsizetype from, Word first)
        : m_s(s)
        , m_i(from)
        , m_wordEnd(first.end)
        , m_hexWord(first.hex)
    {
    }

    bool atEnd() const { return m_i >= m_s.size(); }

    // Moves to the next token. A number is [start, end), its digits without leading zeros [value, end).
    void next()
    {
        if (m_i >= m_wordEnd)
            enterWord();
        m_start = m_i;
        if (isDigit(m_s[m_i]) && !m_hexWord) {
            m_number = true;
            while (m_i < m_s.size() && isDigit(m_s[m_i]))
                ++m_i;
            m_value = m_start;
            while (m_value < m_i - 1 && m_s[m_value] == '0')
                ++m_value;
        } else {
            m_number = false;
            ++m_i;
        }
    }

    bool isNumber() const { return m_number; }
    unsigned char byte() const { return static_cast<unsigned char>(m_s[m_start]); }
    QByteArrayView digits() const { return m_s.sliced(m_value, m_i - m_value); }
    qsizetype length() const { return m_i - m_start; }

private:
    void enterWord()
    {
        const Word word = wordAt(m_s, m_i);
        m_wordEnd = word.end;
        m_hexWord = word.hex;
    }

    QByteArrayView m_s;
    qsizetype m_i;
    qsizetype m_wordEnd = 0;
    bool m_hexWord = false;
    bool m_number = false;
    qsizetype m_start = 0;
    qsizetype m_value = 0;
};

// Whether the word of `s` that starts at `from` has a digit.
bool wordHasDigit(QByteArrayView s, qsizetype from)
{
    for (qsizetype i = from; i < s.size(); ++i) {
        const std::uint8_t c = classOf(s[i]);
        if (c == Digit)
            return true;
        if (!c)
            return false;
    }
    return false;
}

int byteOrder(QByteArrayView a, QByteArrayView b, qsizetype p)
{
    if (p == a.size() || p == b.size())
        return a.size() < b.size() ? -1 : 1;
    return static_cast<unsigned char>(a[p]) < static_cast<unsigned char>(b[p]) ? -1 : 1;
}
} // namespace

int NaturalOrder::compare(QByteArrayView a, QByteArrayView b)
{
    // Token by token (see the header): bytes as bytes, numbers by value, a number before any digit byte of a hex
    // word and after any other byte below '0', fewer leading zeros first when all else is equal. Each string is cut
    // into tokens on its own, so this is a total order whatever the two strings are.
    //
    // This runs in every sort of a namespace's rows, so the common case is kept near the speed of a byte compare:
    // skip the common prefix; tokens before the word that holds the first difference are the same in both, so
    // compare from the start of that word. The byte at the difference decides when no digit comes before it in the
    // word and neither byte there is a digit (the tokens up to it are the same bytes, whatever kind each word is),
    // and when both words are hex words.
    const qsizetype common = qMin(a.size(), b.size());
    qsizetype p = 0;
    while (p < common && a[p] == b[p])
        ++p;
    if (p == a.size() && p == b.size())
        return 0;
    qsizetype word = p;
    while (word > 0 && isAlnum(a[word - 1]))
        --word;
    const bool digitAt = (p < a.size() && isDigit(a[p])) || (p < b.size() && isDigit(b[p]));
    if (!digitAt && (p == word || !wordHasDigit(a.first(p), word)))
        return byteOrder(a, b, p);
    const Word wordA = wordAt(a, word);
    const Word wordB = wordAt(b, word);
    if (wordA.hex && wordB.hex)
        return byteOrder(a, b, p);
    Tokens x(a, word, wordA);
    Tokens y(b, word, wordB);
    int zeros = 0; // the first difference in leading zeros: the last tie-break
    while (!x.atEnd() && !y.atEnd()) {
        x.next();
        y.next();
        if (x.isNumber() && y.isNumber()) {
            const QByteArrayView dx = x.digits();
            const QByteArrayView dy = y.digits();
            if (dx.size() != dy.size())
                return dx.size() < dy.size() ? -1 : 1;
            if (const int c = std::memcmp(dx.data(), dy.data(), static_cast<size_t>(dx.size())))
                return c < 0 ? -1 : 1;
            if (zeros == 0 && x.length() != y.length())
                zeros = x.length() < y.length() ? -1 : 1;
        } else if (x.isNumber()) {
            return y.byte() >= '0' ? -1 : 1;
        } else if (y.isNumber()) {
            return x.byte() >= '0' ? 1 : -1;
        } else if (x.byte() != y.byte()) {
            return x.byte() < y.byte() ? -1 : 1;
        }
    }
    if (x.atEnd() != y.atEnd())
        return x.atEnd() ? -1 : 1;
    return zeros;
}

qint64 NaturalOrder::valueOf(QByteArrayView name)
{
    if (name.isEmpty() || name.size() > 18)
        return -1;
    qint64 value = 0;
    for (const char c : name) {
        if (!isDigit(c))
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}
