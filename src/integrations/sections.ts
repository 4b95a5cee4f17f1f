/**
 * Adds the pages of the optional sections that have content, and the
 * dose–response calculator unless the center switches it off. A section with
 * no entries gets no page at all (not an empty one).
 */
import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';
import { DOSE_RESPONSE_PAGE, presentSections, SECTIONS } from '../content-model.ts';
import { loadSiteConfig } from '../lib/site-config.ts';

export interface SectionsOptions {
  /** The center's content folder. */
  contentDir: string;
}

const entry = (file: string) => fileURLToPath(new URL(`../sections/${file}`, import.meta.url));

export function sections({ contentDir }: SectionsOptions): AstroIntegration {
  return {
    name: 'support-center:sections',
    hooks: {
      'astro:config:setup': ({ injectRoute, logger }) => {
        const present = presentSections(contentDir);
        for (const section of present) for (const page of SECTIONS[section]) injectRoute({ pattern: page.pattern, entrypoint: entry(page.entrypoint) });
        const tool = loadSiteConfig(contentDir).doseResponse.enabled;
        if (tool) injectRoute({ pattern: DOSE_RESPONSE_PAGE.pattern, entrypoint: entry(DOSE_RESPONSE_PAGE.entrypoint) });
        const absent = (Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]).filter((s) => !present.has(s));
        if (absent.length > 0 || !tool) logger.info(`without content, no pages for: ${[...absent, ...(tool ? [] : ['dose-response calculator'])].join(', ')}`);
      },
    },
  };
}
