/* json_text.h - JSON string literals for text from outside (json_text.c). */
#ifndef NEXUS_CLI_JSON_TEXT_H
#define NEXUS_CLI_JSON_TEXT_H

#include <stdio.h>

/* Writes text as a JSON string literal, escaped, valid UTF-8. */
void cli_print_json_string(FILE *f, const char *text);

#endif
