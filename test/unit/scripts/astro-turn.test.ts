import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
