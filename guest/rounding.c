/* rounding.c - directed rounding for QuickJS's number formatting.
 *
 * JavaScript rounds ties away from zero in toFixed, toExponential and
 * toPrecision. QuickJS gets that by printing under fesetround(FE_UPWARD /
 * FE_DOWNWARD), but WebAssembly only rounds to nearest, so there
 * (25).toExponential(0) would print "2e+1". QuickJS's calls to fesetround and
 * snprintf are redirected here (guest/compat/engine_compat.h). Under a
 * directed mode, the two formats QuickJS uses ("%.*f" and "%+.*e") are
 * printed exactly (musl prints the full decimal expansion of a double when
 * asked for enough digits), cut at the requested precision, and bumped by
 * one unit in the last place when the cut dropped nonzero digits and the
 * mode rounds away from zero for this sign. That is what a libc honouring
 * the mode would print.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compat/engine_compat.h"

#undef snprintf
#undef fesetround

/* Enough digits for the exact expansion of any double: at most 767
 * significant decimal digits, at most 1074 after the decimal point. */
#define EXACT_EXTRA_DIGITS 1100
#define EXACT_BUF_SIZE (EXACT_EXTRA_DIGITS + 512)

static int g_rounding_mode = FE_TONEAREST;

int nx_fesetround(int mode)
{
    if (mode != FE_TONEAREST && mode != FE_UPWARD && mode != FE_DOWNWARD)
        return 1;
    g_rounding_mode = mode;
    return 0;
}

/* Adds one unit in the last digit of digits[0..len), skipping a '.'.
 * Returns true when the carry ran off the front (all nines). */
static bool increment_digits(char *digits, size_t len)
{
    for (size_t i = len; i-- > 0;) {
        if (digits[i] == '.')
            continue;
        if (digits[i] != '9') {
            digits[i]++;
            return false;
        }
        digits[i] = '0';
    }
    return true;
}

static bool any_nonzero_digit(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s >= '1' && *s <= '9')
            return true;
    return false;
}

/* "%.*f" under a directed mode. */
static int format_fixed(char *out, size_t size, int prec, double d, bool away)
{
    char exact[EXACT_BUF_SIZE], res[EXACT_BUF_SIZE];
    snprintf(exact, sizeof exact, "%.*f", prec + EXACT_EXTRA_DIGITS, d);
    const char *sign_end = exact + (exact[0] == '-');
    const char *dot = strchr(exact, '.');
    size_t keep = (size_t)(dot - exact) + (prec > 0 ? (size_t)prec + 1 : 0);
    const char *rest = dot + 1 + prec;

    size_t sign_len = (size_t)(sign_end - exact);
    memcpy(res, exact, sign_len);
    size_t pos = sign_len;
    res[pos++] = '0'; /* room for a carry out of the leading digit */
    memcpy(res + pos, sign_end, keep - sign_len);
    pos += keep - sign_len;
    res[pos] = '\0';
    if (away && any_nonzero_digit(rest, exact + strlen(exact)))
        increment_digits(res + sign_len, pos - sign_len);
    /* drop the spare leading zero unless the carry used it */
    if (res[sign_len] == '0' && res[sign_len + 1] != '.' && res[sign_len + 1] != '\0')
        memmove(res + sign_len, res + sign_len + 1, pos - sign_len);
    return snprintf(out, size, "%s", res);
}

/* "%+.*e" under a directed mode. */
static int format_exponential(char *out, size_t size, int prec, double d, bool away)
{
    char exact[EXACT_BUF_SIZE], mant[EXACT_BUF_SIZE];
    snprintf(exact, sizeof exact, "%+.*e", prec + EXACT_EXTRA_DIGITS, d);
    const char *e = strchr(exact, 'e');
    int exponent = 0;
    sscanf(e + 1, "%d", &exponent);
    /* exact = sign, digit, '.', digits..., 'e', exponent */
    size_t keep = 2 + (prec > 0 ? (size_t)prec + 1 : 0); /* sign + digit [+ . + prec] */
    memcpy(mant, exact, keep);
    mant[keep] = '\0';
    if (away && any_nonzero_digit(exact + keep, e)) {
        if (increment_digits(mant + 1, keep - 1)) {
            /* 9.99 became 0.00: it is 1.00 with the next exponent */
            mant[1] = '1';
            exponent++;
        }
    }
    return snprintf(out, size, "%se%c%02d", mant, exponent < 0 ? '-' : '+',
                    exponent < 0 ? -exponent : exponent);
}

int nx_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    bool fixed = strcmp(fmt, "%.*f") == 0;
    bool expo = strcmp(fmt, "%+.*e") == 0;
    if (g_rounding_mode != FE_TONEAREST && (fixed || expo)) {
        int prec = va_arg(ap, int);
        double d = va_arg(ap, double);
        bool away = (g_rounding_mode == FE_UPWARD && d > 0) ||
                    (g_rounding_mode == FE_DOWNWARD && d < 0);
        n = fixed ? format_fixed(buf, size, prec, d, away)
                  : format_exponential(buf, size, prec, d, away);
    } else {
        n = vsnprintf(buf, size, fmt, ap);
    }
    va_end(ap);
    return n;
}
