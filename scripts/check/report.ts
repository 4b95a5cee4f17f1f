/** One finding of the content checks. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  /** How to fix it. */
  hint: string;
}

/** `file:line:col  rule-id  message`, then the hint, indented. */
export function formatFinding(f: Finding): string {
  const level = f.severity === 'warning' ? 'warning: ' : '';
  return `${f.file}:${f.line}:${f.column}  ${f.rule}  ${level}${f.message}\n    hint: ${f.hint}`;
}
