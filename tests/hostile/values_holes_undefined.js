// undefined members are left out of objects; in arrays undefined and holes
// become nil; symbol keys are left out.
// expect: success
// value: {"b":[null,null,3],"c":null}
// value_hex: df00000002a16293c0c003a163c0
return { a: undefined, b: [undefined, , 3], c: null, [Symbol('k')]: 1 };
