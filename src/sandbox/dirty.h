/* dirty.h - which pages of a guest memory were written since they were
 * last write-protected.
 *
 * Restoring an instance means putting back only what an execution changed
 * (about a dozen 4 KiB pages for a small handler, out of ~300). The kernel
 * tracks it for us: the memory is registered with userfaultfd in
 * asynchronous write-protect mode (Linux 6.7+), so a write to a protected
 * page is resolved inside the kernel and the PAGEMAP_SCAN ioctl later lists
 * the pages written. Where that is unavailable, nx_dirty_available() is
 * false and callers copy the whole image back instead.
 */
#ifndef NEXUS_SANDBOX_DIRTY_H
#define NEXUS_SANDBOX_DIRTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nx_dirty_range {
    size_t offset, length; /* page-aligned, relative to the tracked base */
} nx_dirty_range_t;

/* True when this process can track writes (decided once). Setting the
 * environment variable NEXUS_RESTORE=full forces false. */
bool nx_dirty_available(void);

/* Starts tracking [base, base+len) and write-protects it all. */
int nx_dirty_track(uint8_t *base, size_t len);

/* Lists the written ranges into out (at most max). Returns the number
 * found, or -1 on error (then the caller restores everything). Pages stay
 * unprotected: they are found again by the next scan. */
long nx_dirty_scan(uint8_t *base, size_t len, nx_dirty_range_t *out, size_t max);

/* Write-protects [base, base+len) again. */
int nx_dirty_protect(uint8_t *base, size_t len);

#endif
