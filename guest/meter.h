/* meter.h - the words the host writes into the guest before a handler runs
 * and reads after every segment: the instruction count and budget (the
 * engine's dispatch loop counts, patches/quickjs-metering.patch) and the
 * value limit the codec stops encoding at. Their addresses are published
 * in the layout block (abi.h). The host enforces both limits itself from
 * what it reads; the guest stopping early only makes a runaway handler
 * end quickly. */
#ifndef NEXUS_GUEST_METER_H
#define NEXUS_GUEST_METER_H

#include <stdint.h>

/* Bytecode instructions run since the host zeroed the count. */
extern uint64_t nx_meter_count;
/* Once the count passes it, the engine stops the handler at its next
 * backward jump or call (INT64_MAX: none). */
extern int64_t nx_meter_budget;
/* The largest MessagePack value the codec produces, in bytes. */
extern uint32_t nx_value_limit;

#endif
