/**
 * Node's module resolutions into node_modules, kept between runs for the build's processes. Each build starts Node several times
 * (this script, Astro's process, the output steps' process, their worker threads), and each resolves the same few thousand
 * imports of Astro, Vite, the Markdown pipeline and their dependencies: for a package name, Node walks up the folders and reads
 * package.json files; for every file, it resolves symbolic links. With Node's compile cache on, importing Astro and the site
 * config took 0.52–0.69 s with these answers kept against 0.70–0.98 s without (bench/analysis.md, twelfth session).
 *
 * Loaded into a process by {@link useResolveCache} (NODE_OPTIONS `--import` of resolve-cache-preload.mjs, for the processes a
 * script starts), it registers a resolve hook (`module.registerHooks`) that answers from a file what the last runs resolved, and
 * writes what it resolved anew when the process or thread ends. It keeps only ES module imports (`import`, `import()`), and of
 * those only what cannot change while node_modules stays as npm installed it:
 * - a package name imported from anywhere, resolved to a file in node_modules: keyed by the importing file's folder (the
 *   resolution depends on the folders above it, never on the file's name), the name, the conditions and the import attributes;
 * - a relative import from a file in node_modules to another.
 * `require()` and `require.resolve()` (whose `paths` option the hook is not told), imports of this project's own files, `#`
 * imports, absolute paths and URLs, builtins, and node_modules' dot folders (caches) go to Node as always, and so does every
 * import of a process run with --preserve-symlinks. The whole file is dropped when npm changes node_modules (its hidden
 * lockfile, `.package-lock.json`), when the lockfile changes, or with another Node version; an answer whose file no longer exists,
 * or that is not a file in node_modules, goes to Node as well.
 *
 * SITE_RESOLVE_CACHE=off turns it off, and a file name there puts the cache in that file. On a Node without
 * `module.registerHooks` or without TypeScript it does nothing.
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
/** The file the cache lives in: SITE_RESOLVE_CACHE's (made absolute by {@link useResolveCache} for the processes it starts), or the default. */
export function resolveCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const setting = env[RESOLVE_CACHE_ENV];
  return setting && setting !== 'off' ? resolve(setting) : join(modulesDir, '.cache/support-center/resolve-cache.json');
}

interface Answer {
  url: string;
  format?: string | null | undefined;
}
interface CacheFile {
  signature: string;
  answers: Record<string, Answer>;
}

/** The file's layout and what it keeps: a file written otherwise is dropped. */
const FORMAT = 'imports-2';

/** What node_modules was installed as: npm rewrites its hidden lockfile on every install, update and removal. */
export function installSignature(dir = modulesDir, lockfile = join(root, 'package-lock.json')): string | undefined {
  try {
    const hidden = statSync(join(dir, '.package-lock.json'));
    const lock = existsSync(lockfile) ? statSync(lockfile) : undefined;
    return [FORMAT, process.version, hidden.mtimeMs, hidden.size, lock?.mtimeMs, lock?.size].join(' ');
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
  if (!parentURL?.startsWith('file:') || !conditions?.includes('import')) return undefined;
  // A query or hash (Astro imports its config with `?t=`) is not part of where the file is.
  const parent = parentURL.replace(/[?#].*$/s, '');
  let from: string;
  if (isBareSpecifier(specifier)) from = parent.slice(0, parent.lastIndexOf('/') + 1);
  else if (/^\.{1,2}(?:\/|$)/.test(specifier) && inInstalledPackages(parent, modules)) from = parent;
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

/** A kept answer that can be given: a file in node_modules that is still there. */
function usable(answer: Answer | undefined, modules: string): answer is Answer {
  try {
    return typeof answer?.url === 'string' && inInstalledPackages(answer.url, modules) && existsSync(fileURLToPath(answer.url));
  } catch {
    return false;
  }
}

const preservesSymlinks = () =>
  Boolean(process.env.NODE_PRESERVE_SYMLINKS) || [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--preserve-symlinks');

/** Registers the hook in this thread, answering from `file`; false when it cannot (no npm install, no hooks, symlinks kept). */
export function registerResolveCache(file = resolveCacheFile(), signature = installSignature(), modules = modulesUrl): boolean {
  if (!signature || typeof module.registerHooks !== 'function' || preservesSymlinks()) return false;
  const answers = read(file, signature);
  let count = Object.keys(answers).length;
  /** What this thread resolved anew, written when it ends. */
  const added: Record<string, Answer> = {};
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const key = answerKey(specifier, context.parentURL, context.conditions, context.importAttributes, modules);
      const known = key === undefined ? undefined : answers[key];
      if (usable(known, modules)) {
        return { url: known.url, format: known.format, shortCircuit: true };
      }
      const answer = nextResolve(specifier, context);
      if (key !== undefined && inInstalledPackages(answer.url, modules) && count < RESOLVE_CACHE_LIMIT) {
        answers[key] = added[key] = { url: answer.url, format: answer.format };
        count++;
      }
      return answer;
    },
  });
  process.on('exit', () => {
    // npm changed node_modules while this process ran (a long dev server): what it resolved may be out of date.
    if (Object.keys(added).length === 0 || installSignature() !== signature) return;
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
  return true;
}

let registered = false;
/** What NODE_OPTIONS carries: a preload that loads this module only on a Node that can run it (Node 20 cannot import TypeScript). */
const flag = `--import=${new URL('./resolve-cache-preload.mjs', import.meta.url).href}`;

/**
 * Turns the cache on for the processes started with `env` (and their worker threads), through NODE_OPTIONS, and with the
 * process's own environment for this thread's imports from now on.
 */
export function useResolveCache(env: NodeJS.ProcessEnv = process.env): void {
  const setting = env[RESOLVE_CACHE_ENV];
  if (setting === 'off') return;
  // The processes started with `env` may start in another folder.
  if (setting) env[RESOLVE_CACHE_ENV] = resolve(setting);
  if (!(env.NODE_OPTIONS ?? '').includes(flag)) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${flag}`.trim();
  if (env === process.env && !registered) registered = registerResolveCache();
}

/** For resolve-cache-preload.mjs: registers the hook in this process or thread once. */
export function registerFromPreload(): void {
  if (process.env[RESOLVE_CACHE_ENV] !== 'off' && !registered) registered = registerResolveCache();
}
