import { z } from 'astro/zod';
import { SlugSchema } from './common.ts';

/** Frontmatter of one FAQ entry; the answer itself is the MDX body. */
export const FaqSchema = z
  .object({
    /** The question, as a reader would ask it. */
    question: z.string().min(10),
    /** The answer in one sentence, shown on the FAQ index. */
    summary: z
      .string()
      .min(20)
      .refine((s) => !/[.!?]\s+[A-Z]/.test(s.trim()), 'expected one sentence'),
    /** Position on the FAQ index, lowest first. */
    order: z.number().int().nonnegative(),
    /** Topics the answer covers: ids from the `topics` list of site.yaml, which the content checks compare. */
    topics: z.array(SlugSchema).min(1),
  })
  .strict();

export type Faq = z.infer<typeof FaqSchema>;
