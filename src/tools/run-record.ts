/**
 * Run records for run mode: what happened in a run (who, when each step was ticked and each timer ran, which lots, what
 * deviated), kept in this browser after the run ends, exported as JSON (src/schemas/run-record.ts) or printed with the
 * protocol's version and fingerprint. Works from file:// too: the export is a blob download, the print is the page's own.
 */
import type { RunEvent, RunRecord } from '../schemas/run-record.ts';
import { RUN_RECORD_FORMAT, STORAGE } from '../contract.ts';
import { pageTranslator } from '../i18n/ui.ts';
import { textTable } from './text-table.ts';
import { SHARED, storedItem, storeTwice, TAB } from './kept-twice.ts';
import { FOOTER_QR_MM, pageFooterCss, pageOfCss } from '../lib/print-css.ts';

const t = pageTranslator();

/** Runs kept per protocol; the oldest go first. */
const MAX_KEPT = 50;

export type { RunEvent, RunRecord };

/** What the protocol page says about itself, for a record. */
export interface RecordProtocol {
  slug: string;
  title: string;
  version: string;
  fingerprint: string;
  url?: string;
  center: string;
}

/** A new record, started now. */
export function newRecord(protocol: RecordProtocol, operator = ''): RunRecord {
  const { center, ...rest } = protocol;
  const started = new Date().toISOString();
  return {
    format: RUN_RECORD_FORMAT,
    center,
    protocol: rest,
    operator,
    started,
    lots: {},
    deviations: {},
    done: [],
    events: [{ at: started, kind: 'started' }],
  };
}

export function addEvent(record: RunRecord, event: Omit<RunEvent, 'at'>): void {
  record.events.push({ at: new Date().toISOString(), ...event });
}

/** A record as stored, if it is one (a hand-edited or older value is not). */
export function isRecord(value: unknown): value is RunRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<RunRecord>;
  return (
    r.format === RUN_RECORD_FORMAT &&
    typeof r.operator === 'string' &&
    typeof r.started === 'string' &&
    !!r.protocol &&
    typeof r.protocol.slug === 'string' &&
    Array.isArray(r.events) &&
    Array.isArray(r.done) &&
    !!r.lots &&
    typeof r.lots === 'object' &&
    !!r.deviations &&
    typeof r.deviations === 'object'
  );
}

const keptKey = (slug: string) => `${STORAGE.recordsPrefix}${slug}`;

/** The records kept in one storage area for a protocol, as stored (oldest first). */
function keptIn(area: () => Storage, slug: string): RunRecord[] {
  try {
    const value: unknown = JSON.parse(storedItem(area, keptKey(slug)) ?? '[]');
    return Array.isArray(value) ? value.filter(isRecord) : [];
  } catch {
    return [];
  }
}

/** What tells two kept records apart: a run's start and end. */
const recordId = (r: RunRecord) => `${r.started}|${r.ended ?? ''}`;

/**
 * The ended runs kept in this browser for a protocol, oldest first, with any that this tab kept and the browser lost: like
 * the run itself, the list is also written to the tab's sessionStorage, for Chromium's lost file:// writes (kept-twice.ts).
 */
export function keptRecords(slug: string): RunRecord[] {
  const shared = keptIn(SHARED, slug);
  const known = new Set(shared.map(recordId));
  const lost = keptIn(TAB, slug).filter((r) => !known.has(recordId(r)));
  if (lost.length === 0) return shared;
  const when = (r: RunRecord) => r.ended ?? r.started;
  return [...shared, ...lost].sort((a, b) => when(a).localeCompare(when(b))).slice(-MAX_KEPT);
}

export function keepRecord(record: RunRecord): void {
  // Where storage is unavailable (private mode), the record can still be exported before the page closes.
  storeTwice(keptKey(record.protocol.slug), JSON.stringify([...keptRecords(record.protocol.slug), record].slice(-MAX_KEPT)));
}

const stamp = (iso: string) => new Date(iso).toLocaleString(document.documentElement.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Downloads the record as JSON (a blob: link, which works from disk too). */
export function exportRecord(record: RunRecord): void {
  const blob = new Blob([`${JSON.stringify(record, null, 2)}\n`], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${record.protocol.slug}-v${record.protocol.version}-${record.started.slice(0, 16).replace(/[:T]/g, '-')}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** One event in words. */
function eventText(event: RunEvent, stepTitle: (id: string) => string): string {
  return t(`record.event.${event.kind}`, {
    step: event.step ? stepTitle(event.step) : '',
    material: event.material ?? '',
    timer: event.timer ?? '',
    round: event.round ?? 1,
  });
}

/**
 * The footer of every printed page of a named page (`@page name`): its lines, "page X of Y", and, with `qr`, the page's printout
 * QR code drawn small beside them.
 */
export function printedFooter(page: string, lines: string[], qr: boolean): HTMLStyleElement {
  const code = qr ? (document.querySelector('.printout-check svg')?.cloneNode(true) as SVGSVGElement | undefined) : undefined;
  code?.setAttribute('width', `${FOOTER_QR_MM}mm`);
  code?.setAttribute('height', `${FOOTER_QR_MM}mm`);
  const style = document.createElement('style');
  style.textContent = pageFooterCss(page, {
    lines,
    pageOf: pageOfCss((vars) => t('pdf.page', vars)),
    qrSvg: code && new XMLSerializer().serializeToString(code),
    font: '8pt system-ui, sans-serif',
  });
  return style;
}

/**
 * Prints the record: the protocol with its version and fingerprint, who and when, the lots, each step with the time it was
 * done and its deviation, and the log. The page's printout block (its QR code) goes at the top.
 */
export function printRecord(record: RunRecord, steps: { id: string; title: string }[]): void {
  document.querySelector('.run-record')?.remove();
  const stepTitle = (id: string) => steps.find((s) => s.id === id)?.title ?? id;
  const section = document.createElement('section');
  section.className = 'run-record';
  const title = document.createElement('h2');
  title.textContent = t('record.title', { title: record.protocol.title });
  const summary = document.createElement('p');
  summary.textContent = t('record.summary', {
    version: record.protocol.version,
    fingerprint: record.protocol.fingerprint,
    operator: record.operator || t('record.noOperator'),
  });
  const times = document.createElement('p');
  times.textContent = t('record.times', {
    started: stamp(record.started),
    ended: record.ended ? t('record.endedAt', { ended: stamp(record.ended) }) : t('record.inProgress'),
  });
  const doneAt = (id: string) => [...record.events].reverse().find((e) => e.kind === 'step-done' && e.step === id)?.at;
  const lots = textTable(
    t('record.materials'),
    [t('record.material'), t('record.lot')],
    Object.entries(record.lots).map(([name, lot]) => [name, lot]),
    'sheet',
  );
  const work = textTable(
    t('record.steps'),
    [t('record.step'), t('record.doneAt'), t('record.deviation')],
    steps.map((s, i) => {
      const at = record.done.includes(s.id) ? doneAt(s.id) : undefined;
      return [`${i + 1}. ${s.title}`, at ? stamp(at) : '—', record.deviations[s.id] ?? ''];
    }),
    'sheet',
  );
  const log = textTable(
    t('record.log'),
    [t('record.time'), t('record.event')],
    record.events.map((e) => [stamp(e.at), eventText(e, stepTitle)]),
    'sheet',
  );
  // The page's printout block and QR code are the current version's: a record of a run of an earlier version carries neither,
  // so nothing on it vouches for a version that was not run.
  const current = document.querySelector<HTMLElement>('[data-run]')?.dataset.fingerprint === record.protocol.fingerprint;
  const printout = current ? document.querySelector('.printout-check')?.cloneNode(true) : undefined;
  // Every printed page of the record says what it is, with the protocol's version, fingerprint and QR code, as the run sheet does.
  const margins = printedFooter(
    'run-record',
    [
      title.textContent ?? '',
      [t('protocols.versionLong', { version: record.protocol.version }), t('protocols.fingerprint', { fingerprint: record.protocol.fingerprint })].join(' · '),
    ],
    current,
  );
  section.append(margins, title, summary, times, ...(printout ? [printout] : []), lots, work, log);
  document.body.append(section);
  document.body.classList.add('print-run-record');
  window.addEventListener('afterprint', () => document.body.classList.remove('print-run-record'), { once: true });
  window.print();
}

/** The list of kept runs under the run bar, each with its export and print buttons. */
export function renderKept(list: HTMLElement, slug: string, steps: { id: string; title: string }[]): void {
  const records = keptRecords(slug);
  const box = list.closest<HTMLElement>('[data-run-records]')!;
  box.hidden = records.length === 0;
  list.replaceChildren(
    ...[...records].reverse().map((record) => {
      const li = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = t('record.keptItem', {
        started: stamp(record.started),
        operator: record.operator || t('record.noOperator'),
        done: record.done.length,
        steps: steps.length,
      });
      const exportButton = document.createElement('button');
      exportButton.type = 'button';
      exportButton.textContent = t('record.export');
      exportButton.addEventListener('click', () => exportRecord(record));
      const printButton = document.createElement('button');
      printButton.type = 'button';
      printButton.textContent = t('record.print');
      printButton.addEventListener('click', () => printRecord(record, steps));
      li.append(text, ' ', exportButton, ' ', printButton);
      return li;
    }),
  );
}
