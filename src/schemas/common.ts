import { z } from 'astro/zod';

/** Lower-case kebab-case identifier: used for reference ids, anchors and slugs. */
export const SlugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a kebab-case id such as "ptglab-coip"');

/**
 * Reference ids cited by a typed field. Only the id's form is checked here;
 * whether it names a reference is checked against the references collection
 * by `src/lib/citations.ts`, which knows every id.
 */
export const CitationListSchema = z.array(SlugSchema).default([]);

/** Units the content may use; written exactly as they must appear. */
export const UnitSchema = z.enum(['µg/mL']);
