// A toString that concatenates its own object.
// expect: RESOURCE_LIMIT within=2000
const o = {};
o.toString = () => '' + o;
return '' + o;
