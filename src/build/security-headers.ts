/**
 * Post-build step: `_headers` (the format of Netlify and Cloudflare Pages)
 * with a Content-Security-Policy the site really satisfies: scripts only from
 * the site itself plus the SHA-256 of each inline script it ships, no other
 * origin, WebAssembly for Pagefind. README.md gives the same headers for
 * nginx and Apache. Every page also carries the policy as a meta element, for
 * hosts that do not read `_headers`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { MARKERS } from '../contract.ts';
import { escapeHtml } from '../lib/escape-html.ts';

/**
 * Hashes of the generator's inline scripts, as CSP sources, read as text, byte for byte, as browsers hash them. Any other
 * executable inline script in the output is an error: it is not the generator's, so the policy must not trust it.
 */
export function inlineScriptHashes(siteDir: string): string[] {
  const hashes = new Set<string>();
  const strangers: string[] = [];
  for (const entry of readdirSync(siteDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const page = pageScripts(readFileSync(join(entry.parentPath, entry.name), 'utf8'));
    page.hashes.forEach((hash) => hashes.add(hash));
    strangers.push(...page.strangers.map((script) => `${relative(siteDir, join(entry.parentPath, entry.name))}: ${script}`));
  }
  refuseStrangers(strangers);
  return [...hashes].sort();
}

/** Fails on inline scripts that are not the generator's ("page: start of the script"), naming the first five. */
export function refuseStrangers(strangers: readonly string[]): void {
  if (strangers.length > 0)
    throw new Error(
      `${strangers.length} inline script(s) that are not the generator's, which the security policy will not trust:\n  ${strangers.slice(0, 5).join('\n  ')}`,
    );
}

/** One page's executable inline scripts: the hashes of the generator's, and the start of any other. */
export function pageScripts(html: string): { hashes: string[]; strangers: string[] } {
  const hashes = new Set<string>();
  const strangers: string[] = [];
  for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\ssrc=/.test(attributes!)) continue;
    const type = /\stype="([^"]*)"/.exec(attributes!)?.[1];
    if (type && !/^(text\/javascript|module)$/i.test(type)) continue;
    if (!new RegExp(`\\s${MARKERS.generatorScript}(?:[\\s=>]|$)`).test(attributes!)) {
      strangers.push(`<script${attributes}>${body!.slice(0, 40)}…`);
      continue;
    }
    hashes.add(`'sha256-${createHash('sha256').update(body!).digest('base64')}'`);
  }
  return { hashes: [...hashes].sort(), strangers };
}

/**
 * The policy of a page of the offline copy, opened from disk, as a <meta http-equiv>: its own inline scripts by hash, the
 * copy's script files (file:), Pagefind from blob: and WebAssembly from bytes, nothing from any network. A meta policy cannot
 * say frame-ancestors; nothing else is lost.
 */
export function offlinePolicy(scriptHashes: string[]): string {
  return [
    "default-src 'self' file:",
    `script-src 'self' file: blob: 'wasm-unsafe-eval' ${scriptHashes.join(' ')}`.trim(),
    "style-src 'self' file: 'unsafe-inline'",
    "img-src 'self' file: data: blob:",
    "font-src 'self' file:",
    "connect-src 'self' file: blob: data:",
    "worker-src 'self' file: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The Content-Security-Policy for the public site; `meta` leaves out what a `<meta http-equiv>` policy cannot say
 * (frame-ancestors, which a browser ignores there with a warning).
 */
export function contentSecurityPolicy(scriptHashes: string[], { meta = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.join(' ')}`,
    // Inline SVG diagrams carry their own <style> and style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...(meta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

/**
 * A page with its own policy as a `<meta http-equiv>` right after its charset, its inline scripts by hash: a host that does
 * not read `_headers` (GitHub Pages, a plain file server) still serves every page under the policy.
 */
export function withPagePolicy(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(pageScripts(html).hashes, { meta: true }))}">`;
  let placed = false;
  const out = html.replace(/<meta charset="?utf-8"?\s*\/?>/i, (charset) => ((placed = true), `${charset}${meta}`));
  // A page without a charset (a host's verification file, say) takes the policy at the start of its head, or goes as it is.
  return placed ? out : html.replace(/<head\b[^>]*>/i, (head) => `${head}${meta}`);
}

/** The page's own policy meta element (withPagePolicy), as it writes it. */
const PAGE_POLICY = /<meta http-equiv="Content-Security-Policy" content="[^"]*">/;

/** Whether the page carries its policy already (withPagePolicy). */
export const hasPagePolicy = (html: string): boolean => PAGE_POLICY.test(html);

/** The page without the policy withPagePolicy gave it: the offline copy gives each page a policy of its own. */
export const withoutPagePolicy = (html: string): string => html.replace(PAGE_POLICY, '');

/** The headers every response of the public site carries, given the hashes of every inline script of the site. */
export function securityHeaders(scriptHashes: string[]): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(scriptHashes),
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Content-Type-Options': 'nosniff',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  };
}

/**
 * Writes `_headers` into the built site and returns the headers. Each page got its policy as a meta element too (withPagePolicy,
 * in src/build/page-pass.ts), which also gathered `scriptHashes`.
 */
export async function writeSecurityHeaders(siteDir: string, scriptHashes: string[]): Promise<Record<string, string>> {
  const headers = securityHeaders(scriptHashes);
  const body = Object.entries(headers)
    .map(([name, value]) => `  ${name}: ${value}`)
    .join('\n');
  await writeFile(join(siteDir, '_headers'), `/*\n${body}\n`);
  return headers;
}
