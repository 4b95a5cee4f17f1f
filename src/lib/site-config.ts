/**
 * The center's `site.yaml`, read once per content folder and validated by its
 * schema. The Astro config, the pages and the build scripts all read the
 * center's identity from here, so nothing about one center lives in code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import GithubSlugger from 'github-slugger';
import { SiteConfigSchema, type SiteConfig } from '../schemas/site-config.ts';
import { YamlPositions, issuePath } from './yaml-place.ts';
import { contentDir as defaultContentDir } from './paths.ts';

/** A site.yaml that is missing or invalid: the message names the file, line and field, and what to do. */
export class SiteConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteConfigError';
  }
}

/** Each folder's site.yaml as last read, with the file's time and size: a process that builds more than once (the watch) reads it again when it changed. */
const cache = new Map<string, { config: SiteConfig; mtimeMs: number; size: number }>();

/** Problems with `site.yaml`, as `file:line:col  message` lines; empty when it is valid. */
export function siteConfigProblems(dir: string, cwd = process.cwd()): { line: number; column: number; message: string; file: string }[] {
  const file = join(dir, 'site.yaml');
  const shown = relative(cwd, file) || file;
  if (!existsSync(file))
    return [
      {
        file: shown,
        line: 1,
        column: 1,
        message: `site.yaml is missing: every center needs one (name, shortName, description, topics). Write it, or start a center with npm run new -- center <dir> "Name".`,
      },
    ];
  const text = readFileSync(file, 'utf8');
  const positions = new YamlPositions(text);
  if (positions.doc.errors.length > 0) {
    const e = positions.doc.errors[0]!;
    return [{ file: shown, line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1, message: `YAML: ${e.message.split('\n')[0]}` }];
  }
  const parsed = SiteConfigSchema.safeParse(positions.doc.toJSON() ?? {});
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const path = issuePath(issue);
    return { file: shown, ...positions.placeOf(path), message: `field "${path.join('.') || '(file)'}": ${issue.message}` };
  });
}

/** The validated `site.yaml` of a content folder; throws {@link SiteConfigError} with every problem's place. */
export function loadSiteConfig(dir: string = defaultContentDir): SiteConfig {
  const file = statSync(join(dir, 'site.yaml'), { throwIfNoEntry: false });
  const cached = cache.get(dir);
  if (cached && file && cached.mtimeMs === file.mtimeMs && cached.size === file.size) return cached.config;
  const problems = siteConfigProblems(dir);
  if (problems.length > 0) throw new SiteConfigError(problems.map((p) => `${p.file}:${p.line}:${p.column}  site-config  ${p.message}`).join('\n'));
  const config = SiteConfigSchema.parse(new YamlPositions(readFileSync(join(dir, 'site.yaml'), 'utf8')).doc.toJSON() ?? {});
  if (file) cache.set(dir, { config, mtimeMs: file.mtimeMs, size: file.size });
  return config;
}

/** The center's name as a file name, e.g. "ADC In Vitro Assay Support Center" → "adc-in-vitro-assay-support-center". */
export function siteSlug(config: Pick<SiteConfig, 'name'>): string {
  return new GithubSlugger().slug(config.name).replace(/[^a-z0-9-]/g, '') || 'support-center';
}

/** Name of the offline zip and of the folder it unzips into. */
export function bundleName(config: Pick<SiteConfig, 'name'>): string {
  return `${siteSlug(config)}-offline`;
}

/** The public address: `SITE_URL` when set (a staging deployment, say), else the center's `url`; none when neither is given. */
export function publicUrl(config: Pick<SiteConfig, 'url'>): string | undefined {
  return process.env.SITE_URL || config.url;
}
