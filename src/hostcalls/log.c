/* log.c - $log (and console): records a log message; $time.now; and the
 * seed Math.random is drawn from each execution. Logging needs no
 * capability, but counts and sizes are limited like everything else. */

#include "common/clock.h"
#include "hostcalls/boundary.h"
#include "common/random.h"
#include "result/result.h"

u32 Z_nexusZ_log(struct Z_nexus_instance_t *ctx, u32 level, u32 mptr, u32 mlen)
{
    nx_call_t c;
    const char *msg;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:log", "log", true);
    if (ret == 0 && level > NX_ABI_LOG_ERROR)
        ret = nx_call_fail(&c, NX_E_INVALID_ARGUMENT, "unknown log level %u", level);
    if (ret == 0)
        ret = nx_call_string(&c, mptr, mlen, c.exec->limits.max_log_bytes, NX_STRING_TEXT, "a log message", &msg);
    if (ret == 0)
        ret = nx_call_input(&c, "us", (uint64_t)level, msg, (size_t)mlen);
    if (ret == 0 && c.exec->logs >= c.exec->limits.max_logs)
        ret = nx_call_fail(&c, NX_E_RESOURCE_LIMIT, "more than %u log messages", c.exec->limits.max_logs);
    if (ret == 0)
        ret = nx_call_charge(&c, mlen);
    if (ret == 0) {
        /* the timestamp is the log's one outside input: recorded, replayed */
        double at;
        uint64_t unused;
        if (!nx_call_logged_scalar(&c, &at, &unused))
            at = nx_wall_ms();
        nx_call_output_double(&c, at);
        c.exec->logs++;
        if (nx_result_add_log(c.exec->out, (nx_log_level_t)level, msg, mlen, at) != NX_OK)
            ret = nx_call_fail(&c, NX_E_INTERNAL_ERROR, "out of memory");
    }
    return nx_call_end(&c, ret);
}

f64 Z_nexusZ_now(struct Z_nexus_instance_t *ctx)
{
    nx_call_t c;
    double now = 0;
    uint64_t unused;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:time", "now", true);
    if (ret == 0)
        ret = nx_call_input(&c, "");
    if (ret == 0 && !nx_call_logged_scalar(&c, &now, &unused))
        now = nx_wall_ms();
    if (ret == 0)
        nx_call_output_double(&c, now);
    nx_call_end(&c, ret);
    /* refused (over the host-call limit): minus the code, which the guest
     * throws with the message left in the reply buffer */
    return ret < 0 ? (double)ret : now;
}

u64 Z_nexusZ_random_seed(struct Z_nexus_instance_t *ctx)
{
    nx_call_t c;
    uint64_t seed = 0;
    double unused;
    int32_t ret = nx_call_begin(&c, ctx->owner, "nexus:random", "seed", false);
    if (ret == 0)
        ret = nx_call_input(&c, "");
    if (ret == 0 && !nx_call_logged_scalar(&c, &unused, &seed))
        seed = nx_random_u64();
    nx_call_output_uint(&c, seed);
    nx_call_end(&c, ret);
    return seed;
}
