import { z } from 'astro/zod';

/** Lower-case kebab-case identifier: used for reference ids, anchors and slugs. */
export const SlugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a kebab-case id such as "ptglab-coip"');

/**
 * Reference ids cited by a typed field. Only the id's form is checked here;
 * whether it names a reference is checked against the references collection
 * by `src/lib/citations.ts`, which knows every id.
 */
export const CitationListSchema = z.array(SlugSchema).default([]);

/**
 * Lab units the content may use, written exactly as they must appear (micro sign U+00B5, capital L).
 * A unit missing here is added here, once, so that every center spells it the same way.
 */
export const LAB_UNITS = [
  'µg/mL',
  'ng/mL',
  'mg/mL',
  'pg/mL',
  'g/L',
  'mg/L',
  'µM',
  'nM',
  'mM',
  'pM',
  'M',
  'mg/kg',
  'µg/kg',
  '%',
  'U/mL',
  'IU/mL',
  'cells/mL',
  'copies/µL',
  'µg',
  'ng',
  'mg',
  'µL',
  'mL',
  'h',
  'min',
  's',
  'days',
  '°C',
  'Ct',
  'fold',
] as const;

/** One of {@link LAB_UNITS}. */
export const UnitSchema = z.enum(LAB_UNITS);
