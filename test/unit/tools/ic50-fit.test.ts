import { describe, expect, it } from 'vitest';
import { fit4pl, logistic4, parseDoseResponse, ratioOf, rowsOverLimit, studentTQuantile } from '../../../src/tools/ic50/fit';
import { translator } from '../../../src/i18n/ui';

const TRUE = { bottom: 5, top: 100, ic50: 2.5, hill: 1.2 };
const DOSES = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100];

/** Deterministic normal noise (Box–Muller on a seeded generator). */
function noise(seed: number) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('studentTQuantile', () => {
  it.each([
    [1, 12.7062],
    [5, 2.5706],
    [10, 2.2281],
    [30, 2.0423],
    [1000, 1.9623],
  ])('t(0.975, %i) = %f, as in the published tables', (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 3);
  });
});

describe('fit4pl', () => {
  it('recovers known parameters from exact data to 1e-4', () => {
    const result = fit4pl(DOSES.map((x) => ({ x, y: logistic4(x, TRUE) })));
    expect(result.ok).toBe(true);
    const fit = result.ok ? result.fit : undefined!;
    expect(fit.ic50 / TRUE.ic50 - 1).toBeCloseTo(0, 4);
    expect(fit.hill).toBeCloseTo(TRUE.hill, 4);
    expect(fit.top).toBeCloseTo(TRUE.top, 3);
    expect(fit.bottom).toBeCloseTo(TRUE.bottom, 3);
    expect(fit.r2).toBeCloseTo(1, 8);
  });

  it.each([1, 2, 3, 4, 5])('recovers them from noisy triplicates (seed %i) within 20%, and the 95 % interval holds the true IC50', (seed) => {
    const rand = noise(seed);
    const points = DOSES.flatMap((x) => [0, 1, 2].map(() => ({ x, y: logistic4(x, TRUE) + 3 * rand() })));
    const result = fit4pl(points);
    expect(result.ok).toBe(true);
    const fit = result.ok ? result.fit : undefined!;
    expect(Math.abs(fit.ic50 / TRUE.ic50 - 1)).toBeLessThan(0.2);
    expect(Math.abs(fit.hill / TRUE.hill - 1)).toBeLessThan(0.2);
    expect(fit.ci![0]).toBeLessThan(TRUE.ic50);
    expect(fit.ci![1]).toBeGreaterThan(TRUE.ic50);
    expect(fit.r2).toBeGreaterThan(0.98);
  });

  it('refuses fewer than five distinct concentrations, however many replicates', () => {
    const threeDoses = [1, 2, 3].flatMap((x, i) => [90, 50, 10].map((y) => ({ x, y: y - i * 20 + 40 })));
    expect(threeDoses).toHaveLength(9);
    expect(fit4pl(threeDoses)).toEqual({ ok: false, error: expect.stringMatching(/^Distinct concentrations: 3; a four-parameter fit needs at least 5/) });
    const fourDoses = [0.1, 1, 10, 100].map((x) => ({ x, y: logistic4(x, TRUE) }));
    expect(fit4pl(fourDoses)).toEqual({ ok: false, error: expect.stringMatching(/^Distinct concentrations: 4;/) });
  });

  it('reads the absolute IC50 where the fitted curve crosses 50 % viability, next to the midpoint', () => {
    // bottom 20, top 100: 50 % is three eighths of the way down, so the absolute IC50 lies below the midpoint.
    const curve = { bottom: 20, top: 100, ic50: 2, hill: 1 };
    const result = fit4pl(DOSES.map((x) => ({ x, y: logistic4(x, curve) })));
    const fit = result.ok ? result.fit : undefined!;
    expect(fit.ic50).toBeCloseTo(2, 4);
    // 20 + 80 / (1 + x / 2) = 50  ⇔  x = 2 × (80 / 30 − 1) = 3.3333
    expect(fit.absolute.relation).toBe('=');
    expect(fit.absolute.value).toBeCloseTo(10 / 3, 4);
    expect(logistic4(fit.absolute.value, fit)).toBeCloseTo(50, 6);
    expect(fit.relativeDefined).toBe(true);
    expect(fit.warnings).toEqual([]);
  });

  it('gives a resistant line whose viability never falls below 50 % a bound, not a midpoint of a floating plateau', () => {
    // The case that was reported as "IC50 21.2": viability falls from about 98 % to about 62 % over 0.01–30, bottom not reached.
    const doses = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30];
    const rand = noise(7);
    const points = doses.flatMap((x) => [0, 1, 2].map(() => ({ x, y: logistic4(x, { bottom: 40, top: 98, ic50: 15, hill: 1 }) + 1.5 * rand() })));
    const result = fit4pl(points);
    expect(result.ok).toBe(true);
    const fit = result.ok ? result.fit : undefined!;
    expect(fit.absolute).toEqual({ relation: '>', value: 30 });
    expect(fit.relativeDefined).toBe(false);
    expect(fit.warnings.join(' ')).toMatch(/has not levelled off at the highest concentration/);
  });

  it('gives the ratio of two IC50s as a bound when one of them is a bound', () => {
    expect(ratioOf({ relation: '=', value: 2.5 }, { relation: '=', value: 25 })).toEqual({ relation: '=', value: 10 });
    expect(ratioOf({ relation: '=', value: 2.5 }, { relation: '>', value: 30 })).toEqual({ relation: '>', value: 12 });
    expect(ratioOf({ relation: '<', value: 0.01 }, { relation: '=', value: 1 })).toEqual({ relation: '>', value: 100 });
    expect(ratioOf({ relation: '>', value: 30 }, { relation: '=', value: 3 })).toEqual({ relation: '<', value: 0.1 });
    expect(ratioOf({ relation: '>', value: 30 }, { relation: '>', value: 30 })).toBeUndefined();
  });

  it('asks for percent when the viability was entered as fractions of the control', () => {
    const result = fit4pl(DOSES.map((x) => ({ x, y: logistic4(x, TRUE) / 100 })));
    expect(!result.ok && result.error).toMatch(/look like fractions of the control\. Enter viability in percent/);
  });

  it('says there is no inhibition, and gives the IC50 only as above the highest dose, when nothing is inhibited', () => {
    const result = fit4pl(DOSES.map((x, i) => ({ x, y: 98 + (i % 3) })));
    const fit = result.ok ? result.fit : undefined!;
    expect(fit.absolute).toEqual({ relation: '>', value: 100 });
    expect(fit.relativeDefined).toBe(false);
    expect(fit.warnings.join(' ')).toMatch(/^No inhibition/);
  });

  it('does not extrapolate an IC50 beyond the tested range: it gives a bound', () => {
    const result = fit4pl([0.01, 0.03, 0.1, 0.3, 1, 3].map((x) => ({ x, y: logistic4(x, { ...TRUE, ic50: 10 }) })));
    const fit = result.ok ? result.fit : undefined!;
    expect(fit.absolute).toEqual({ relation: '>', value: 3 });
    expect(fit.relativeDefined).toBe(false);
  });
});

describe('against an established tool', () => {
  // R's nls() with the self-starting four-parameter logistic SSfpl, on the weights of chick 1 of R's ChickWeight data, as published
  // in R's SSfpl documentation example and in Crawley, The R Book (2007), "Self-starting four-parameter logistic":
  //   A 27.453 (SE 6.601), B 348.971 (57.899), xmid 19.391 (2.194), scal 6.673 (1.002); residual SE 2.351 on 8 degrees of freedom.
  // SSfpl is A + (B − A) / (1 + exp((xmid − t) / scal)). With concentration x = exp(t) it is our model with bottom = A, top = B,
  // log(IC50) = xmid and hill = −1 / scal, so the same least-squares problem must give the same estimates.
  const time = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 21];
  const weight = [42, 51, 59, 64, 76, 93, 106, 125, 149, 171, 199, 205];

  it('reproduces the published nls estimates and the standard error of xmid', () => {
    const result = fit4pl(time.map((t, i) => ({ x: Math.exp(t), y: weight[i]! })));
    const fit = result.fit!;
    expect(fit.bottom).toBeCloseTo(27.453, 2);
    expect(fit.top).toBeCloseTo(348.971, 1);
    expect(Math.log(fit.ic50)).toBeCloseTo(19.391, 2);
    expect(-1 / fit.hill).toBeCloseTo(6.673, 2);
    // The 95% interval of log(IC50) is xmid ± t(0.975, 8) × SE(xmid).
    const halfWidth = (Math.log(fit.ci![1]) - Math.log(fit.ci![0])) / 2;
    expect(halfWidth / studentTQuantile(0.975, 8)).toBeCloseTo(2.194, 2);
    // A rising curve is not an inhibition: the calculator does not report it as an IC50.
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/rises with the concentration/);
  });
});

describe('parseDoseResponse', () => {
  it('reads tab-separated replicates pasted from a spreadsheet, with a header row and empty cells', () => {
    expect(parseDoseResponse('conc\tr1\tr2\n0.1\t98\t97\n1\t60\t\n10\t12\t14\n')).toEqual({
      ok: true,
      points: [
        { x: 0.1, y: 98 },
        { x: 0.1, y: 97 },
        { x: 1, y: 60 },
        { x: 10, y: 12 },
        { x: 10, y: 14 },
      ],
    });
  });

  it('reads semicolon-separated cells with decimal commas', () => {
    expect(parseDoseResponse('0,5;80\n5;20')).toMatchObject({
      ok: true,
      points: [
        { x: 0.5, y: 80 },
        { x: 5, y: 20 },
      ],
    });
  });

  it('reads CSV', () => {
    expect(parseDoseResponse('0.5,80,82\n5,20,22')).toMatchObject({
      ok: true,
      points: [
        { x: 0.5, y: 80 },
        { x: 0.5, y: 82 },
        { x: 5, y: 20 },
        { x: 5, y: 22 },
      ],
    });
  });

  it('names the row and column of a cell that is not a number', () => {
    expect(parseDoseResponse('0.1,98\n1,sixty\n10,12')).toEqual({ ok: false, errors: ['Row 2, column 2: "sixty" is not a number.'] });
  });

  it('refuses a zero or negative concentration on a log axis', () => {
    expect(parseDoseResponse('0,100\n1,50')).toEqual({ ok: false, errors: [expect.stringMatching(/^Row 1: a concentration of 0 cannot go on a log axis/)] });
  });
});

describe('input limits', () => {
  it('refuses more than 1,000 rows with one message, even 200,000 of them (no call-stack overflow)', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\t${50 + (i % 7)}`).join('\n');
    expect(parseDoseResponse(rows(1000)).ok).toBe(true);
    expect(parseDoseResponse(rows(1001))).toEqual({ ok: false, errors: ['The data have 1001 rows; the calculator takes at most 1000 rows per line.'] });
    const huge = parseDoseResponse(rows(200_000));
    expect(huge).toEqual({ ok: false, errors: [expect.stringMatching(/^The data have 200000 rows/)] });
  });

  it('rejects non-finite and absurd values by row and column', () => {
    const parsed = parseDoseResponse('0.1\t98\n1\t1e154\n10\tInfinity\n1e20\t40\n30\t-500\n100\tNaN');
    expect(parsed).toEqual({
      ok: false,
      errors: [
        'Row 2, column 2: 1e154 is not a viability in percent; values must lie between -100 and 1000.',
        'Row 3, column 2: Infinity is not a viability in percent; values must lie between -100 and 1000.',
        'Row 4, column 1: 1e20 is out of range; concentrations must lie between 1e-15 and 1e15.',
        'Row 5, column 2: -500 is not a viability in percent; values must lie between -100 and 1000.',
        'Row 6, column 2: "NaN" is not a number.',
      ],
    });
  });

  it('refuses a row with more than 48 replicates', () => {
    const row = ['1', ...Array.from({ length: 49 }, () => '50')].join('\t');
    expect(parseDoseResponse(row)).toEqual({ ok: false, errors: ['Row 1: 49 replicate values; the calculator takes at most 48 per row.'] });
  });

  it('speaks the words it is given: a center’s table replaces the English messages', () => {
    const say = translator({ 'tool.errNotNumber': 'Zeile {row}, Spalte {column}: „{cell}“ ist keine Zahl.' });
    expect(parseDoseResponse('0.1\t98\n1\tabc', say)).toEqual({ ok: false, errors: ['Zeile 2, Spalte 2: „abc“ ist keine Zahl.'] });
    const fewer = fit4pl(
      [1, 2, 3].map((x) => ({ x, y: 50 })),
      translator({ 'tool.errFewDoses': 'Nur {count} Konzentrationen; nötig: {min}.' }),
    );
    expect(fewer).toEqual({ ok: false, error: 'Nur 3 Konzentrationen; nötig: 5.' });
  });
});

describe('rowsOverLimit', () => {
  const rows = (n: number, eol: string) => Array.from({ length: n }, (_, i) => `${i + 1}\t50`).join(eol);
  it('counts the rows of data whatever its line ends, blank lines left out', () => {
    // An old Mac's CSV ends its lines with a lone CR, which a text box turns into line breaks: 1,001 rows, not one.
    for (const eol of ['\n', '\r\n', '\r']) {
      expect(rowsOverLimit(rows(1000, eol)), JSON.stringify(eol)).toBeUndefined();
      expect(rowsOverLimit(rows(1001, eol)), JSON.stringify(eol)).toBe(1001);
      expect(rowsOverLimit(`${rows(1000, eol)}${eol}${eol}  ${eol}`), JSON.stringify(eol)).toBeUndefined();
    }
  });
});
