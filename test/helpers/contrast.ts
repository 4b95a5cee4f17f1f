/** WCAG 2 contrast ratio of two CSS colours given as rgb()/rgba() strings. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(colour: string): number {
  const match = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(colour);
  if (!match) throw new Error(`not an rgb() colour: ${colour}`);
  const [r, g, b] = match.slice(1, 4).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
