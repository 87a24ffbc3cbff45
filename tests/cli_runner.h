/* cli_runner.h - running the nexus command as a user does, for the CLI
 * tests: spawn it (under NEXUS_CLI_WRAPPER, e.g. valgrind, when set), capture
 * stdout, exit status and wall time, and parse the JSON it prints; handler
 * files written to /tmp for one run of the tests. Header-only so each test
 * stays one program. */
#ifndef NEXUS_TEST_CLI_RUNNER_H
#define NEXUS_TEST_CLI_RUNNER_H

#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

extern char **environ;

#define MAX_ARGS 48

typedef struct cli_run {
    char out[1 << 16];
    int exit_code;
    double ms;
} cli_run_t;

static double slowdown __attribute__((unused)) = 1;

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs nexus with args (NULL-terminated), capturing stdout. With
 * kill_after, nexus is a worker that dies right after its work: once its
 * output is read it is sent SIGKILL (if it still lives), and a death by
 * that signal is no failure (exit_code -1). */
static inline void nexus_run(cli_run_t *r, const char *const *args, bool kill_after)
{
    const char *argv[MAX_ARGS + 8];
    int n = 0;
    char wrapper[256] = "";
    const char *w = getenv("NEXUS_CLI_WRAPPER");
    if (w && *w) {
        snprintf(wrapper, sizeof wrapper, "%s", w);
        for (char *tok = strtok(wrapper, " "); tok && n < 8; tok = strtok(NULL, " "))
            argv[n++] = tok;
    }
    argv[n++] = NEXUS_BIN;
    for (int i = 0; args[i] && n < MAX_ARGS; i++)
        argv[n++] = args[i];
    argv[n] = NULL;

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    double t0 = now_ms();
    assert_int_equal(posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ), 0);
    close(fds[1]);
    size_t len = 0;
    ssize_t got;
    while ((got = read(fds[0], r->out + len, sizeof r->out - 1 - len)) > 0)
        len += (size_t)got;
    r->out[len] = '\0';
    close(fds[0]);
    if (kill_after)
        kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    r->ms = now_ms() - t0;
    posix_spawn_file_actions_destroy(&fa);
    if (kill_after && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
        r->exit_code = -1;
        return;
    }
    if (!WIFEXITED(status))
        fail_msg("nexus died with signal %d", WTERMSIG(status));
    r->exit_code = WEXITSTATUS(status);
    if (r->exit_code == 99)
        fail_msg("the wrapper reported errors (valgrind)");
}

static inline void nexus(cli_run_t *r, const char *const *args)
{
    nexus_run(r, args, false);
}

static inline json_t *parse(const cli_run_t *r)
{
    json_error_t err;
    json_t *doc = json_loads(r->out, 0, &err);
    if (!doc)
        fail_msg("not one JSON object: %s\n%s", err.text, r->out);
    return doc;
}

static inline const char *error_code(json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
}


static char g_temps[256][64];
static int g_temp_count;

/* A file holding bytes for one test (removed by remove_temps). */
static inline char *write_temp_bytes(const void *bytes, size_t len, const char *suffix)
{
    assert_true(g_temp_count < 256);
    char *path = g_temps[g_temp_count++];
    snprintf(path, 64, "/tmp/nexus-cli-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    close(fd);
    return path;
}

/* A handler file for one test (removed at the end of the run). */
static inline char *write_temp(const char *source)
{
    return write_temp_bytes(source, strlen(source), ".js");
}

static inline void remove_temps(void)
{
    for (int i = 0; i < g_temp_count; i++)
        unlink(g_temps[i]);
    g_temp_count = 0;
}


#endif
