/**
 * What researchers type into the default center's search, and where each query must lead: the page and, where it matters,
 * the section (a protocol step, a troubleshooting problem, a heading). Measured through the site's search box and through
 * Pagefind's raw API by search-quality.test.ts; the figures go to the test output and BENCHMARKS.md.
 *
 * Kinds: shorthand (how a bench note is written), notation (the same thing typed another way), synonym, typo, question
 * (plain words), section (a query aimed at one step or cause).
 */
export type QueryKind = 'shorthand' | 'notation' | 'synonym' | 'typo' | 'question' | 'section';

export interface SearchCase {
  query: string;
  kind: QueryKind;
  /** The page that must come first, or at least in the top 3. */
  page: string;
  /** The section of that page the result must lead to, when the query is about one. */
  section?: string;
}

const WB = '/protocols/western-blot-p-akt/';
const IHC = '/protocols/ihc-ffpe/';
const LINES = '/protocols/resistant-cell-lines/';
const T_WB = '/troubleshooting/western-blot-phospho/';
const T_COIP = '/troubleshooting/co-immunoprecipitation/';
const T_LINES = '/troubleshooting/resistant-cell-lines/';

export const SEARCH_CASES: SearchCase[] = [
  // Shorthand: abbreviations, repeats and units as they are written at the bench.
  { kind: 'shorthand', query: 'anti rabbit HRP secondary 1 h RT', page: WB, section: 'secondary-antibody' },
  { kind: 'shorthand', query: 'block 1 h RT 5% BSA', page: WB, section: 'blocking' },
  { kind: 'shorthand', query: 'primary O/N 4C gentle agitation', page: WB, section: 'primary-antibody' },
  { kind: 'shorthand', query: 'primary ab O/N humidified chamber', page: IHC, section: 'primary-antibody' },
  { kind: 'shorthand', query: '3x10 min TBST wash', page: WB, section: 'washing' },
  { kind: 'shorthand', query: 'xylene 3x5 min', page: IHC, section: 'deparaffinization' },
  { kind: 'shorthand', query: 'H2O2 10 min', page: IHC, section: 'peroxidase-blocking' },
  { kind: 'shorthand', query: '10 ug/ml herceptin start', page: LINES, section: 'start-treatment' },
  { kind: 'shorthand', query: 'boil 15-20 min citrate pH 6', page: IHC, section: 'antigen-retrieval' },
  { kind: 'shorthand', query: 'cool to RT citrate buffer', page: IHC, section: 'antigen-retrieval' },
  { kind: 'shorthand', query: '30-60 min 10% normal serum', page: IHC, section: 'blocking' },
  { kind: 'shorthand', query: 'slides 20 min 60 deg C', page: IHC, section: 'deparaffinization' },
  { kind: 'shorthand', query: '20-40 ug protein per lane', page: WB, section: 'sds-page' },
  { kind: 'shorthand', query: 'pre-block beads 1 hr 1% BSA', page: T_COIP, section: 'nonspecific-bead-binding' },
  { kind: 'shorthand', query: 'ab conc. too high background', page: T_WB, section: 'high-background' },
  { kind: 'shorthand', query: 'sec ab 1 hr RT blocking buffer', page: WB, section: 'secondary-antibody' },
  // Notation: the same thing in another spelling.
  { kind: 'notation', query: 'IC50 values table', page: '/data/', section: 'ic50-herceptin' },
  { kind: 'notation', query: 'IC-50 resistant vs parental', page: LINES, section: 'validation' },
  { kind: 'notation', query: 'ug/mL 5-10 starting dose', page: T_LINES, section: 'low-resistant-yield' },
  { kind: 'notation', query: 'μg/mL herceptin 15 after 30 days', page: LINES, section: 'dose-escalation' },
  { kind: 'notation', query: '4°C O/N humidified', page: IHC, section: 'primary-antibody' },
  { kind: 'notation', query: 'pAkt Ser-473', page: WB },
  { kind: 'notation', query: 'HER-2 positive parental line', page: LINES, section: 'initial-seeding' },
  { kind: 'notation', query: 'H₂O₂ 0.3%', page: IHC, section: 'peroxidase-blocking' },
  { kind: 'notation', query: 'IGF-IR crosstalk', page: '/faq/primary-mechanisms/' },
  { kind: 'notation', query: 'SKBR3 IC50', page: '/data/' },
  { kind: 'notation', query: 'BT474', page: '/data/' },
  { kind: 'notation', query: 'NCI N87', page: LINES, section: 'initial-seeding' },
  { kind: 'notation', query: '2.5–4x plasma peak', page: LINES, section: 'long-term-culture' },
  { kind: 'notation', query: 'IC₅₀ calculator', page: '/tools/ic50/' },
  // Synonyms: another name for the same thing.
  { kind: 'synonym', query: 'ErbB2 truncated receptor', page: '/faq/p95her2/' },
  { kind: 'synonym', query: 'trastuzumab maintenance dose', page: T_LINES, section: 'phenotype-lost' },
  { kind: 'synonym', query: 'immunoblot phospho protein', page: T_WB },
  { kind: 'synonym', query: 'HER2/HER3 interaction', page: T_COIP },
  { kind: 'synonym', query: 'epitope retrieval', page: IHC, section: 'antigen-retrieval' },
  { kind: 'synonym', query: 'bovine serum albumin instead of milk', page: T_WB, section: 'weak-or-no-signal' },
  { kind: 'synonym', query: 'paraffin sections staining', page: IHC },
  { kind: 'synonym', query: 'antibody-dependent cellular cytotoxicity', page: '/faq/primary-mechanisms/' },
  { kind: 'synonym', query: 'phosphoinositide 3-kinase', page: '/faq/pi3k-akt-pathway/' },
  { kind: 'synonym', query: 'half-maximal inhibitory concentration table', page: '/data/', section: 'ic50-herceptin' },
  { kind: 'synonym', query: 'resistant clones isolation', page: LINES, section: 'isolation-expansion' },
  { kind: 'synonym', query: 'WB stripping reprobing total Akt', page: WB, section: 'stripping-reprobing' },
  { kind: 'synonym', query: 'hydrogen peroxide quench', page: IHC, section: 'peroxidase-blocking' },
  // Typos.
  { kind: 'typo', query: 'trastuzamab maintenance', page: T_LINES },
  { kind: 'typo', query: 'phosphatse inhibitors', page: T_WB },
  { kind: 'typo', query: 'antigen retreival', page: IHC },
  { kind: 'typo', query: 'immunoprecipitaton', page: T_COIP },
  { kind: 'typo', query: 'deparafinization', page: IHC, section: 'deparaffinization' },
  { kind: 'typo', query: 'hematoxilin counterstain', page: IHC, section: 'counterstaining' },
  { kind: 'typo', query: 'chemiluminesent signal', page: WB, section: 'detection' },
  { kind: 'typo', query: 'trypan blu exclusion', page: LINES, section: 'monitoring' },
  // Questions in plain words.
  { kind: 'question', query: 'how do I make cells resistant to herceptin', page: LINES },
  { kind: 'question', query: 'why is my phospho signal weak', page: T_WB, section: 'weak-or-no-signal' },
  { kind: 'question', query: 'resistance disappears after herceptin is removed', page: T_LINES, section: 'phenotype-lost' },
  { kind: 'question', query: 'what is p95HER2', page: '/faq/p95her2/' },
  { kind: 'question', query: 'how does PTEN loss cause resistance', page: '/faq/pi3k-akt-pathway/' },
  { kind: 'question', query: 'can I block with milk for phospho antibodies', page: T_WB, section: 'weak-or-no-signal' },
  { kind: 'question', query: 'interacting partner not detected', page: T_COIP, section: 'partner-not-detected' },
  { kind: 'question', query: 'how to cite this resource', page: '/', section: 'how-to-cite' },
  { kind: 'question', query: 'which lysis buffer keeps protein interactions', page: T_COIP, section: 'partner-not-detected' },
  { kind: 'question', query: 'what are the mechanisms of herceptin resistance', page: '/faq/primary-mechanisms/' },
  // Sections: a step or a cause.
  { kind: 'section', query: 'DAB brown color', page: IHC, section: 'chromogen-development' },
  { kind: 'section', query: 'dose escalation 10-fold', page: LINES, section: 'dose-escalation' },
  { kind: 'section', query: 'PVDF transfer', page: WB, section: 'transfer' },
  { kind: 'section', query: 'protease and phosphatase inhibitors on ice', page: WB, section: 'cell-lysis' },
  { kind: 'section', query: 'harsh RIPA buffer', page: T_COIP, section: 'partner-not-detected' },
  { kind: 'section', query: 'MTS viability assay', page: LINES, section: 'validation' },
  { kind: 'section', query: 'pre-clear lysate with beads', page: T_COIP, section: 'nonspecific-bead-binding' },
  { kind: 'section', query: 'few resistant colonies', page: T_LINES, section: 'low-resistant-yield' },
];
