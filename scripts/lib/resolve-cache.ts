/**
 * Node's module resolutions into node_modules, kept between runs for the build's processes. Each build starts Node several times
 * (this script, Astro's process, the output steps' process, their worker threads), and each resolves the same few thousand
 * imports of Astro, Vite, the Markdown pipeline and their dependencies: for a package name, Node walks up the folders and reads
 * package.json files; for every file, it resolves symbolic links. With Node's compile cache on, that was about 40% of the time
 * Astro and the site config take to load (0.87 against 0.52 s, bench/analysis.md).
 *
 * Imported into a process (`node --import`, which {@link useResolveCache} puts in NODE_OPTIONS for the processes a script starts),
 * it registers a resolve hook (`module.registerHooks`) that answers from a file what the last runs resolved, and writes what it
 * resolved anew when the process or thread ends. It keeps only what cannot change while node_modules stays as npm installed it:
 * - a package name imported from anywhere, resolved to a file in node_modules: keyed by the importing file's folder (the
 *   resolution depends on the folders above it, never on the file's name), the name, the conditions and the import attributes;
 * - a relative import from a file in node_modules to another.
 * Imports of this project's own files, `#` imports, absolute paths and URLs, builtins, and node_modules' dot folders (caches) go to
 * Node as always. The whole file is dropped when npm changes node_modules (its hidden lockfile, `.package-lock.json`), when the
 * lockfile changes, or with another Node version; an answer whose file no longer exists goes to Node as well.
 *
 * SITE_RESOLVE_CACHE=off turns it off, and a file name there puts the cache in that file. On a Node without
 * `module.registerHooks` it does nothing.
 */
import module from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

export const RESOLVE_CACHE_ENV = 'SITE_RESOLVE_CACHE';
/** More answers than the build's processes ever ask for (about 6,000); past it nothing more is kept, and nothing goes wrong. */
export const RESOLVE_CACHE_LIMIT = 50_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const modulesDir = join(root, 'node_modules');
const modulesUrl = `${pathToFileURL(modulesDir).href}/`;
const setting = process.env[RESOLVE_CACHE_ENV];
export const RESOLVE_CACHE_FILE = setting && setting !== 'off' ? resolve(setting) : join(modulesDir, '.cache/support-center/resolve-cache.json');

interface Answer {
  url: string;
  format?: string | null | undefined;
}
interface CacheFile {
  signature: string;
  answers: Record<string, Answer>;
}

/** What node_modules was installed as: npm rewrites its hidden lockfile on every install, update and removal. */
export function installSignature(dir = modulesDir, lockfile = join(root, 'package-lock.json')): string | undefined {
  try {
    const hidden = statSync(join(dir, '.package-lock.json'));
    const lock = existsSync(lockfile) ? statSync(lockfile) : undefined;
    return [process.version, hidden.mtimeMs, hidden.size, lock?.mtimeMs, lock?.size].join(' ');
  } catch {
    return undefined;
  }
}

/** A package name (`astro`, `@astrojs/mdx/utils`), not a relative or absolute path, a URL, a builtin or a `#` import. */
export function isBareSpecifier(specifier: string): boolean {
  return !/^(?:\.{1,2}(?:[\\/]|$)|[\\/]|#|[a-zA-Z][a-zA-Z\d+.-]*:)/.test(specifier);
}

/** In node_modules, outside its dot folders (caches, which change between runs). */
export function inInstalledPackages(url: string, modules = modulesUrl): boolean {
  return url.startsWith(modules) && !url.slice(modules.length).startsWith('.');
}

/** The key of an answer that can be kept, or undefined. */
export function answerKey(
  specifier: string,
  parentURL: string | undefined,
  conditions: readonly string[] | undefined,
  importAttributes: Readonly<Record<string, string | undefined>> | undefined,
  modules = modulesUrl,
): string | undefined {
  if (!parentURL?.startsWith('file:')) return undefined;
  let from: string;
  if (isBareSpecifier(specifier)) from = parentURL.slice(0, parentURL.lastIndexOf('/') + 1);
  else if (/^\.{1,2}(?:\/|$)/.test(specifier) && inInstalledPackages(parentURL, modules)) from = parentURL;
  else return undefined;
  const attributes = importAttributes && Object.keys(importAttributes).length > 0 ? JSON.stringify(importAttributes) : '';
  return `${from}\0${specifier}\0${(conditions ?? []).join(',')}\0${attributes}`;
}

function read(file: string, signature: string): Record<string, Answer> {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (cache.signature === signature && cache.answers && typeof cache.answers === 'object') return cache.answers;
  } catch {
    // None yet, or unreadable: it is written again.
  }
  return {};
}

/** Registers the hook in this thread, answering from `file`; returns what it did, for tests. */
export function registerResolveCache(file = RESOLVE_CACHE_FILE, signature = installSignature(), modules = modulesUrl): { hits: number; added: number } | undefined {
  if (!signature || typeof module.registerHooks !== 'function') return undefined;
  const answers = read(file, signature);
  let count = Object.keys(answers).length;
  const added: Record<string, Answer> = {};
  const stats = { hits: 0, added: 0 };
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const key = answerKey(specifier, context.parentURL, context.conditions, context.importAttributes, modules);
      const known = key === undefined ? undefined : answers[key];
      if (known && existsSync(fileURLToPath(known.url))) {
        stats.hits++;
        return { url: known.url, format: known.format, shortCircuit: true };
      }
      const answer = nextResolve(specifier, context);
      if (key !== undefined && inInstalledPackages(answer.url, modules) && count < RESOLVE_CACHE_LIMIT) {
        answers[key] = added[key] = { url: answer.url, format: answer.format };
        count++;
        stats.added++;
      }
      return answer;
    },
  });
  process.on('exit', () => {
    if (stats.added === 0) return;
    // Other processes of the same build may have written theirs meanwhile: theirs and this one's, written whole, then renamed.
    const merged = { ...read(file, signature), ...added };
    const temporary = `${file}.${process.pid}-${threadId}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(temporary, JSON.stringify({ signature, answers: merged } satisfies CacheFile));
      renameSync(temporary, file);
    } catch {
      // A read-only install: every run resolves as Node does.
      rmSync(temporary, { force: true });
    }
  });
  return stats;
}

let registered = false;
const flag = `--import=${import.meta.url}`;

/**
 * Turns the cache on for the processes started with `env` (and their worker threads), through NODE_OPTIONS, and with the
 * process's own environment for this thread's imports from now on.
 */
export function useResolveCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env[RESOLVE_CACHE_ENV] === 'off') return;
  if (!(env.NODE_OPTIONS ?? '').includes(flag)) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${flag}`.trim();
  if (env === process.env && !registered) registered = registerResolveCache() !== undefined;
}

// Loaded with --import: this process (or worker thread) resolves through the cache.
if (process.env[RESOLVE_CACHE_ENV] !== 'off' && (process.env.NODE_OPTIONS ?? '').includes(flag)) registered = registerResolveCache() !== undefined;
