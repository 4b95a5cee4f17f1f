/** Lower-cases a query or term, unifies dashes and collapses white space; subscripts are kept. */
export function normaliseTerm(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

const SUBSCRIPT_ZERO = 0x2080;

/**
 * A regular expression that finds `term` as a whole word or phrase, treating
 * each digit and its subscript form (5 and ₅) as the same character.
 */
export function termPattern(term: string): RegExp {
  const body = [...term]
    .map((c) => {
      const code = c.charCodeAt(0);
      const digit = code >= SUBSCRIPT_ZERO && code <= SUBSCRIPT_ZERO + 9 ? code - SUBSCRIPT_ZERO : /\d/.test(c) ? Number(c) : -1;
      if (digit >= 0) return `[${digit}${String.fromCharCode(SUBSCRIPT_ZERO + digit)}]`;
      return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${body}(?=$|[^\\p{L}\\p{N}])`, 'u');
}
