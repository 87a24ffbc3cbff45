// Counter: adds $args.step (default 1) to the state key "count", stores it,
// tells the UI, and returns the new count.
// Needs: state:read:count, state:write:count, events:emit:counter:changed
const step = $args.step ?? 1;
const count = ($state.count ?? 0) + step;
$state.count = count;
$emit('counter:changed', { count });
return count;
