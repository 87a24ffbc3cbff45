// A key named __proto__ arriving from the host is an own property, never the
// prototype; the input objects are frozen.
// expect: success
// args: {"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}
// value: [true,null,null,true,true]
return [Object.prototype.hasOwnProperty.call($args, '__proto__'), ({}).polluted,
        Object.getPrototypeOf($args).polluted, $args.__proto__.polluted,
        Object.getPrototypeOf($args) === Object.prototype];
