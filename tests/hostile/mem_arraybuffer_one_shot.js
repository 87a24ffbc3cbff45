// One ArrayBuffer of 1 GiB: a single allocation far past the cap.
// expect: MEMORY_LIMIT within=2000 memory=16
return new ArrayBuffer(1 << 30).byteLength;
