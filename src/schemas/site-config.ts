import { z } from 'astro/zod';
import { SlugSchema, UnitSchema } from './common.ts';

/** One category of FAQ answers; the home page and the search filters group answers by it. */
export const TopicSchema = z
  .object({
    /** Stable id that FAQ entries list under `topics`, e.g. `assay-variability`. */
    id: SlugSchema,
    /** Reader-facing name, e.g. "Assay variability". */
    label: z.string().min(1),
  })
  .strict();

/** The dose–response (IC₅₀) calculator: its wording comes from the center, with neutral defaults. */
export const DoseResponseSchema = z
  .object({
    /** Set to false to leave the calculator out of the center (no page, no links). */
    enabled: z.boolean().default(true),
    /** What the x axis is, e.g. "Drug concentration". */
    concentrationLabel: z.string().min(1).default('Concentration'),
    /** Unit of the concentrations; omitted, the axis names no unit. */
    unit: UnitSchema.optional(),
    /** Name of the first line the calculator fits, e.g. "Parental". */
    lineA: z.string().min(1).default('Line A'),
    /** Name of the optional second line, compared with the first, e.g. "Resistant". */
    lineB: z.string().min(1).default('Line B'),
    /** Name of the ratio IC₅₀(line B) / IC₅₀(line A), e.g. "Resistance index". */
    ratioLabel: z.string().min(1).default('Fold change'),
  })
  .strict();

/** `site.yaml` at the root of a center's content folder: what the center is called and how it is organised. */
export const SiteConfigSchema = z
  .object({
    /** Full name: header, page titles, PDF metadata and (slugged) the offline zip's name. */
    name: z.string().min(3),
    /** Short name for narrow headers. */
    shortName: z.string().min(2),
    /** One line on what the center is: meta description and the home page's lede. */
    description: z.string().min(10),
    /** The public address, if the center has one: canonical links, PDF links, the offline copy's "updates" link. */
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// address' }).optional(),
    /** What the FAQ's categories are called, e.g. "Resistance mechanisms". */
    topicsTitle: z.string().min(2).default('Topics'),
    /** Language of the content and the interface, BCP 47 (e.g. `en`, `de`, `pt-BR`). */
    language: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/, 'expected a BCP 47 language tag such as "en" or "pt-BR"')
      .default('en'),
    /** The FAQ's categories, in display order; FAQ entries list their ids under `topics`. */
    topics: z
      .array(TopicSchema)
      .default([])
      .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'topic ids must be unique'),
    /** Keywords for every protocol PDF's metadata, after the protocol's own topic. */
    keywords: z.array(z.string().min(1)).default([]),
    /** The dose–response calculator; omitted, it is on with neutral labels. */
    doseResponse: DoseResponseSchema.default({
      enabled: true,
      concentrationLabel: 'Concentration',
      lineA: 'Line A',
      lineB: 'Line B',
      ratioLabel: 'Fold change',
    }),
    /** Interface words to replace, by key (see src/i18n/en.ts), e.g. for a language other than English. */
    ui: z.record(z.string(), z.string().min(1)).default({}),
  })
  .strict();

export type SiteConfig = z.infer<typeof SiteConfigSchema>;
export type Topic = z.infer<typeof TopicSchema>;
export type DoseResponseConfig = z.infer<typeof DoseResponseSchema>;
