/**
 * Content files are UTF-8 text. Bytes that are not valid UTF-8 would become
 * U+FFFD on the page, and a NUL byte is never text: both are errors, placed
 * at their line and column so an author can find them.
 */
export interface EncodingProblem {
  line: number;
  column: number;
  message: string;
}

function placeOf(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/** The file's text, or the first encoding problem in it. */
export function decodeContent(bytes: Uint8Array): { text: string; problem?: undefined } | { text?: undefined; problem: EncodingProblem } {
  const text = new TextDecoder('utf-8').decode(bytes);
  let strict = true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    strict = false;
  }
  if (!strict) {
    // The first replacement character that the bytes did not spell out themselves (EF BF BD).
    const index = text.indexOf('\uFFFD');
    return { problem: { ...placeOf(text, Math.max(0, index)), message: 'the file is not valid UTF-8 here' } };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { problem: { ...placeOf(text, nul), message: 'a NUL byte: the file holds binary data, not text' } };
  return { text: text.replace(/^\uFEFF/, '') };
}
