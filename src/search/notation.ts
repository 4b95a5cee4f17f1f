/**
 * Lab notation folded to one spelling, the same way for the pages (at indexing) and for a query (in the search box): what a
 * researcher types on a keyboard and what the pages print must meet. Folded: compatibility forms (subscript and superscript
 * digits, the micro sign), "µ", "μ" and "u" before a unit, degree signs ("4 °C", "4°C", "4 deg C" → "4c"), repeats
 * ("3 × 5", "3x5" → "3x5"), dashes and minus signs, "±" and "+-", Greek letters and their names ("TGF-β" → "tgf-beta").
 * A number glued to a unit of time is split ("1h" → "1 h"; "30 s" → "30 sec"). Abbreviations that are words (RT, O/N, h, min,
 * conc.) are the center's vocabulary (vocabulary.yaml, "shorthand"), not notation.
 */

const GREEK: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ζ: 'zeta',
  η: 'eta',
  θ: 'theta',
  ι: 'iota',
  κ: 'kappa',
  λ: 'lambda',
  ν: 'nu',
  ξ: 'xi',
  π: 'pi',
  ρ: 'rho',
  σ: 'sigma',
  τ: 'tau',
  φ: 'phi',
  χ: 'chi',
  ψ: 'psi',
  ω: 'omega',
  μ: 'mu',
};
const GREEK_LETTER = new RegExp(`[${Object.keys(GREEK).join('')}]`, 'g');

/** Units that a micro prefix stands before: µg, µL, µm, µM, µmol, µs. */
const MICRO_UNIT = /[µμ](?=(?:g|l|m|mol|s|sec)\b)/giu;

/**
 * The folded form of a text: lower case, compatibility-normalised, with the notation rules above applied. Words keep their
 * order, and white space stays where it was (collapsed), so a folded text still reads as the text.
 */
export function foldNotation(text: string): string {
  return (
    text
      // NFKC turns "₅₀" into "50", "²" into "2" and the micro sign into Greek mu.
      .normalize('NFKC')
      .toLowerCase()
      .replace(MICRO_UNIT, 'u')
      .replace(/[\u2010-\u2015\u2212]/g, '-')
      .replace(/±|\+\s?-(?!\d)|\+\/-/g, '+/-')
      // "4 °C", "4°C", "4 ºC", "4 deg C", "4 degrees C" → "4c" (also °F).
      .replace(/(\d)\s*(?:°|º|˚|\bdeg(?:rees?)?\.?)\s*([cf])\b/g, '$1$2')
      // A number glued to a unit of time is two words ("1h", "30s" → "1 h", "30 s"), and "s" after a number is seconds.
      .replace(/(?<![\d.,]|(?!x)\p{L})(\d+(?:[.,]\d+)?)(h|hrs?|mins?|secs?|s)\b/gu, '$1 $2')
      .replace(/(?<![\p{L}\d.,])(\d+(?:[.,]\d+)?) s\b/gu, '$1 sec')
      // "3 × 5", "3 x 5", "3X5" → "3x5": repeats and dilutions.
      .replace(/(\d)\s*[x×]\s*(?=\d)/g, '$1x')
      .replace(GREEK_LETTER, (letter) => `-${GREEK[letter]}`)
      // A Greek name glued on by the line above after a hyphen or a space keeps one separator.
      .replace(/(^|[\s(/])-(?=[a-z])/g, '$1')
      .replace(/--+/g, '-')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** The words of a folded text, as Pagefind splits them for matching: at white space, without punctuation at either end. */
export function foldedWords(folded: string): string[] {
  return folded
    .split(' ')
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean);
}
