#pragma once

#include <QByteArray>
#include <QDebug>

#include <cstdint>
#include <cstdlib>

// A property a fuzz target found broken: say which and with what, then abort, so that libFuzzer keeps the input as a
// crash and the replay test fails.
#define FUZZ_CHECK(condition, ...) \
    do { \
        if (!(condition)) { \
            qCritical().noquote() << "fuzz check failed:" << #condition << __VA_ARGS__; \
            std::abort(); \
        } \
    } while (false)

inline QByteArray fuzzBytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
