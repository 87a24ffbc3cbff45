// An endless loop in a sort comparator (called from the native sort).
// expect: TIMEOUT within=1500 timeout=200
const a = Array.from({ length: 100 }, (_, i) => i);
a.sort(() => { for (;;); });
