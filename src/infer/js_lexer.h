/* js_lexer.h - a JavaScript tokenizer: turns source text into tokens
 * (identifiers, keywords, punctuators, numbers, strings, template pieces,
 * regular expression literals), skipping whitespace and comments.
 *
 * It never fails on bad input: anything it cannot make sense of becomes a
 * JS_TOK_INVALID token, and a string, template, regex or comment still open
 * at the end of the text simply ends there (its token has terminated ==
 * false). Time is linear in the input; the only allocation is the stack of
 * open template substitutions.
 *
 * Two decisions need context, and the lexer tracks it itself:
 *  - '/' starts a regular expression unless the previous significant token
 *    ends an expression: an identifier, a number, a string, a template end,
 *    a regex, ')' or ']', or one of the keywords this, super, null, true,
 *    false. (The usual heuristic; `if (x) /re/` and `a++ / b` are lexed
 *    wrongly, as by most tools that do not parse.)
 *  - a word right after '.' or '?.' is a property name, so it is
 *    JS_TOK_IDENT even when it is spelled like a keyword (`a.delete`).
 * Template literals come out in pieces so that code inside ${ ... } is lexed
 * as code: `a${x}b${y}c` gives TEMPLATE_HEAD "a", x, TEMPLATE_MIDDLE "b",
 * y, TEMPLATE_TAIL "c"; one without substitutions is a single
 * JS_TOK_TEMPLATE. Nesting is tracked with a stack of brace depths.
 */
#ifndef NEXUS_JS_LEXER_H
#define NEXUS_JS_LEXER_H

#include <stdbool.h>
#include <stddef.h>

typedef enum js_tok_kind {
    JS_TOK_EOF = 0,
    JS_TOK_IDENT,           /* identifier, property name or #private name */
    JS_TOK_KEYWORD,         /* a reserved word, not after '.' */
    JS_TOK_PUNCT,           /* operators and brackets, longest match */
    JS_TOK_NUMBER,
    JS_TOK_STRING,          /* '...' or "..." */
    JS_TOK_TEMPLATE,        /* `...` without substitutions */
    JS_TOK_TEMPLATE_HEAD,   /* `...${ */
    JS_TOK_TEMPLATE_MIDDLE, /* }...${ */
    JS_TOK_TEMPLATE_TAIL,   /* }...` */
    JS_TOK_REGEX,           /* /body/flags */
    JS_TOK_COMMENT,         /* only with JS_LEX_KEEP_COMMENTS */
    JS_TOK_INVALID          /* a byte that starts no token */
} js_tok_kind_t;

typedef struct js_token {
    js_tok_kind_t kind;
    const char *start;    /* the whole token, pointing into the source */
    size_t len;
    /* The part that carries the meaning: a string's or template piece's text
     * between its delimiters, a regex's body, a comment's text; for other
     * tokens the same as start/len. Escapes are left as written: see
     * js_decode_escapes. */
    const char *value;
    size_t value_len;
    bool has_escapes;     /* value contains a backslash escape */
    bool terminated;      /* false when the input ended inside the token */
    bool newline_before;  /* a line terminator precedes it (for ASI rules) */
} js_token_t;

/* Flags for js_lexer_init. */
enum { JS_LEX_KEEP_COMMENTS = 1u };

/* Lexer state. Fields are private; the struct is public so it can live on
 * the stack. */
typedef struct js_lexer {
    const char *src;
    size_t len;
    size_t pos;
    unsigned flags;
    bool regex_allowed;      /* a '/' here starts a regular expression */
    bool after_dot;          /* the next word is a property name */
    bool newline_pending;    /* a line terminator since the last token */
    bool failed;             /* out of memory: reported as EOF */
    size_t brace_depth;      /* open '{' not belonging to a substitution */
    size_t *template_depths; /* brace_depth at each open "${" */
    size_t template_count;
    size_t template_cap;
} js_lexer_t;

/* Prepares to lex src[0..len). src need not be NUL-terminated and must
 * outlive the lexer and its tokens. flags: 0 or JS_LEX_KEEP_COMMENTS. */
void js_lexer_init(js_lexer_t *lx, const char *src, size_t len, unsigned flags);
/* Frees what the lexer allocated. The lexer may be initialised again. */
void js_lexer_dispose(js_lexer_t *lx);

/* Reads the next token into *tok. Returns false (with tok->kind ==
 * JS_TOK_EOF) at the end of the input, and from then on. */
bool js_lexer_next(js_lexer_t *lx, js_token_t *tok);
/* True when lexing stopped early because memory ran out. */
bool js_lexer_failed(const js_lexer_t *lx);

/* True when tok is of kind and its whole text is text (NUL-terminated). */
bool js_token_is(const js_token_t *tok, js_tok_kind_t kind, const char *text);

/* Decodes the escapes of a string, template piece or identifier value:
 * \n \t \r \b \f \v \0 \xHH \uHHHH (surrogate pairs joined) \u{H...}, line
 * continuations, and "\c" for any other c. Writes UTF-8 to out, which must
 * hold len bytes (decoding never grows the text), and sets *out_len.
 * Returns false for what has no UTF-8 form or is not plain: a malformed or
 * truncated escape, a lone surrogate, a legacy octal escape. */
bool js_decode_escapes(const char *raw, size_t len, char *out, size_t *out_len);

#endif
