// An Error with a 2 MiB message. The handler threw: EXECUTION_ERROR is what
// the docs promise; the message may be shortened.
// expect: EXECUTION_ERROR within=5000
// bug: reported as RESOURCE_LIMIT "the outcome is larger than the value limit" and the handler's error (name, message, line) is lost: the guest's outcome report is capped at max_value_bytes + 64 KiB and error strings are not truncated to fit
throw new Error('x'.repeat(2 * 1024 * 1024));
