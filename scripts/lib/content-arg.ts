/**
 * `--content <dir>` on the command line, or `SITE_CONTENT_DIR`: which center to
 * build, serve or check. The folder is resolved against the directory the
 * command was typed in (npm runs scripts from the project root and keeps that
 * directory in INIT_CWD), and written back to SITE_CONTENT_DIR as an absolute
 * path so every child process (Astro, the checks) reads the same one.
 */
import { isAbsolute, resolve } from 'node:path';

export interface ContentArg {
  /** Absolute path of the content folder. */
  contentDir: string;
  /** The other arguments, in order. */
  rest: string[];
}

export function contentArg(argv: string[] = process.argv.slice(2), root = process.cwd()): ContentArg {
  const rest: string[] = [];
  let given: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--content') {
      given = argv[++i];
      if (!given) throw new Error('--content needs a folder: --content <dir>');
    } else if (arg.startsWith('--content=')) given = arg.slice('--content='.length);
    else rest.push(arg);
  }
  const base = given ? (process.env.INIT_CWD ?? process.cwd()) : root;
  const chosen = given ?? process.env.SITE_CONTENT_DIR ?? 'content';
  const contentDir = isAbsolute(chosen) ? chosen : resolve(base, chosen);
  process.env.SITE_CONTENT_DIR = contentDir;
  return { contentDir, rest };
}
