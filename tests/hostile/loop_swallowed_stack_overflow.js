// Stack overflows caught over and over: each is an ordinary catchable
// InternalError, so only the deadline ends this.
// expect: TIMEOUT within=1500 timeout=200
function down() { down(); }
for (;;) {
  try { down(); } catch (e) { /* again */ }
}
