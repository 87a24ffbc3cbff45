// JSON and Math statics replaced, extended or redefined.
// expect: success
// value: [{"a":1},"{\"b\":2}",3,true,"undefined"]
const tries = [
  () => { JSON.parse = () => 'pwned'; },
  () => { JSON.stringify = () => 'pwned'; },
  () => { Math.max = () => -1; },
  () => { Math.random = () => 0.5; },
  () => { Object.defineProperty(Math, 'random', { value: () => 0.5 }); },
  () => { Math.leak = 'secret'; },
  () => { delete JSON.parse; },
];
for (const t of tries) { try { t(); } catch (e) { /* frozen */ } }
const r = Math.random();
return [JSON.parse('{"a":1}'), JSON.stringify({ b: 2 }), Math.max(1, 3), r !== 0.5 && Math.random() !== r, typeof Math.leak];
