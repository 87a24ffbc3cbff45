# binding.gyp - builds the Nexus Node.js addon (build/Release/nexus.node)
# from src/*.c, statically linked with the C library ../build/libnexus.a
# (scripts/build.js runs `make -C .. build/libnexus.a` first).
# -z nodelete: Node unloads an addon when the last worker thread using it
# exits, but libnexus leaves thread-specific data destructors and signal
# handlers pointing into its code; the addon must stay mapped.
# --exclude-libs: libnexus's own symbols stay private to the addon.
{
  "targets": [
    {
      "target_name": "nexus",
      "sources": [
        "src/addon.c",
        "src/napi_util.c",
        "src/queue.c",
        "src/work.c"
      ],
      "include_dirs": ["../include"],
      "defines": ["NAPI_VERSION=8", "_POSIX_C_SOURCE=200809L"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-Werror"],
      "cflags!": ["-Wno-unused-parameter"],
      "libraries": [
        "<(module_root_dir)/../build/libnexus.a",
        "-lmsgpackc",
        "-ljansson",
        "-lcrypto",
        "-lzstd",
        "-lhiredis",
        "-lpthread",
        "-lm"
      ],
      "ldflags": ["-Wl,--exclude-libs,ALL", "-Wl,-z,nodelete"]
    }
  ]
}
