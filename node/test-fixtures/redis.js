// test-fixtures/redis.js - a real Redis for durable.test.js: redis-server
// (Debian's redis-server package) started on a free loopback port, without
// persistence or (given a directory) with an append-only file synced at
// every write, so that it can be killed and started again with its data;
// waited for until it answers PING; paused (SIGSTOP), killed, restarted,
// stopped. Plus the few commands the tests send it (DBSIZE, KEYS, GET, SET
// with PX), spoken in RESP over a socket, so the tests need no Redis client
// package.
'use strict';

const net = require('node:net');
const { spawn } = require('node:child_process');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function encodeCommand(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

// One reply from buf: [value, bytes used], or null while incomplete.
function parseReply(buf) {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) return null;
  const line = buf.subarray(1, eol).toString();
  switch (buf[0]) {
    case 0x2b: return [line, eol + 2]; // +OK
    case 0x2d: return [new Error(line), eol + 2]; // -ERR
    case 0x3a: return [Number(line), eol + 2]; // :1
    case 0x24: { // $len bytes
      const n = Number(line);
      if (n < 0) return [null, eol + 2];
      if (buf.length < eol + 2 + n + 2) return null;
      return [buf.subarray(eol + 2, eol + 2 + n), eol + 2 + n + 2];
    }
    case 0x2a: { // *n replies
      const n = Number(line);
      const out = [];
      let at = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf.subarray(at));
        if (!r) return null;
        out.push(r[0]);
        at += r[1];
      }
      return [out, at];
    }
    default: return [new Error(`unexpected reply ${line}`), buf.length];
  }
}

// Sends one command; resolves with its reply (rejects on a Redis error or
// when nothing answers within timeoutMs).
function command(port, args, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis on port ${port} did not answer ${args[0]}`));
    }, timeoutMs);
    const done = (fn, v) => {
      clearTimeout(timer);
      socket.destroy();
      fn(v);
    };
    socket.on('error', (e) => done(reject, e));
    socket.on('connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const r = parseReply(buf);
      if (r) done(r[0] instanceof Error ? reject : resolve, r[0]);
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class RedisServer {
  // options.dir: keep the data there (append-only file), across restarts
  static async start(options = {}) {
    const s = new RedisServer();
    s.port = await freePort();
    s.url = `redis://127.0.0.1:${s.port}`;
    s.args = ['--port', String(s.port), '--bind', '127.0.0.1', '--save', '', '--protected-mode', 'no',
      ...(options.dir ? ['--dir', options.dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
    await s.#run();
    return s;
  }

  async #run() {
    this.exited = null;
    // redis-server runs as the shell's own process (exec), next to a
    // watcher that kills it if this process dies without stopping it (a
    // crashed test must not leave a server behind)
    const watch = 'parent=$1; shift; ' +
      '(while kill -0 "$parent" 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 1; done; kill -9 $$ 2>/dev/null) & ' +
      'exec redis-server "$@"';
    const child = spawn('/bin/sh', ['-c', watch, 'sh', String(process.pid), ...this.args], { stdio: 'ignore' });
    this.child = child;
    child.on('error', (e) => { this.exited = e; });
    child.on('exit', (code, signal) => { this.exited = this.exited || new Error(`redis-server exited (${code ?? signal})`); });
    for (let i = 0; i < 200; i++) {
      if (this.exited) throw new Error(`cannot start redis-server (apt-get install redis-server): ${this.exited.message}`);
      try {
        if (await command(this.port, ['PING'], 200) === 'PONG') return;
      } catch { /* not yet */ }
      await sleep(25);
    }
    await this.kill();
    throw new Error(`redis-server did not answer on port ${this.port}`);
  }

  // Starts it again on the same port (with its data, if it keeps any).
  restart() {
    return this.#run();
  }

  command(...args) {
    return command(this.port, args);
  }

  dbsize() {
    return this.command('DBSIZE');
  }

  pause() {
    this.child.kill('SIGSTOP');
  }

  resume() {
    this.child.kill('SIGCONT');
  }

  // SIGKILL, and waits until it is gone.
  async kill() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGCONT');
    this.child.kill('SIGKILL');
    await gone;
  }

  stop() {
    return this.kill();
  }
}

module.exports = { RedisServer };
