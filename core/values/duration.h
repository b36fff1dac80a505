#pragma once

#include <QString>
#include <QStringView>

#include <optional>

// A span of time as people type it, for TTLs: "90" (seconds), "90s", "15m", "1h", "2d", "1w", and sums of those
// ("1h30m", "1d 12h"). Case does not matter, spaces between parts do not either. Anything else is refused, so "1h"
// can never be read as 1 second.
namespace Duration {
constexpr qint64 maxSeconds = 100LL * 365 * 24 * 3600; // a hundred years: past that it is a typing mistake

// The seconds, or nothing with *error saying what is wrong.
std::optional<qint64> parseSeconds(QStringView text, QString *error = nullptr);
// "1 h 30 min", "45 s", "2 d": how a parsed value is read back to the user.
QString describe(qint64 seconds);
} // namespace Duration
