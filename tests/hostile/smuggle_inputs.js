// $args, $scope and $handler are deep-frozen copies: writing into them does
// nothing, even nested, and the next execution gets its own. Replacing the
// bindings fails too (non-writable globals).
// expect: success
// args: {"list":[1,2],"deep":{"x":{"y":1}}}
// scope: {"item":"a"}
// value: [[1,2],1,"a",null,true]
const tries = [
  () => { $args.list.push(3); },
  () => { $args.deep.x.y = 2; },
  () => { $scope.item = 'b'; },
  () => { $handler.name = 'forged'; },
  () => { $args = { list: [] }; },
  () => { Object.setPrototypeOf($args, { injected: true }); },
  () => { Object.getPrototypeOf($args).injected = true; },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
return [$args.list, $args.deep.x.y, $scope.item, $handler.name, $args.injected === undefined];
