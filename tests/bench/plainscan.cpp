// The baseline for vigil-scan: the plainest hiredis SCAN loop there is. It connects to one node, runs SCAN with a
// COUNT until the cursor is 0, and writes each key and a newline to stdout, as `vigil-scan --format plain` does. No
// Sentinel, no dedupe, no failover handling. With a fourth argument `hex`, each key is written in lowercase hex, as
// `vigil-scan --format hex` does.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <hiredis.h>
#include <string>

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_plainscan HOST PORT [COUNT] [plain|hex]\n");
        return 2;
    }
    const int count = argc > 3 ? std::atoi(argv[3]) : 1000;
    const bool hex = argc > 4 && std::strcmp(argv[4], "hex") == 0;
    redisContext *c = redisConnect(argv[1], std::atoi(argv[2]));
    if (!c || c->err) {
        std::fprintf(stderr, "bench_plainscan: %s\n", c ? c->errstr : "out of memory");
        return 1;
    }
    static char buffer[1 << 20];
    std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    std::string cursor = "0";
    const std::string countText = std::to_string(count);
    long long keys = 0;
    do {
        const char *argv2[] = {"SCAN", cursor.c_str(), "COUNT", countText.c_str()};
        const size_t lens[] = {4, cursor.size(), 5, countText.size()};
        auto *reply = static_cast<redisReply *>(redisCommandArgv(c, 4, argv2, lens));
        if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
            std::fprintf(stderr, "bench_plainscan: bad reply\n");
            return 1;
        }
        cursor.assign(reply->element[0]->str, reply->element[0]->len);
        const redisReply *list = reply->element[1];
        for (size_t i = 0; i < list->elements; ++i) {
            const redisReply *key = list->element[i];
            if (hex) {
                // A table, not printf: the baseline should be as quick as a careful C programmer makes it.
                static const char digits[] = "0123456789abcdef";
                for (size_t j = 0; j < key->len; ++j) {
                    const auto u = static_cast<unsigned char>(key->str[j]);
                    std::fputc(digits[u >> 4], stdout);
                    std::fputc(digits[u & 0xf], stdout);
                }
            } else {
                std::fwrite(key->str, 1, key->len, stdout);
            }
            std::fputc('\n', stdout);
        }
        keys += static_cast<long long>(list->elements);
        freeReplyObject(reply);
    } while (cursor != "0");
    std::fflush(stdout);
    std::fprintf(stderr, "%lld\n", keys);
    redisFree(c);
    return 0;
}
