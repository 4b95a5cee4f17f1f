import { z } from 'astro/zod';
import { CitationListSchema, SlugSchema } from './common.ts';

/** One possible cause of a problem, with what to do about it. */
export const CauseSchema = z
  .object({
    /** What may be going wrong. */
    cause: z.string().min(5),
    /** The recommended fix. */
    solution: z.string().min(5),
    /** Reference ids that support the fix. */
    cites: CitationListSchema,
  })
  .strict();

/** A problem seen at the bench; one problem can have several causes. */
export const ProblemSchema = z
  .object({
    /** Stable anchor for links, e.g. `high-background`; unique within the guide. */
    id: SlugSchema,
    /** The symptom as the researcher sees it. */
    problem: z.string().min(5),
    /** Causes in the order to rule them out. */
    causes: z.array(CauseSchema).min(1),
  })
  .strict();

/** Frontmatter of one troubleshooting guide: one experiment. The MDX body is its introduction. */
export const TroubleshootingSchema = z
  .object({
    /** The experiment, e.g. "Western blotting for phospho-proteins". */
    title: z.string().min(5),
    /** Short name of the experiment, used as a search topic, e.g. "Western blot". */
    topic: z.string().min(2).max(40),
    /** Example targets named by the source, e.g. "phospho-proteins". */
    example: z.string().optional(),
    /** One sentence for the index and the page description. */
    summary: z.string().min(10),
    /** Position on the index, lowest first. */
    order: z.number().int().nonnegative(),
    /** Slug of the protocol this guide supports, if any. */
    protocol: SlugSchema.optional(),
    /** The problems, each with its causes and solutions. */
    problems: z
      .array(ProblemSchema)
      .min(1)
      .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'problem ids must be unique'),
  })
  .strict();

export type Troubleshooting = z.infer<typeof TroubleshootingSchema>;
export type Problem = z.infer<typeof ProblemSchema>;
