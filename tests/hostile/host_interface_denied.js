// A custom host interface without its token.
// expect: PERMISSION_DENIED
// caps: host:acme:test/other
return $host['acme:test/echo'].echo({ a: 1 });
