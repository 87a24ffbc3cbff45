/* js_lexer.c - the JavaScript tokenizer behind js_lexer.h: whitespace and
 * comments, words and keywords, numbers, punctuators, strings, template
 * pieces, regular expression literals, and decoding escapes. */
#include "infer/js_lexer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned char uchar;

/* ---- characters ------------------------------------------------------------ */

/* Length of the line terminator at p (LF, CR, U+2028, U+2029), or 0. */
static size_t line_terminator_len(const char *p, size_t avail)
{
    const uchar *u = (const uchar *)p;
    if (avail >= 1 && (u[0] == '\n' || u[0] == '\r')) return 1;
    if (avail >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)) return 3;
    return 0;
}

/* Length of the whitespace character at p that is not a line terminator:
 * ASCII blanks, NBSP, BOM and the Unicode space separators. Otherwise 0. */
static size_t space_len(const char *p, size_t avail)
{
    const uchar *u = (const uchar *)p;
    if (avail == 0) return 0;
    if (u[0] == ' ' || u[0] == '\t' || u[0] == '\v' || u[0] == '\f') return 1;
    if (avail >= 2 && u[0] == 0xC2 && u[1] == 0xA0) return 2;
    if (avail < 3) return 0;
    if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) return 3;          /* U+FEFF */
    if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) return 3;          /* U+1680 */
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xAF)) return 3;
    if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) return 3;          /* U+205F */
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) return 3;          /* U+3000 */
    return 0;
}

static bool is_ascii_word_char(uchar c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '$' || c == '_';
}

static bool is_digit(uchar c) { return c >= '0' && c <= '9'; }

static int hex_value(uchar c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* ---- lexer state helpers ------------------------------------------------- */

static size_t remaining(const js_lexer_t *lx) { return lx->len - lx->pos; }

/* The byte off positions ahead, or -1 past the end. */
static int byte_at(const js_lexer_t *lx, size_t off)
{
    return off < remaining(lx) ? (uchar)lx->src[lx->pos + off] : -1;
}

static const char *here(const js_lexer_t *lx) { return lx->src + lx->pos; }

/* Non-ASCII bytes are taken as identifier characters (an approximation of
 * Unicode ID_Continue) unless they start whitespace or a line terminator. */
static bool word_char_at(const js_lexer_t *lx, size_t off)
{
    if (off >= remaining(lx)) return false;
    uchar c = (uchar)lx->src[lx->pos + off];
    if (c < 0x80) return is_ascii_word_char(c);
    const char *p = here(lx) + off;
    size_t avail = remaining(lx) - off;
    return space_len(p, avail) == 0 && line_terminator_len(p, avail) == 0;
}

static bool word_start_at(const js_lexer_t *lx, size_t off)
{
    int c = byte_at(lx, off);
    if (c < 0) return false;
    if (c == '\\') return byte_at(lx, off + 1) == 'u';
    return !is_digit((uchar)c) && word_char_at(lx, off);
}

static bool push_template(js_lexer_t *lx)
{
    if (lx->template_count == lx->template_cap) {
        size_t cap = lx->template_cap ? lx->template_cap * 2 : 8;
        size_t *grown = realloc(lx->template_depths, cap * sizeof *grown);
        if (!grown) {
            lx->failed = true;
            return false;
        }
        lx->template_depths = grown;
        lx->template_cap = cap;
    }
    lx->template_depths[lx->template_count++] = lx->brace_depth;
    return true;
}

/* True when a '}' here closes the innermost template substitution. */
static bool closes_substitution(const js_lexer_t *lx)
{
    return lx->template_count > 0 &&
           lx->template_depths[lx->template_count - 1] == lx->brace_depth;
}

static void begin_token(js_lexer_t *lx, js_token_t *tok, js_tok_kind_t kind)
{
    memset(tok, 0, sizeof *tok);
    tok->kind = kind;
    tok->start = here(lx);
    tok->terminated = true;
}

/* Ends the token at the current position; value defaults to the whole. */
static void end_token(const js_lexer_t *lx, js_token_t *tok)
{
    tok->len = (size_t)(here(lx) - tok->start);
    if (!tok->value) {
        tok->value = tok->start;
        tok->value_len = tok->len;
    }
}

/* ---- whitespace and comments --------------------------------------------- */

/* Skips a line comment; the line terminator is left for the caller. */
static void skip_line_comment(js_lexer_t *lx)
{
    while (lx->pos < lx->len && line_terminator_len(here(lx), remaining(lx)) == 0) lx->pos++;
}

/* Skips a block comment starting at "/ *"; notes a line terminator in it. */
static void skip_block_comment(js_lexer_t *lx, js_token_t *tok)
{
    lx->pos += 2;
    while (lx->pos < lx->len) {
        if (byte_at(lx, 0) == '*' && byte_at(lx, 1) == '/') {
            lx->pos += 2;
            return;
        }
        if (line_terminator_len(here(lx), remaining(lx))) lx->newline_pending = true;
        lx->pos++;
    }
    tok->terminated = false;
}

/* True at "//", "/ *" or a hashbang on the first line. */
static bool at_comment(const js_lexer_t *lx)
{
    int c0 = byte_at(lx, 0), c1 = byte_at(lx, 1);
    if (c0 == '/' && (c1 == '/' || c1 == '*')) return true;
    return lx->pos == 0 && c0 == '#' && c1 == '!';
}

/* Lexes the comment at the current position into tok. */
static void lex_comment(js_lexer_t *lx, js_token_t *tok)
{
    begin_token(lx, tok, JS_TOK_COMMENT);
    bool block = byte_at(lx, 1) == '*';
    tok->value = tok->start + 2;
    if (block) skip_block_comment(lx, tok);
    else skip_line_comment(lx);
    size_t closer = block && tok->terminated ? 2 : 0;
    tok->value_len = (size_t)(here(lx) - tok->value) - closer;
    end_token(lx, tok);
}

/* Skips whitespace and line terminators, noting the latter. */
static void skip_blanks(js_lexer_t *lx)
{
    while (lx->pos < lx->len) {
        size_t n = line_terminator_len(here(lx), remaining(lx));
        if (n) {
            lx->newline_pending = true;
        } else {
            n = space_len(here(lx), remaining(lx));
            if (!n) return;
        }
        lx->pos += n;
    }
}

/* ---- words ---------------------------------------------------------------- */

/* Skips "\u" and its hex digits, "\uHHHH" or "\u{H...}". Malformed ones are
 * consumed as far as they look like one; js_decode_escapes rejects them. */
static void skip_unicode_escape(js_lexer_t *lx)
{
    lx->pos += 2;
    if (byte_at(lx, 0) == '{') {
        lx->pos++;
        while (byte_at(lx, 0) >= 0 && hex_value((uchar)byte_at(lx, 0)) >= 0) lx->pos++;
        if (byte_at(lx, 0) == '}') lx->pos++;
        return;
    }
    for (int i = 0; i < 4 && byte_at(lx, 0) >= 0 && hex_value((uchar)byte_at(lx, 0)) >= 0; i++)
        lx->pos++;
}

static void skip_word(js_lexer_t *lx, js_token_t *tok)
{
    while (lx->pos < lx->len) {
        if (byte_at(lx, 0) == '\\' && byte_at(lx, 1) == 'u') {
            tok->has_escapes = true;
            skip_unicode_escape(lx);
        } else if (word_char_at(lx, 0)) {
            lx->pos++;
        } else {
            return;
        }
    }
}

/* Reserved words with their lengths; a word is compared only against the
 * entries of its length and first letter. */
#define WORD(w) {w, sizeof(w) - 1}
static const struct {
    const char *text;
    size_t len;
} reserved_words[] = {
    WORD("await"), WORD("break"), WORD("case"), WORD("catch"), WORD("class"),
    WORD("const"), WORD("continue"), WORD("debugger"), WORD("default"), WORD("delete"),
    WORD("do"), WORD("else"), WORD("enum"), WORD("export"), WORD("extends"),
    WORD("false"), WORD("finally"), WORD("for"), WORD("function"), WORD("if"),
    WORD("import"), WORD("in"), WORD("instanceof"), WORD("new"), WORD("null"),
    WORD("return"), WORD("super"), WORD("switch"), WORD("this"), WORD("throw"),
    WORD("true"), WORD("try"), WORD("typeof"), WORD("var"), WORD("void"),
    WORD("while"), WORD("with"), WORD("yield"),
};

static bool is_reserved_word(const char *text, size_t len)
{
    if (len < 2 || len > 10 || text[0] < 'a' || text[0] > 'y') return false;
    for (size_t i = 0; i < sizeof reserved_words / sizeof reserved_words[0]; i++)
        if (reserved_words[i].len == len && reserved_words[i].text[0] == text[0] &&
            memcmp(reserved_words[i].text, text, len) == 0)
            return true;
    return false;
}

static void lex_word(js_lexer_t *lx, js_token_t *tok)
{
    begin_token(lx, tok, JS_TOK_IDENT);
    if (byte_at(lx, 0) == '#') lx->pos++; /* a #private name */
    skip_word(lx, tok);
    end_token(lx, tok);
    /* Escaped words are never keywords: an escaped keyword is an error. */
    if (!lx->after_dot && !tok->has_escapes && is_reserved_word(tok->start, tok->len))
        tok->kind = JS_TOK_KEYWORD;
}

/* ---- numbers -------------------------------------------------------------- */

static void skip_digits(js_lexer_t *lx)
{
    while (byte_at(lx, 0) >= 0 && (is_digit((uchar)byte_at(lx, 0)) || byte_at(lx, 0) == '_'))
        lx->pos++;
}

static bool is_radix_prefix(int c)
{
    return c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'b' || c == 'B';
}

/* Decimal: digits, one fraction, an exponent. Radix: 0x/0o/0b and digits.
 * Then any word characters (a BigInt 'n', or junk that is an error anyway),
 * so "1..x" still reads as "1." "." "x". */
static void lex_number(js_lexer_t *lx, js_token_t *tok)
{
    begin_token(lx, tok, JS_TOK_NUMBER);
    if (byte_at(lx, 0) == '0' && is_radix_prefix(byte_at(lx, 1))) {
        lx->pos += 2;
    } else {
        skip_digits(lx);
        if (byte_at(lx, 0) == '.') {
            lx->pos++;
            skip_digits(lx);
        }
        int e = byte_at(lx, 0), sign = byte_at(lx, 1);
        if ((e == 'e' || e == 'E') && (sign == '+' || sign == '-') &&
            byte_at(lx, 2) >= 0 && is_digit((uchar)byte_at(lx, 2)))
            lx->pos += 2;
    }
    while (byte_at(lx, 0) >= 0 && is_ascii_word_char((uchar)byte_at(lx, 0))) lx->pos++;
    end_token(lx, tok);
}

/* ---- punctuators ---------------------------------------------------------- */

/* Longest first, so the first match is the longest. */
static const struct {
    const char *text;
    size_t len;
} punctuators[] = {
    WORD(">>>="), WORD("..."), WORD("==="), WORD("!=="), WORD("**="), WORD("<<="),
    WORD(">>="), WORD(">>>"), WORD("&&="), WORD("||="), WORD("?\?="),
    WORD("=>"), WORD("=="), WORD("!="), WORD("<="), WORD(">="), WORD("&&"), WORD("||"),
    WORD("??"), WORD("?."), WORD("++"), WORD("--"), WORD("+="), WORD("-="), WORD("*="),
    WORD("/="), WORD("%="), WORD("&="), WORD("|="), WORD("^="), WORD("**"), WORD("<<"),
    WORD(">>"),
};

/* Characters that are a punctuator on their own (and start every other). */
static bool is_single_punctuator(char c)
{
    switch (c) {
    case '{': case '}': case '(': case ')': case '[': case ']': case ';': case ',':
    case '<': case '>': case '+': case '-': case '*': case '/': case '%': case '&':
    case '|': case '^': case '!': case '~': case '?': case ':': case '=': case '.':
    case '@':
        return true;
    default:
        return false;
    }
}

/* Length of the punctuator at the current position, or 0. */
static size_t punctuator_len(const js_lexer_t *lx)
{
    char c = lx->src[lx->pos];
    if (!is_single_punctuator(c)) return 0;
    /* a longer punctuator is made of these characters, never starting
     * with a bracket, ';', ',', '~', ':' or '@' */
    if (remaining(lx) < 2 || !is_single_punctuator(lx->src[lx->pos + 1])) return 1;
    switch (c) {
    case '{': case '}': case '(': case ')': case '[': case ']': case ';': case ',':
    case '~': case ':': case '@':
        return 1;
    default:
        break;
    }
    for (size_t i = 0; i < sizeof punctuators / sizeof punctuators[0]; i++) {
        size_t n = punctuators[i].len;
        if (punctuators[i].text[0] != c || n > remaining(lx) ||
            memcmp(here(lx), punctuators[i].text, n) != 0)
            continue;
        /* "a?.5:b" is a conditional, not optional chaining */
        if (c == '?' && punctuators[i].text[1] == '.' && byte_at(lx, 2) >= 0 &&
            is_digit((uchar)byte_at(lx, 2)))
            continue;
        return n;
    }
    return 1;
}

static void lex_punctuator(js_lexer_t *lx, js_token_t *tok)
{
    begin_token(lx, tok, JS_TOK_PUNCT);
    size_t n = punctuator_len(lx);
    if (n == 0) {
        /* Not JavaScript; one whole UTF-8 sequence keeps tokens readable. */
        tok->kind = JS_TOK_INVALID;
        n = 1;
        while (n < remaining(lx) && ((uchar)lx->src[lx->pos + n] & 0xC0) == 0x80) n++;
    }
    lx->pos += n;
    end_token(lx, tok);
    if (js_token_is(tok, JS_TOK_PUNCT, "{")) lx->brace_depth++;
    else if (js_token_is(tok, JS_TOK_PUNCT, "}") && lx->brace_depth > 0) lx->brace_depth--;
}

/* ---- strings, templates, regular expressions ---------------------------- */

/* Skips a backslash and the character it escapes (CR LF counts as one). */
static void skip_escape(js_lexer_t *lx)
{
    lx->pos++;
    if (lx->pos >= lx->len) return;
    if (byte_at(lx, 0) == '\r' && byte_at(lx, 1) == '\n') lx->pos++;
    lx->pos++;
}

/* A raw LF or CR ends an unterminated string, so one stray quote cannot
 * swallow the rest of the file. */
static void lex_string(js_lexer_t *lx, js_token_t *tok)
{
    begin_token(lx, tok, JS_TOK_STRING);
    char quote = lx->src[lx->pos++];
    tok->value = here(lx);
    tok->terminated = false;
    while (lx->pos < lx->len) {
        char c = lx->src[lx->pos];
        if (c == quote) {
            tok->terminated = true;
            break;
        }
        if (c == '\n' || c == '\r') break;
        if (c == '\\') {
            tok->has_escapes = true;
            skip_escape(lx);
        } else {
            lx->pos++;
        }
    }
    tok->value_len = (size_t)(here(lx) - tok->value);
    if (tok->terminated) lx->pos++;
    end_token(lx, tok);
}

/* Lexes template text after its opening '`' or '}' up to the closing '`'
 * (kind: end_kind) or "${" (kind: subst_kind, and a substitution opens). */
static void lex_template_text(js_lexer_t *lx, js_token_t *tok, js_tok_kind_t end_kind,
                              js_tok_kind_t subst_kind)
{
    begin_token(lx, tok, end_kind);
    lx->pos++; /* '`' or '}' */
    tok->value = here(lx);
    tok->terminated = false;
    while (lx->pos < lx->len) {
        char c = lx->src[lx->pos];
        if (c == '\\') {
            tok->has_escapes = true;
            skip_escape(lx);
            continue;
        }
        if (c == '`' || (c == '$' && byte_at(lx, 1) == '{')) {
            tok->terminated = true;
            tok->value_len = (size_t)(here(lx) - tok->value);
            lx->pos += c == '`' ? 1 : 2;
            if (c == '$') {
                tok->kind = subst_kind;
                push_template(lx);
            }
            end_token(lx, tok);
            return;
        }
        lx->pos++;
    }
    tok->value_len = (size_t)(here(lx) - tok->value);
    end_token(lx, tok);
}

static void lex_template_start(js_lexer_t *lx, js_token_t *tok)
{
    lex_template_text(lx, tok, JS_TOK_TEMPLATE, JS_TOK_TEMPLATE_HEAD);
}

static void lex_template_continuation(js_lexer_t *lx, js_token_t *tok)
{
    lx->template_count--;
    lex_template_text(lx, tok, JS_TOK_TEMPLATE_TAIL, JS_TOK_TEMPLATE_MIDDLE);
}

/* A '/' inside [...] does not end the regex; a line terminator ends an
 * unterminated one. */
static void lex_regex(js_lexer_t *lx, js_token_t *tok)
{
    begin_token(lx, tok, JS_TOK_REGEX);
    lx->pos++;
    tok->value = here(lx);
    tok->terminated = false;
    bool in_class = false;
    while (lx->pos < lx->len && line_terminator_len(here(lx), remaining(lx)) == 0) {
        char c = lx->src[lx->pos];
        if (c == '\\') {
            lx->pos++;
            if (lx->pos < lx->len && line_terminator_len(here(lx), remaining(lx)) == 0)
                lx->pos++;
            continue;
        }
        if (c == '/' && !in_class) {
            tok->terminated = true;
            break;
        }
        if (c == '[') in_class = true;
        else if (c == ']') in_class = false;
        lx->pos++;
    }
    tok->value_len = (size_t)(here(lx) - tok->value);
    if (tok->terminated) {
        lx->pos++;
        while (word_char_at(lx, 0)) lx->pos++; /* flags */
    }
    end_token(lx, tok);
}

/* ---- the token loop ------------------------------------------------------- */

/* Keywords after which an expression (so a regex) may NOT follow. */
static bool keyword_ends_expression(const js_token_t *tok)
{
    return js_token_is(tok, JS_TOK_KEYWORD, "this") || js_token_is(tok, JS_TOK_KEYWORD, "super") ||
           js_token_is(tok, JS_TOK_KEYWORD, "null") || js_token_is(tok, JS_TOK_KEYWORD, "true") ||
           js_token_is(tok, JS_TOK_KEYWORD, "false");
}

/* Whether a '/' after tok starts a regex: see the header. */
static bool regex_may_follow(const js_token_t *tok, bool was_property)
{
    switch (tok->kind) {
    case JS_TOK_IDENT:
        /* `for (x of /re/g)`: the contextual keyword "of" */
        return !was_property && js_token_is(tok, JS_TOK_IDENT, "of");
    case JS_TOK_KEYWORD:
        return !keyword_ends_expression(tok);
    case JS_TOK_NUMBER:
    case JS_TOK_STRING:
    case JS_TOK_TEMPLATE:
    case JS_TOK_TEMPLATE_TAIL:
    case JS_TOK_REGEX:
        return false;
    case JS_TOK_PUNCT:
        return !js_token_is(tok, JS_TOK_PUNCT, ")") && !js_token_is(tok, JS_TOK_PUNCT, "]");
    default:
        return true;
    }
}

/* Lexes the significant token at the current position (not a comment). */
static void lex_token(js_lexer_t *lx, js_token_t *tok)
{
    int c = byte_at(lx, 0);
    if (c == '"' || c == '\'') lex_string(lx, tok);
    else if (c == '`') lex_template_start(lx, tok);
    else if (c == '}' && closes_substitution(lx)) lex_template_continuation(lx, tok);
    else if (word_start_at(lx, 0) || (c == '#' && word_start_at(lx, 1))) lex_word(lx, tok);
    else if (is_digit((uchar)c) || (c == '.' && byte_at(lx, 1) >= 0 && is_digit((uchar)byte_at(lx, 1))))
        lex_number(lx, tok);
    else if (c == '/' && lx->regex_allowed) lex_regex(lx, tok);
    else lex_punctuator(lx, tok);
}

static void make_eof(js_lexer_t *lx, js_token_t *tok)
{
    memset(tok, 0, sizeof *tok);
    tok->kind = JS_TOK_EOF;
    tok->start = tok->value = lx->src + lx->len;
    tok->terminated = true;
    tok->newline_before = lx->newline_pending;
}

bool js_lexer_next(js_lexer_t *lx, js_token_t *tok)
{
    for (;;) {
        skip_blanks(lx);
        if (lx->failed || lx->pos >= lx->len) {
            make_eof(lx, tok);
            return false;
        }
        if (!at_comment(lx)) break;
        bool newline = lx->newline_pending;
        lex_comment(lx, tok);
        if (lx->flags & JS_LEX_KEEP_COMMENTS) {
            tok->newline_before = newline;
            return true;
        }
    }
    bool was_property = lx->after_dot;
    tok->newline_before = false;
    lex_token(lx, tok);
    if (lx->failed) {
        make_eof(lx, tok);
        return false;
    }
    tok->newline_before = lx->newline_pending;
    lx->newline_pending = false;
    lx->regex_allowed = regex_may_follow(tok, was_property);
    lx->after_dot = js_token_is(tok, JS_TOK_PUNCT, ".") || js_token_is(tok, JS_TOK_PUNCT, "?.");
    return true;
}

void js_lexer_init(js_lexer_t *lx, const char *src, size_t len, unsigned flags)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src ? src : "";
    lx->len = src ? len : 0;
    lx->flags = flags;
    lx->regex_allowed = true; /* the start of a script is a statement start */
}

void js_lexer_dispose(js_lexer_t *lx)
{
    free(lx->template_depths);
    lx->template_depths = NULL;
    lx->template_count = lx->template_cap = 0;
}

bool js_lexer_failed(const js_lexer_t *lx) { return lx->failed; }

bool js_token_is(const js_token_t *tok, js_tok_kind_t kind, const char *text)
{
    /* the kind and first byte settle most calls without strlen */
    if (tok->kind != kind) return false;
    if (tok->len == 0) return text[0] == '\0';
    if (tok->start[0] != text[0]) return false;
    return strlen(text) == tok->len && memcmp(tok->start, text, tok->len) == 0;
}

/* ---- decoding escapes ------------------------------------------------------ */

/* Appends code point cp as UTF-8; false for a surrogate or > U+10FFFF. */
static bool put_utf8(uint32_t cp, char *out, size_t *n)
{
    uchar *o = (uchar *)out + *n;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp < 0x80) {
        o[0] = (uchar)cp;
        *n += 1;
    } else if (cp < 0x800) {
        o[0] = (uchar)(0xC0 | (cp >> 6));
        o[1] = (uchar)(0x80 | (cp & 0x3F));
        *n += 2;
    } else if (cp < 0x10000) {
        o[0] = (uchar)(0xE0 | (cp >> 12));
        o[1] = (uchar)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (uchar)(0x80 | (cp & 0x3F));
        *n += 3;
    } else if (cp <= 0x10FFFF) {
        o[0] = (uchar)(0xF0 | (cp >> 18));
        o[1] = (uchar)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (uchar)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (uchar)(0x80 | (cp & 0x3F));
        *n += 4;
    } else {
        return false;
    }
    return true;
}

/* Reads exactly count hex digits at raw[*i]; advances *i. */
static bool read_hex(const char *raw, size_t len, size_t *i, int count, uint32_t *cp)
{
    uint32_t v = 0;
    for (int k = 0; k < count; k++, (*i)++) {
        int h = *i < len ? hex_value((uchar)raw[*i]) : -1;
        if (h < 0) return false;
        v = v * 16 + (uint32_t)h;
    }
    *cp = v;
    return true;
}

/* Reads the code point of a \u escape whose 'u' is at raw[*i - 1]. */
static bool read_unicode_escape(const char *raw, size_t len, size_t *i, uint32_t *cp)
{
    if (*i < len && raw[*i] == '{') {
        uint32_t v = 0;
        size_t digits = 0;
        for ((*i)++; *i < len && raw[*i] != '}'; (*i)++, digits++) {
            int h = hex_value((uchar)raw[*i]);
            if (h < 0 || v > 0x10FFFF) return false;
            v = v * 16 + (uint32_t)h;
        }
        if (*i >= len || digits == 0) return false;
        (*i)++;
        *cp = v;
        return true;
    }
    return read_hex(raw, len, i, 4, cp);
}

/* A \u escape, joining a high surrogate with a following \u low one. */
static bool decode_unicode(const char *raw, size_t len, size_t *i, char *out, size_t *n)
{
    uint32_t cp;
    if (!read_unicode_escape(raw, len, i, &cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF && *i + 1 < len && raw[*i] == '\\' && raw[*i + 1] == 'u') {
        size_t j = *i + 2;
        uint32_t low;
        if (read_unicode_escape(raw, len, &j, &low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            *i = j;
        }
    }
    return put_utf8(cp, out, n);
}

static char simple_escape(char c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return c;
    }
}

/* Decodes the escape whose backslash is at raw[*i - 1]. */
static bool decode_escape(const char *raw, size_t len, size_t *i, char *out, size_t *n)
{
    if (*i >= len) return false;
    char c = raw[(*i)++];
    size_t lt = line_terminator_len(raw + *i - 1, len - (*i - 1));
    if (lt) { /* a line continuation stands for nothing */
        *i += lt - 1;
        if (c == '\r' && *i < len && raw[*i] == '\n') (*i)++;
        return true;
    }
    if (c == 'u') return decode_unicode(raw, len, i, out, n);
    if (c == 'x') {
        uint32_t cp;
        return read_hex(raw, len, i, 2, &cp) && put_utf8(cp, out, n);
    }
    if (c == '0' && !(*i < len && is_digit((uchar)raw[*i]))) {
        out[(*n)++] = '\0';
        return true;
    }
    if (is_digit((uchar)c)) return false; /* legacy octal, \8, \9 */
    out[(*n)++] = simple_escape(c);
    return true;
}

bool js_decode_escapes(const char *raw, size_t len, char *out, size_t *out_len)
{
    size_t n = 0;
    size_t i = 0;
    while (i < len) {
        if (raw[i] != '\\') {
            out[n++] = raw[i++];
            continue;
        }
        i++;
        if (!decode_escape(raw, len, &i, out, &n)) return false;
    }
    *out_len = n;
    return true;
}
