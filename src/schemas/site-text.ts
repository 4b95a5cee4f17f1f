import { z } from 'astro/zod';

/** How to cite the source document, as structured fields. */
export const SourceCitationSchema = z
  .object({
    /** Author as the source gives it. */
    author: z.string().min(1),
    /** Document title. */
    title: z.string().min(1),
    /** Publisher. */
    publisher: z.string().min(1),
    /** Year of publication. */
    year: z.number().int(),
    /** Medium, e.g. "Online PDF". */
    medium: z.string().min(1),
    /** Address the source gives for citing it. */
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// address' }),
    /** Key for BibTeX and id for CSL-JSON, e.g. "smith2025assays"; omitted, the center's name as a slug. */
    key: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_:-]*$/, 'expected a citation key such as "smith2025assays"')
      .optional(),
  })
  .strict();

/**
 * Site-wide text kept as content: the overview, how to cite, the RUO disclaimer,
 * and optional intros of the section pages (`faq.mdx`, `protocols.mdx`, …), whose
 * title becomes the page's heading and `short` its description.
 */
export const SiteTextSchema = z
  .object({
    /** Heading of the block. */
    title: z.string().min(3),
    /** One-line version for footers and page chrome. */
    short: z.string().min(10).optional(),
    /** Structured citation, on the how-to-cite entry only. */
    citation: SourceCitationSchema.optional(),
  })
  .strict();

export type SiteText = z.infer<typeof SiteTextSchema>;
