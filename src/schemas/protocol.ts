import { z } from 'astro/zod';
import { CitationListSchema, SlugSchema } from './common.ts';

/** One item of the materials list. */
export const MaterialSchema = z
  .object({
    /** What to have at hand, e.g. "Blocking buffer". */
    name: z.string().min(2),
    /** Specification or examples, e.g. "5% BSA in TBST". */
    detail: z.string().optional(),
  })
  .strict();

/** A named condition of a step, e.g. `{ label: "Temperature", value: "4 °C" }`. */
export const ConditionSchema = z
  .object({
    /** What the value is: Temperature, Time, Concentration, Amount, Repeats, pH… */
    label: z.string().min(2),
    /** The value with its unit, exactly as it must be followed. */
    value: z.string().min(1),
  })
  .strict();

/** A countdown for the bench, e.g. 3 × 10 minutes of washing. Typed, never parsed from the prose. */
export const TimerSchema = z
  .object({
    /** What is being timed, e.g. "Wash in TBST". */
    label: z.string().min(2),
    /** Duration of one round, in minutes. */
    minutes: z.number().positive(),
    /** Upper end when the protocol gives a range (e.g. 15–20 minutes); the countdown runs the lower end. */
    maxMinutes: z.number().positive().optional(),
    /** How many rounds, e.g. 3 for "3 × 10 minutes". */
    repeats: z.number().int().positive().default(1),
  })
  .strict();

/** One numbered methodology step. */
export const StepSchema = z
  .object({
    /** Stable anchor for links, e.g. `blocking`; unique within the protocol. */
    id: SlugSchema,
    /** Short name of the step. */
    title: z.string().min(2),
    /** What to do, in full sentences. */
    text: z.string().min(10),
    /** Conditions and timing that belong to the step. */
    conditions: z.array(ConditionSchema).default([]),
    /** Reference ids that support the step. */
    cites: CitationListSchema,
    /** Countdowns for the run mode. */
    timers: z.array(TimerSchema).default([]),
    /** A wait too long for a countdown (overnight, days), shown as a reminder in run mode. */
    reminder: z.string().min(3).optional(),
  })
  .strict();

const VersionSchema = z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'expected a version such as "1.0"');

/** One version of a protocol: its number, the day it took effect, and what changed, in one line. */
export const VersionEntrySchema = z
  .object({
    version: VersionSchema,
    /** The day this version took effect (YYYY-MM-DD). */
    date: z.coerce.date(),
    /** What changed from the version before, in one line ("Blocking extended to 2 hours"); for the first, what it is. */
    summary: z.string().min(3),
  })
  .strict();

/** Frontmatter of one protocol. The MDX body holds optional notes. */
export const ProtocolSchema = z
  .object({
    /** Full title, e.g. "Western blot for phospho-ERK (Thr202/Tyr204) detection". */
    title: z.string().min(5),
    /** Short name of the experiment, used as a search topic, e.g. "Western blot". */
    topic: z.string().min(2).max(40),
    /** Protocol number as in the source (1, 2, 3); orders the index. */
    number: z.number().int().positive(),
    /** What the protocol achieves. */
    objective: z.string().min(10),
    /** Content version; bump it when a step changes (npm run new -- version <slug> "what changed"). */
    version: VersionSchema,
    /**
     * The protocol's versions, oldest first; the last is this text's `version`. Each version's text is archived in
     * `protocols/.versions/<slug>/<version>.yaml`, so each page shows what changed. Without a history a protocol is version 1 of itself.
     */
    history: z.array(VersionEntrySchema).min(1).optional(),
    /** Date the protocol was last reviewed (YYYY-MM-DD). */
    lastReviewed: z.coerce.date(),
    /** Materials and reagents. */
    materials: z.array(MaterialSchema).min(1),
    /** Methodology, in order. */
    steps: z
      .array(StepSchema)
      .min(1)
      .refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'step ids must be unique'),
    /** Slug of the troubleshooting guide for this experiment, if any. */
    troubleshooting: SlugSchema.optional(),
  })
  .strict();

export type Protocol = z.infer<typeof ProtocolSchema>;
export type Step = z.infer<typeof StepSchema>;
