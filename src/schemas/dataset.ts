import { z } from 'astro/zod';
import { CitationListSchema, UnitSchema } from './common.ts';

/** One measured value, e.g. an IC50 for one cell line. */
export const MeasurementRowSchema = z
  .object({
    /** What the row measures, as the source writes it: a cell line, a sample, a condition. */
    cellLine: z.string().min(1),
    /** A short label the row is grouped by, e.g. a response class; one of `statuses` when the table declares them. */
    status: z.string().min(1),
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
    /** Drug or treatment the values refer to, if any. */
    drug: z.string().min(1).optional(),
    /** Quantity measured, e.g. "IC50". */
    measure: z.string().min(1),
    /** What a row is, for the first column's heading, e.g. "Cell line" (the default) or "Sample". */
    rowLabel: z.string().min(1).default('Cell line'),
    /** The allowed `status` labels, in the order their colours are given; omitted, any label is allowed. */
    statuses: z.array(z.string().min(1)).min(1).optional(),
    /** Position on the data page, lowest first. */
    order: z.number().int().nonnegative(),
    /** The rows, in the source's order. */
    rows: z.array(MeasurementRowSchema).min(1),
    /** Caveat on assay conditions that applies to every row. */
    conditionsNote: z.string().min(10),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (!d.statuses) return;
    d.rows.forEach((row, i) => {
      if (!d.statuses!.includes(row.status))
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'status'], message: `expected one of the table's statuses: ${d.statuses!.join(', ')}` });
    });
  });

export type Dataset = z.infer<typeof DatasetSchema>;
export type MeasurementRow = z.infer<typeof MeasurementRowSchema>;
