/** Exact four-parameter logistic data as a spreadsheet would paste it, written here independently of the code under test. */
export function doseResponse(ic50: number, hill = 1.2, top = 100, bottom = 5): string {
  const doses = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300];
  return doses.map((x) => `${x}\t${(bottom + (top - bottom) / (1 + (x / ic50) ** hill)).toFixed(4)}`).join('\n');
}
