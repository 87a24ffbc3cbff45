/* dirty.c - written-page tracking with userfaultfd (see dirty.h).
 *
 * Debian 12's kernel headers predate Linux 6.7, so the few definitions of
 * the PAGEMAP_SCAN ioctl and the asynchronous write-protect feature (stable
 * kernel ABI) are spelled out below when the headers lack them.
 */
#include "sandbox/dirty.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

#ifndef PAGEMAP_SCAN
struct page_region {
    uint64_t start, end, categories;
};
struct pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#define PAGE_IS_WRITTEN (1 << 1)
#endif

#define SCAN_BATCH 64

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_uffd = -1, g_pagemap = -1;

static void open_tracker(void)
{
    const char *mode = getenv("NEXUS_RESTORE");
    if (mode && strcmp(mode, "full") == 0)
        return;
    int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    if (uffd < 0)
        return;
    struct uffdio_api api = { .api = UFFD_API,
                              .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
    int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pagemap < 0 || ioctl(uffd, UFFDIO_API, &api) != 0 ||
        !(api.features & UFFD_FEATURE_WP_ASYNC)) {
        close(uffd);
        if (pagemap >= 0)
            close(pagemap);
        return;
    }
    g_uffd = uffd;
    g_pagemap = pagemap;
}

bool nx_dirty_available(void)
{
    pthread_once(&g_once, open_tracker);
    return g_uffd >= 0;
}

int nx_dirty_protect(uint8_t *base, size_t len)
{
    struct uffdio_writeprotect wp = {
        .range = { .start = (uintptr_t)base, .len = len },
        .mode = UFFDIO_WRITEPROTECT_MODE_WP,
    };
    return ioctl(g_uffd, UFFDIO_WRITEPROTECT, &wp) == 0 ? 0 : -1;
}

int nx_dirty_track(uint8_t *base, size_t len)
{
    if (!nx_dirty_available())
        return -1;
    struct uffdio_register reg = {
        .range = { .start = (uintptr_t)base, .len = len },
        .mode = UFFDIO_REGISTER_MODE_WP,
    };
    if (ioctl(g_uffd, UFFDIO_REGISTER, &reg) != 0)
        return -1;
    return nx_dirty_protect(base, len);
}

long nx_dirty_scan(uint8_t *base, size_t len, nx_dirty_range_t *out, size_t max)
{
    struct page_region regions[SCAN_BATCH];
    uint64_t start = (uintptr_t)base, end = start + len;
    size_t found = 0;
    while (start < end) {
        struct pm_scan_arg arg;
        memset(&arg, 0, sizeof arg);
        arg.size = sizeof arg;
        arg.flags = PM_SCAN_CHECK_WPASYNC;
        arg.start = start;
        arg.end = end;
        arg.vec = (uintptr_t)regions;
        arg.vec_len = SCAN_BATCH;
        arg.category_mask = PAGE_IS_WRITTEN;
        arg.return_mask = PAGE_IS_WRITTEN;
        long n = ioctl(g_pagemap, PAGEMAP_SCAN, &arg);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (long i = 0; i < n; i++) {
            if (found == max)
                return -1; /* too scattered to list: restore everything */
            out[found].offset = regions[i].start - (uintptr_t)base;
            out[found].length = regions[i].end - regions[i].start;
            found++;
        }
        if (arg.walk_end <= start)
            break;
        start = arg.walk_end;
    }
    return (long)found;
}
