/* redis_server.h - a real Redis for a test: redis-server started on a free
 * loopback port (no persistence), waited for until it answers PING, and
 * stopped (or killed, to test what a dead store does). Header-only. */
#ifndef NEXUS_TEST_REDIS_SERVER_H
#define NEXUS_TEST_REDIS_SERVER_H

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct redis_server {
    pid_t pid;
    int port;
    char url[64];
} redis_server_t;

/* A port nothing listens on right now. */
static inline int redis_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static inline bool redis_ping(int port)
{
    struct timeval tv = { 0, 200000 };
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    bool ok = false;
    if (c && !c->err) {
        redisReply *r = redisCommand(c, "PING");
        ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
    }
    redisFree(c);
    return ok;
}

/* Starts redis-server on port (0: a free one). False (with a message)
 * when it cannot be started: the caller fails the test. */
static inline bool redis_start(redis_server_t *s, int port)
{
    memset(s, 0, sizeof *s);
    s->port = port ? port : redis_free_port();
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", s->port);
    snprintf(s->url, sizeof s->url, "redis://127.0.0.1:%d", s->port);
    s->pid = fork();
    if (s->pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execlp("redis-server", "redis-server", "--port", port_text, "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--protected-mode", "no", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        if (redis_ping(s->port))
            return true;
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            fprintf(stderr, "redis-server exited at start (status %d): is it installed?\n", status);
            s->pid = 0;
            return false;
        }
        usleep(25000);
    }
    fprintf(stderr, "redis-server did not answer on port %d\n", s->port);
    return false;
}

/* Stops it: SIGTERM, or SIGKILL when kill is true. */
static inline void redis_stop(redis_server_t *s, bool kill_it)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, kill_it ? SIGKILL : SIGTERM);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

/* The number of keys in its database. */
static inline long long redis_dbsize(const redis_server_t *s)
{
    struct timeval tv = { 1, 0 };
    redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
    long long n = -1;
    if (c && !c->err) {
        redisReply *r = redisCommand(c, "DBSIZE");
        if (r && r->type == REDIS_REPLY_INTEGER)
            n = r->integer;
        freeReplyObject(r);
    }
    redisFree(c);
    return n;
}

#endif
