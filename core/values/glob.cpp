#include "glob.h"

namespace {
// Matches a bracket class starting after '['; *p is moved past the closing ']'. Returns whether c is in the class.
bool matchClass(QByteArrayView pattern, qsizetype *p, char c)
{
    qsizetype i = *p;
    const bool negate = i < pattern.size() && pattern[i] == '^';
    if (negate)
        ++i;
    bool found = false;
    bool first = true;
    while (i < pattern.size() && (first || pattern[i] != ']')) {
        first = false;
        char lo = pattern[i];
        if (lo == '\\' && i + 1 < pattern.size())
            lo = pattern[++i];
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            char hi = pattern[i + 2];
            i += 2;
            if (hi == '\\' && i + 1 < pattern.size())
                hi = pattern[++i];
            const auto a = static_cast<unsigned char>(qMin(lo, hi));
            const auto b = static_cast<unsigned char>(qMax(lo, hi));
            const auto u = static_cast<unsigned char>(c);
            if (u >= a && u <= b)
                found = true;
        } else if (lo == c) {
            found = true;
        }
        ++i;
    }
    *p = i < pattern.size() ? i + 1 : i; // past ']' (an unclosed class runs to the end, as in Redis)
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
