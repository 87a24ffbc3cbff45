// Values just under max_value_bytes, written until max_output_bytes (the sum
// of everything recorded) is reached.
// expect: RESOURCE_LIMIT within=5000 max_value_bytes=65536 max_output_bytes=1048576
// caps: state:write:*
// message: output over 1048576 bytes
const chunk = 'y'.repeat(60000);
for (let i = 0; i < 100; i++) $state['k' + i] = chunk;
