/** The security policy trusts the generator's own inline scripts, and no other. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptHashes } from '../../../src/build/security-headers';

const dir = mkdtempSync(join(tmpdir(), 'csp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function site(name: string, pages: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, html] of Object.entries(pages)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), html);
  }
  return root;
}

describe('inline script hashes', () => {
  it('hashes the generator’s marked inline scripts (sha256 of the exact text) and skips JSON and external scripts', () => {
    const root = site('ok', {
      'index.html': '<script data-generator-script>var a=1;</script><script type="application/json">{}</script><script src="/x.js"></script>',
      'faq/index.html': '<script is:inline data-generator-script>var a=1;</script>',
    });
    // sha256("var a=1;"), computed independently: printf 'var a=1;' | openssl dgst -sha256 -binary | base64
    expect(inlineScriptHashes(root)).toEqual(["'sha256-gaaMFNHZyRta8zB2VHkWLMP4tMxJ+d8v3dTW7nw2r6M='"]);
  });

  it('refuses an inline script that is not the generator’s, naming the page', () => {
    const root = site('stranger', { 'faq/x/index.html': '<p>hi</p><script>alert(1)</script>' });
    expect(() => inlineScriptHashes(root)).toThrow(/1 inline script\(s\) that are not the generator's[\s\S]*faq\/x\/index\.html: <script>alert\(1\)/);
  });

  it('puts the hashes, and nothing looser, in script-src', () => {
    const policy = contentSecurityPolicy(["'sha256-abc'"]);
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc'");
    expect(/script-src[^;]*unsafe-inline/.test(policy)).toBe(false);
  });
});
