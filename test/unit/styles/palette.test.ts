/**
 * The dark palette is written twice in global.css: once for readers whose
 * system is dark (and who did not pick light), once for the manual toggle.
 * CSS cannot share one declaration block between a media query and a
 * selector without light-dark(), which older lab browsers lack; this keeps
 * the two copies from drifting apart.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const css = readFileSync(new URL('../../../src/styles/global.css', import.meta.url), 'utf8');

/** The declarations of the first block that opens with `selector {`, as a sorted list. */
function declarations(selector: string): string[] {
  const start = css.indexOf(`${selector} {`);
  expect(start, `${selector} block in global.css`).toBeGreaterThanOrEqual(0);
  const body = css.slice(start + selector.length + 2, css.indexOf('}', start));
  return body
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .sort();
}

it('the system dark theme and the manual dark theme set the same colours', () => {
  const system = declarations(":root:not([data-theme='light'])");
  const manual = declarations(":root[data-theme='dark']");
  expect(system.length).toBeGreaterThan(10);
  expect(manual).toEqual(system);
});

it('the dark theme sets every colour that the light theme sets, except the shared ones', () => {
  const light = declarations(':root').map((d) => d.split(':')[0]);
  const dark = new Set(declarations(":root[data-theme='dark']").map((d) => d.split(':')[0]));
  const shared = new Set(['--radius', '--measure', '--font', '--mono', '--diagram-bg']);
  expect(light.filter((name) => !dark.has(name) && !shared.has(name!))).toEqual([]);
});
