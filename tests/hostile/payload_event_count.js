// More events than max_events.
// expect: RESOURCE_LIMIT max_events=20
// caps: events:emit:*
// message: more than 20 events
for (let i = 0; i < 21; i++) $emit('tick', i);
