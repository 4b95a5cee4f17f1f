import { z } from 'astro/zod';
import { SlugSchema } from './common.ts';

/**
 * One entry of the numbered reference list. Fields hold only what the source
 * document gives: several of its references are a bare site name, and stay so.
 */
export const ReferenceSchema = z
  .object({
    /** Stable id that content cites with `[@id]` or in a `cites` list. */
    id: SlugSchema,
    /** Number in the source document's list; citation markers show it. */
    number: z.number().int().positive(),
    /** Title as the source gives it; absent where the source names only a site. */
    title: z.string().min(1).optional(),
    /** Publisher or organisation as the source gives it, e.g. "Proteintech Group". */
    publisher: z.string().min(1).optional(),
    /** The site the source gives in brackets, e.g. "pmc.ncbi.nlm.nih.gov". */
    site: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'expected a bare host name such as "mdpi.com"'),
    /** Full address, only where the source gives one; never reconstructed. */
    url: z.url().optional(),
  })
  .strict();

export type Reference = z.infer<typeof ReferenceSchema>;
