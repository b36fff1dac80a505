#include "glob.h"

namespace {
// Whether c is in the bracket class that starts after '['; *p is moved past the class. Redis's rules (util.c
// stringmatchlen, checked against redis-server 7.0 in tst_valuepager): ']' closes the class even right after '[' or
// "[^" (so "[]" matches nothing); "\\x" is the member x and never starts a range; "a-z" is a range when three bytes
// are left, whatever the third is ("[a-]" is the range from ']' to 'a'), with its ends in either order; an unclosed
// class runs to the end of the pattern. Range ends and the byte compare as signed chars, as in a Redis built for
// x86-64: there "[8-\xff]" is the range from -1 to '8'.
bool matchClass(QByteArrayView pattern, qsizetype *p, char c)
{
    const qsizetype n = pattern.size();
    qsizetype i = *p;
    const bool negate = i < n && pattern[i] == '^';
    if (negate)
        ++i;
    bool found = false;
    while (i < n) {
        const char member = pattern[i];
        if (member == '\\' && i + 1 < n) {
            found = found || pattern[i + 1] == c;
            i += 2;
        } else if (member == ']') {
            ++i;
            break;
        } else if (i + 2 < n && pattern[i + 1] == '-') {
            const auto a = static_cast<signed char>(member);
            const auto b = static_cast<signed char>(pattern[i + 2]);
            const auto u = static_cast<signed char>(c);
            found = found || (u >= qMin(a, b) && u <= qMax(a, b));
            i += 3;
        } else {
            found = found || member == c;
            ++i;
        }
    }
    *p = i;
    return negate ? !found : found;
}

// Whether the pattern element at *p (not a '*') matches c; *p is moved past it.
bool matchOne(QByteArrayView pattern, qsizetype *p, char c)
{
    const char pc = pattern[*p];
    if (pc == '?') {
        ++*p;
        return true;
    }
    if (pc == '[') {
        ++*p;
        return matchClass(pattern, p, c);
    }
    char want = pc;
    if (pc == '\\' && *p + 1 < pattern.size())
        want = pattern[++*p];
    ++*p;
    return want == c;
}
} // namespace

bool Glob::match(QByteArrayView pattern, QByteArrayView text)
{
    // Greedy with one backtrack point, the last '*': linear in practice, never exponential, even for a pattern like
    // "*a*a*a*b" against a megabyte of list element.
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starP = -1;
    qsizetype starT = -1;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starT = t;
            continue;
        }
        qsizetype next = p;
        if (p < pattern.size() && matchOne(pattern, &next, text[t])) {
            p = next;
            ++t;
            continue;
        }
        if (starP < 0)
            return false;
        p = starP + 1;
        t = ++starT;
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}
