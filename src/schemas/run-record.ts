import { z } from 'astro/zod';
import { RUN_RECORD_FORMAT } from '../contract.ts';

/**
 * A record of one run of a protocol at the bench, as run mode exports it (JSON, "Export record"): which protocol and version,
 * who ran it, when each step was ticked and each timer started or finished, the lot numbers used, and what deviated. A lab can
 * archive it or import it elsewhere; this schema is the format.
 */
export { RUN_RECORD_FORMAT };

const Instant = z.string().datetime({ offset: true });

export const RunEventSchema = z
  .object({
    /** When it happened (ISO 8601). */
    at: Instant,
    /**
     * What happened. `timer-paused` is a timer stopped with its time left kept; `timer-reset` a timer set back to its first
     * round's full time (stopped, running or not); `timer-finished` a round's time ran out.
     */
    kind: z.enum([
      'started',
      'material-ready',
      'material-unready',
      'step-done',
      'step-undone',
      'timer-started',
      'timer-paused',
      'timer-finished',
      'timer-reset',
      'ended',
    ]),
    /** The step's id (its anchor on the protocol page), for step and timer events. */
    step: z.string().optional(),
    /** The material's name, for material events. */
    material: z.string().optional(),
    /** The timer's label and round, for timer events (for a reset or a finish, the round it ended). */
    timer: z.string().optional(),
    round: z.number().int().positive().optional(),
  })
  .strict();

export const RunRecordSchema = z
  .object({
    format: z.literal(RUN_RECORD_FORMAT),
    center: z.string(),
    protocol: z
      .object({
        slug: z.string(),
        title: z.string(),
        version: z.string(),
        /** The protocol text's fingerprint (see "Check a printout"). */
        fingerprint: z.string(),
        /** The page's address when the center has a public one. */
        url: z.string().optional(),
      })
      .strict(),
    operator: z.string(),
    started: Instant,
    /** Absent while the run is in progress. */
    ended: Instant.optional(),
    /** Lot numbers by material name. */
    lots: z.record(z.string(), z.string()),
    /** What deviated from the protocol, by step id ("50 µL instead of 100 µL"). */
    deviations: z.record(z.string(), z.string()),
    /** Steps ticked done at the end of the run, by id, in the protocol's order. */
    done: z.array(z.string()),
    events: z.array(RunEventSchema),
  })
  .strict();

export type RunRecord = z.infer<typeof RunRecordSchema>;
export type RunEvent = z.infer<typeof RunEventSchema>;
