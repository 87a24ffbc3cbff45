/* meter.c - the metering words (meter.h). Defaults hold until the host
 * writes its own: no budget, and the built-in value limit. */
#include "meter.h"

uint64_t nx_meter_count;
int64_t nx_meter_budget = INT64_MAX;
uint32_t nx_value_limit = 1u << 20;
