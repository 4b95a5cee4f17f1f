import { z } from 'astro/zod';

/** A set of spellings that mean the same thing to a researcher. */
export const SynonymGroupSchema = z
  .object({
    /** The spelling the site itself uses most; listed first in results messages. */
    canonical: z.string().min(1),
    /** Every other way people write it, including hyphen, case and subscript variants. */
    variants: z.array(z.string().min(1)).min(1),
    /** Why these are equivalent, for the next editor. */
    note: z.string().optional(),
  })
  .strict();

/** The field's vocabulary that search understands (`content/vocabulary.yaml`). */
export const VocabularySchema = z
  .object({
    /** Groups of equivalent terms. */
    synonyms: z.array(SynonymGroupSchema).min(1),
  })
  .strict();

export type Vocabulary = z.infer<typeof VocabularySchema>;
export type SynonymGroup = z.infer<typeof SynonymGroupSchema>;
