#include "naturalorder.h"

#include <cstring>

int NaturalOrder::compare(QByteArrayView a, QByteArrayView b)
{
    // Natural order: a run of ASCII digits compares by its value ("user:2" before "user:10"); every other byte
    // compares as a byte; when all else is equal, fewer leading zeros first. Equal only when the bytes are.
    //
    // This runs in every sort of a namespace's rows, so the common case is kept at the speed of a byte compare: skip
    // the common prefix, and only where the first difference touches a run of digits compare the rest naturally
    // (from the start of that run; the equal prefix before it cannot decide anything).
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const qsizetype common = qMin(a.size(), b.size());
    qsizetype p = 0;
    while (p < common && a[p] == b[p])
        ++p;
    qsizetype run = p;
    while (run > 0 && digit(a[run - 1]))
        --run;
    const bool digitA = p < a.size() && digit(a[p]);
    const bool digitB = p < b.size() && digit(b[p]);
    if (run == p && !(digitA && digitB)) {
        if (p == common)
            return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
        return static_cast<unsigned char>(a[p]) < static_cast<unsigned char>(b[p]) ? -1 : 1;
    }
    qsizetype i = run;
    qsizetype j = run;
    int zeros = 0; // the first difference in leading zeros: the last tie-break
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            const qsizetype startA = i;
            const qsizetype startB = j;
            while (i < a.size() && digit(a[i]))
                ++i;
            while (j < b.size() && digit(b[j]))
                ++j;
            qsizetype zeroA = startA;
            qsizetype zeroB = startB;
            while (zeroA < i - 1 && a[zeroA] == '0')
                ++zeroA;
            while (zeroB < j - 1 && b[zeroB] == '0')
                ++zeroB;
            if (i - zeroA != j - zeroB)
                return i - zeroA < j - zeroB ? -1 : 1;
            if (const int c = std::memcmp(a.data() + zeroA, b.data() + zeroB, static_cast<size_t>(i - zeroA)))
                return c;
            if (zeros == 0 && i - startA != j - startB)
                zeros = i - startA < j - startB ? -1 : 1;
            continue;
        }
        if (a[i] != b[j])
            return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
        ++i;
        ++j;
    }
    const qsizetype restA = a.size() - i;
    const qsizetype restB = b.size() - j;
    return restA != restB ? (restA < restB ? -1 : 1) : zeros;
}
