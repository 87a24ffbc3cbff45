# binding.gyp - builds the Nexus Node.js addon (build/Release/nexus.node):
# the addon's own C (src/), the Nexus library compiled from its sources and
# the translated guest, all found by scripts/native.js (in the repository,
# or under native/ in an installed tarball). msgpack-c, jansson and
# libcrypto are linked from their static archives (the list is in
# scripts/native.js), so the addon needs only the C runtime at run time.
# -z nodelete: Node unloads an addon when the last worker thread using it
# exits, but libnexus leaves thread-specific data destructors and signal
# handlers pointing into its code; the addon must stay mapped.
# --exclude-libs: the static libraries' symbols stay private to the addon
# (Node exports its own OpenSSL); --gc-sections drops what is not used;
# the version script exports only the module's entry points.
{
  "variables": {
    "guest_type": "<!(node scripts/native.js guest-type)",
    # -Werror only inside the repository: a user's newer compiler may warn
    "nexus_werror": "<!(node -p \"require('./scripts/native.js').repoRoot() ? '-Werror' : '-Wno-error'\")",
  },
  "targets": [
    {
      "target_name": "nexus_guest",
      "type": "<(guest_type)",
      "sources": ["<!@(node scripts/native.js guest-sources)"],
      "include_dirs": ["<!@(node scripts/native.js includes)"],
      # generated code: no warnings (as the Makefile), -O3 measured fastest
      "cflags": ["-O3", "-w", "-fPIC"],
      "cflags!": ["-Wall", "-Wextra"],
    },
    {
      "target_name": "nexus_lib",
      "type": "static_library",
      "sources": ["<!@(node scripts/native.js sources)"],
      "include_dirs": ["<!@(node scripts/native.js includes)"],
      "defines": ["_GNU_SOURCE"],
      "cflags": ["-std=gnu11", "-O2", "-g", "-fPIC", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra", "<(nexus_werror)"],
    },
    {
      "target_name": "nexus",
      "dependencies": ["nexus_lib", "nexus_guest"],
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('src').filter(f => f.endsWith('.c')).map(f => 'src/' + f).join('\\n')\")"
      ],
      "include_dirs": ["<!@(node scripts/native.js includes)"],
      "defines": ["NAPI_VERSION=8", "_POSIX_C_SOURCE=200809L"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "<(nexus_werror)"],
      "cflags!": ["-Wno-unused-parameter"],
      "libraries": [
        "<!@(node scripts/native.js libs)",
        "-lpthread",
        "-lm"
      ],
      # the guest object (inside the repository) goes first, before the
      # archives that resolve its imports; -z now: a missing symbol fails
      # the require, not a later call
      "ldflags": ["<!@(node scripts/native.js guest-object)", "-Wl,--exclude-libs,ALL", "-Wl,-z,nodelete",
                  "-Wl,-z,now", "-Wl,--gc-sections", "-static-libgcc",
                  "-Wl,--version-script=<(module_root_dir)/src/exports.map"]
    }
  ]
}
