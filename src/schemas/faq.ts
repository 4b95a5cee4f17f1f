import { z } from 'astro/zod';

/** Resistance mechanisms an FAQ answer can cover; the home page groups answers by them. */
export const MechanismSchema = z.enum(['her2-alteration', 'alternative-pathways', 'receptor-crosstalk', 'impaired-adcc']);

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
    /** Mechanisms the answer covers. */
    mechanisms: z.array(MechanismSchema).min(1),
  })
  .strict();

export type Faq = z.infer<typeof FaqSchema>;
export type Mechanism = z.infer<typeof MechanismSchema>;
