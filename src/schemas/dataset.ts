import { z } from 'astro/zod';
import { CitationListSchema, UnitSchema } from './common.ts';

/** One measured value, e.g. an IC50 for one cell line. */
export const MeasurementRowSchema = z
  .object({
    /** Cell line name as the source writes it, e.g. "BT-474.rTP". */
    cellLine: z.string().min(1),
    /** Whether the line is sensitive or resistant to the drug. */
    status: z.enum(['sensitive', 'resistant']),
    /** `=` for a point estimate, `>` for a lower bound. */
    qualifier: z.enum(['=', '>']).default('='),
    /** The value, in `unit`. */
    value: z.number().positive(),
    /** The ± error the source gives, in `unit`. */
    error: z.number().positive().optional(),
    /** Unit of `value` and `error`. */
    unit: UnitSchema,
    /** Observation the source attaches to the value, e.g. "Proliferation >80%". */
    note: z.string().optional(),
    /** Reference ids for the value; empty where the source gives none. */
    cites: CitationListSchema,
  })
  .strict()
  .refine((r) => !(r.qualifier === '>' && r.error !== undefined), {
    message: 'a lower bound (">") cannot carry a ± error',
    path: ['error'],
  });

/** Frontmatter of one quantitative table. The MDX body introduces it. */
export const DatasetSchema = z
  .object({
    /** Table title. */
    title: z.string().min(5),
    /** Drug the values refer to. */
    drug: z.string().min(1),
    /** Quantity measured, e.g. "IC50". */
    measure: z.string().min(1),
    /** Position on the data page, lowest first. */
    order: z.number().int().nonnegative(),
    /** The rows, in the source's order. */
    rows: z.array(MeasurementRowSchema).min(1),
    /** Caveat on assay conditions that applies to every row. */
    conditionsNote: z.string().min(10),
  })
  .strict();

export type Dataset = z.infer<typeof DatasetSchema>;
export type MeasurementRow = z.infer<typeof MeasurementRowSchema>;
