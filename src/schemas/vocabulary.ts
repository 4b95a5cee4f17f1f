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
    /** Groups of equivalent terms of the center's field. */
    synonyms: z.array(SynonymGroupSchema).default([]),
    /**
     * Lab shorthand, one group per abbreviation: the written-out term as `canonical` ("room temperature"), the ways it is
     * abbreviated as `variants` (RT). Works as synonyms do; kept apart so a center can take the common list and extend it.
     */
    shorthand: z.array(SynonymGroupSchema).default([]),
  })
  .strict();

export type Vocabulary = z.infer<typeof VocabularySchema>;

/** Every group search uses: the field's synonyms, then the shorthand. */
export const searchGroups = (vocabulary: Vocabulary): SynonymGroup[] => [...vocabulary.synonyms, ...vocabulary.shorthand];
export type SynonymGroup = z.infer<typeof SynonymGroupSchema>;
