import { z } from 'astro/zod';
import { SlugSchema } from './common.ts';

/** A web address a reader may follow: only http and https. */
export const WebUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// address' });

/**
 * One entry of the numbered reference list. Fields hold only what the source
 * gives: a reference may be a full citation (authors, year, title, journal,
 * DOI) or a bare site name, and stays as given.
 */
export const ReferenceSchema = z
  .object({
    /** Stable id that content cites with `[@id]` or in a `cites` list. */
    id: SlugSchema,
    /** Number in the center's list; citation markers show it. */
    number: z.number().int().positive(),
    /** Authors as the source gives them, e.g. ["Bustin SA", "Benes V"]. */
    authors: z.array(z.string().min(1)).min(1).optional(),
    /** Year of publication. */
    year: z.number().int().min(1500).max(2200).optional(),
    /** Title as the source gives it; absent where the source names only a site. */
    title: z.string().min(1).optional(),
    /** Journal, book or series the work appeared in, e.g. "Clinical Chemistry". */
    container: z.string().min(1).optional(),
    /** Digital Object Identifier, without the https://doi.org/ prefix, e.g. "10.1373/clinchem.2008.112797". */
    doi: z
      .string()
      .regex(/^10\.\d{4,9}\/\S+$/, 'expected a DOI such as "10.1373/clinchem.2008.112797", without https://doi.org/')
      .optional(),
    /** Publisher or organisation as the source gives it, e.g. "Proteintech Group". */
    publisher: z.string().min(1).optional(),
    /** The site the source names, e.g. "pmc.ncbi.nlm.nih.gov". */
    site: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'expected a bare host name such as "mdpi.com"')
      .optional(),
    /** Full address, only where the source gives one; never reconstructed. */
    url: WebUrlSchema.optional(),
  })
  .strict()
  .refine((r) => r.title !== undefined || r.site !== undefined || r.doi !== undefined || r.url !== undefined, {
    message: 'a reference needs at least a title, a site, a DOI or a URL',
  });

export type Reference = z.infer<typeof ReferenceSchema>;
