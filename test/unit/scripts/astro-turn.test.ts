import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'astro-turn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each process takes the turn 300 times; while it holds it, it marks that it is inside, and counts a mark it finds there.
const script = join(dir, 'turns.ts');
writeFileSync(
  script,
  `import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { astroTurn } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'scripts/lib/astro-turn.ts')).href)};
const inside = ${JSON.stringify(join(dir, 'inside'))};
let overlaps = 0;
for (let i = 0; i < 300; i++) {
  const release = await astroTurn(${JSON.stringify(dir)});
  if (existsSync(inside)) overlaps++;
  writeFileSync(inside, '');
  await new Promise((r) => setImmediate(r));
  rmSync(inside, { force: true });
  release();
}
console.log(JSON.stringify({ overlaps }));
`,
);

const run = () =>
  new Promise<{ code: number | null; out: string }>((done) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    child.on('close', (code) => done({ code, out }));
  });

// A CI run failed with ENOENT: a build found the lock taken, and it was given back before the build read who held it.
it('gives builds of one checkout the turn one at a time, however quickly they take and give it back', { timeout: 60_000 }, async () => {
  const results = await Promise.all([run(), run(), run(), run()]);
  for (const { code, out } of results) {
    expect(code, out).toBe(0);
    expect(out).toContain('{"overlaps":0}');
  }
});

// Each process waits for the word, takes the turn once, and holds it a while; a second one inside at the same time is counted.
const once = join(dir, 'once.ts');
writeFileSync(
  once,
  `import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { astroTurn } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'scripts/lib/astro-turn.ts')).href)};
const [root, go] = process.argv.slice(2);
console.log('ready');
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 10));
const release = await astroTurn(root);
const inside = join(root, 'inside');
const overlaps = existsSync(inside) ? 1 : 0;
writeFileSync(inside, '');
await new Promise((r) => setTimeout(r, 400));
rmSync(inside, { force: true });
release();
console.log(JSON.stringify({ overlaps }));
`,
);

it('lets one build at a time take over the lock of a build that was killed, when several find it at once', { timeout: 60_000 }, async () => {
  const root = join(dir, 'dead-lock');
  mkdirSync(join(root, 'node_modules/.cache/support-center'), { recursive: true });
  // The id of a process that has ended: the lock of a build killed without giving its turn back.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(join(root, 'node_modules/.cache/support-center/astro-build.lock'), String(dead));
  const go = join(root, 'go');
  const children = Array.from({ length: 3 }, () => {
    // Each pauses between finding the dead lock and acting on it, so that all three find it before any takes it over.
    const child = spawn(process.execPath, [once, root, go], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SITE_TURN_TAKEOVER_PAUSE_MS: '300' } });
    let out = '';
    const ready = new Promise<void>((r) => child.stdout.on('data', (c: Buffer) => ((out += c), out.includes('ready') && r())));
    child.stderr.on('data', (c: Buffer) => (out += c));
    const done = new Promise<{ code: number | null; out: string }>((r) => child.on('close', (code) => r({ code, out })));
    return { ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  writeFileSync(go, '');
  for (const { code, out } of await Promise.all(children.map((c) => c.done))) {
    expect(code, out).toBe(0);
    expect(out).toContain('{"overlaps":0}');
  }
});
