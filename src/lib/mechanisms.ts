import type { Mechanism } from '../schemas/faq.ts';

/** Reader-facing names of the resistance mechanism families. */
export const MECHANISM_LABELS: Record<Mechanism, string> = {
  'her2-alteration': 'Alterations of HER2',
  'alternative-pathways': 'Alternative signaling pathways',
  'receptor-crosstalk': 'Receptor crosstalk',
  'impaired-adcc': 'Impaired ADCC',
};
