// readme.test.js - the examples of node/README.md and of the repository
// README's Node section run as written (each ```js block is a whole
// program; `require('nexus-runtime')` resolves to this package), end
// without error and print what their comments say they print. A
// redis-server of their own is at REDIS_URL, for the examples that use a
// suspension store.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { RedisServer } = require('../test-fixtures/redis.js');

const pkgDir = path.resolve(__dirname, '..');
const repoReadme = path.join(pkgDir, '..', 'README.md');

function blocks(file, from) {
  let text = fs.readFileSync(file, 'utf8');
  if (from) text = text.slice(text.indexOf(from));
  return [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}

let redis;
before(async () => {
  redis = await RedisServer.start();
});
after(() => redis && redis.stop());

// Runs source as its own program next to a node_modules/nexus-runtime link.
function run(source) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-readme-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(pkgDir, path.join(dir, 'node_modules', 'nexus-runtime'), 'dir');
    fs.writeFileSync(path.join(dir, 'example.js'), source);
    return spawnSync(process.execPath, ['example.js'],
      { cwd: dir, encoding: 'utf8', timeout: 60000, env: { ...process.env, REDIS_URL: redis.url } });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The `// a b c` comments after console.log lines: what the line prints.
function expectedOutput(source) {
  return source.split('\n').filter((l) => /console\.log\(.*\/\/ /.test(l))
    .map((l) => l.slice(l.lastIndexOf('// ') + 3).trim());
}

const examples = [
  ...blocks(path.join(pkgDir, 'README.md')).map((src, i) => [`node/README.md example ${i + 1}`, src]),
  ...blocks(repoReadme, '## Node.js package').slice(0, 1).map((src) => ['README.md Node example', src]),
];

for (const [name, source] of examples) {
  test(`${name} runs as written`, () => {
    const r = run(source);
    assert.equal(r.error, undefined);
    assert.equal(r.status, 0, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    const printed = r.stdout.trim().split('\n');
    for (const want of expectedOutput(source)) {
      // the comment's words appear on some printed line, in order
      const words = want.replace(/<[^>]*>/g, ' ').split(/[\s,[\]{}:']+/).filter(Boolean);
      assert.ok(printed.some((line) => {
        let at = 0;
        return words.every((w) => (at = line.indexOf(w, at)) >= 0 && (at += w.length));
      }), `${name}: nothing printed matches "${want}"\nstdout: ${r.stdout}`);
    }
  });
}

test('examples/node-demo.js runs', () => {
  const r = spawnSync(process.execPath, [path.join(pkgDir, '..', 'examples', 'node-demo.js')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /counter: success 42/);
  assert.match(r.stdout, /extension: success 200/);
});
