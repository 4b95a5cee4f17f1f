/**
 * A protocol's versions in the built fixture center (RT-qPCR): its primer-efficiency protocol has two versions, 1.0 archived and
 * 1.1 current. The page, its PDF and the offline copy show the history and what changed; every PDF page and the page's printout
 * carry the version, date and fingerprint; the "Check a printout" page knows every archived version.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, inject, it } from 'vitest';
import { loadPage } from '../helpers/built-site';
import { readPdf } from '../helpers/pdf';

const dist = inject('fixtureDistDir');
const FINGERPRINT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe('a protocol with two versions', () => {
  const $ = loadPage(dist, '/protocols/primer-efficiency/');

  it('shows what changed in this version as a bench scientist reads it', () => {
    const block = $('.changes-block');
    expect(block.find('h2').text()).toBe('Changes in this version (1.0 → 1.1)');
    const items = block
      .find('.changes > li')
      .map((_, li) => $(li).text().replace(/\s+/g, ' ').trim())
      .get();
    expect(items).toContain('Run the series: Replicates: Duplicate → Triplicate');
    expect(items).toContain('Material added: Nuclease-free water');
    expect(
      block
        .find('del')
        .map((_, d) => $(d).text())
        .get(),
    ).toContain('duplicate');
    expect(
      block
        .find('ins')
        .map((_, d) => $(d).text())
        .get(),
    ).toContain('triplicate');
    expect(block.find('ins').text()).toContain('in nuclease-free water');
  });

  it('lists its versions newest first, each with its date, summary and fingerprint', () => {
    const versions = $('.versions > li');
    expect(versions.map((_, li) => $(li).attr('data-version')).get()).toEqual(['1.1', '1.0']);
    expect(versions.first().text()).toContain('(current)');
    expect(versions.first().text()).toContain('Every dilution in triplicate, with a no-template control');
    expect(versions.last().text()).toContain('First version');
    const prints = versions
      .find('.fingerprint')
      .map((_, c) => $(c).text())
      .get();
    expect(prints).toHaveLength(2);
    for (const p of prints) expect(p).toMatch(FINGERPRINT);
    expect(prints[0]).not.toBe(prints[1]);
  });

  it('says its version, date and fingerprint at the top, and links the fingerprint to the check page', () => {
    const current = $('.versions > li').first().find('.fingerprint').text();
    expect($('p.meta').first().text()).toContain(`fingerprint ${current}`);
    expect($('a.fingerprint-link').attr('href')).toBe(`/check/?f=${current}`);
    expect($('.printout-check svg path').attr('d')).toMatch(/^M\d/);
    expect($('.printout-check').text()).toContain(`Version 1.1 of 1 November 2026 · fingerprint ${current}`);
  });

  it('prints the changes into its PDF, and the version, date and fingerprint on every page', async () => {
    const current = $('.versions > li').first().find('.fingerprint').text();
    const pdf = await readPdf(join(dist, 'pdf/primer-efficiency.pdf'));
    const text = pdf.pages.join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('Changes in this version (1.0 → 1.1)');
    expect(text).toContain('Replicates: Duplicate → Triplicate');
    for (const page of pdf.pages) expect(page.replace(/\s+/g, ' ')).toContain(`Version 1.1 · 2026-11-01 · fingerprint ${current}`);
  });

  it('the check page knows both versions: the current one as current, the older as superseded, with the changes since', () => {
    const prints = $('.versions .fingerprint')
      .map((_, c) => $(c).text())
      .get();
    const check = loadPage(dist, '/check/');
    const current = check(`[data-answer="${prints[0]}"]`);
    const older = check(`[data-answer="${prints[1]}"]`);
    expect(current.text()).toContain('Current: this is Protocol 2: Primer efficiency from a standard curve, version 1.1');
    expect(older.text()).toContain(
      'Superseded: this printout is Protocol 2: Primer efficiency from a standard curve, version 1.0 of 1 October 2026. Version 1.1 of 1 November 2026 replaced it.',
    );
    expect(older.find('.changes').text()).toContain('Material added: Nuclease-free water');
    expect(check('[data-answer="unknown"]').length).toBe(1);
    // A protocol without a history is version 1 of itself, and known too.
    const other = loadPage(dist, '/protocols/two-step-rt-qpcr/');
    expect(check(`[data-answer="${other('.versions .fingerprint').text()}"]`).text()).toContain('Current:');
  });

  it('goes into the offline bundle, history and check page alike', () => {
    const zipName = readdirSync(join(dist, 'downloads')).find((f) => f.endsWith('.zip'))!;
    const files = unzipSync(readFileSync(join(dist, 'downloads', zipName)));
    const text = (suffix: string) => new TextDecoder().decode(Object.entries(files).find(([name]) => name.endsWith(suffix))![1]);
    expect(text('protocols/primer-efficiency/index.html')).toContain('Changes in this version (1.0 → 1.1)');
    expect(text('check/index.html')).toContain('Check a printout');
  });
});
