/* web_url_api.c - URL and URLSearchParams (stub while the parser is written). */
#include "web.h"

int web_url_install(JSContext *ctx)
{
    (void)ctx;
    return 0;
}
