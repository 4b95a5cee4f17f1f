/**
 * Protocol run mode, loaded only on a protocol page when a reader presses
 * "Start run" (or comes back to a run in progress). Materials and steps become
 * a checklist; timed steps get countdowns with a visible and audible alert;
 * overnight waits show as reminders. Progress is kept in localStorage per
 * protocol and version; a new version starts a clean run and says why.
 *
 * Each write also goes to the tab's sessionStorage. Chromium, on a copy opened
 * from file://, now and then loses a localStorage write made shortly before the
 * page is reloaded or left (2–6 % of reloads 0.3 s after a write, 5 % of visits
 * to another page 2 s after it; the sessionStorage twin of the same write was
 * never lost). Every write stamps the run with its time (`saved`) and the newer
 * of the two copies is used; ending or resetting a run stores when, so a copy
 * older than that does not bring the run back.
 */

import { STORAGE } from '../contract.ts';
import { addEvent, exportRecord, isRecord, keepRecord, newRecord, printedFooter, printRecord, renderKept, type RunRecord } from './run-record.ts';
import { textTable } from './text-table.ts';
import { SHARED, storedItem, storeTwice, TAB } from './kept-twice.ts';
import { pageTranslator } from '../i18n/ui.ts';

/** The interface's words, in the center's language. */
const t = pageTranslator();

/** A countdown as the page declares it (typed fields of the step, see src/schemas/protocol.ts). */
interface TimerSpec {
  label: string;
  minutes: number;
  maxMinutes?: number;
  repeats: number;
}

/** A timer as saved: its deadline while it runs (not its remaining count, so a reload or a visit elsewhere loses no time). */
interface TimerState {
  /** Epoch milliseconds at which the running round ends; absent while paused. */
  endsAt?: number;
  /** What is left of the round while paused, in milliseconds. */
  remaining: number;
  round: number;
}

/** What is saved for a run. */
interface RunState {
  version: string;
  materials: number[];
  steps: string[];
  started: string;
  /** Timers by `<step id>:<index>`. */
  timers?: Record<string, TimerState>;
  /** What happened so far, for the run record. */
  record?: RunRecord;
  /** When it was written, in epoch milliseconds (absent in runs stored before it was). */
  saved?: number;
}

/** A stored run as this version of run mode can use it; anything else (an older format, a hand-edited value) is not. */
function isRunState(value: unknown): value is RunState {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<RunState>;
  const timersOk =
    v.timers === undefined ||
    (typeof v.timers === 'object' &&
      v.timers !== null &&
      Object.values(v.timers).every(
        (t) =>
          t &&
          typeof t.remaining === 'number' &&
          Number.isFinite(t.remaining) &&
          Number.isInteger(t.round) &&
          (t.endsAt === undefined || Number.isFinite(t.endsAt)),
      ));
  return (
    typeof v.version === 'string' &&
    typeof v.started === 'string' &&
    Array.isArray(v.materials) &&
    v.materials.every((m) => Number.isInteger(m)) &&
    Array.isArray(v.steps) &&
    v.steps.every((s) => typeof s === 'string') &&
    timersOk &&
    (v.record === undefined || isRecord(v.record)) &&
    (v.saved === undefined || Number.isFinite(v.saved))
  );
}

const PREFIX = STORAGE.runPrefix;

export function storageKey(slug: string): string {
  return `${PREFIX}${slug}`;
}

/** Minutes and seconds as the timer shows them, e.g. 09:59. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A run as stored, `'unusable'` when it is not a run this code can continue, or undefined when nothing is. */
function parseRun(raw: string | null): RunState | 'unusable' | undefined {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isRunState(value) ? value : 'unusable';
  } catch {
    return 'unusable';
  }
}

/**
 * The run to continue: the browser's (localStorage) or this tab's copy (sessionStorage), whichever was written last; the
 * tab's copy only when it is newer than the last end or reset of a run of this protocol. `'unusable'` when the browser holds
 * something that is not a run this code can continue.
 */
function read(slug: string): RunState | 'unusable' | undefined {
  const key = storageKey(slug);
  const shared = parseRun(storedItem(SHARED, key));
  const copy = parseRun(storedItem(TAB, key));
  if (shared === 'unusable' || copy === undefined || copy === 'unusable') return shared;
  if (shared) return (copy.saved ?? 0) > (shared.saved ?? 0) ? copy : shared;
  if ((copy.saved ?? 0) >= Number(storedItem(SHARED, `${STORAGE.runEndedPrefix}${slug}`) ?? 0)) return copy;
  // A copy of a run that has ended since (in another tab): gone for good.
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Nothing to remove where there is no sessionStorage.
  }
  return undefined;
}

/** Stores the run (stamped with the time), or that there is none since now, in localStorage and in this tab's sessionStorage. */
function write(slug: string, state: RunState | undefined): void {
  const now = Date.now();
  if (state) state.saved = now;
  storeTwice(storageKey(slug), state ? JSON.stringify(state) : undefined);
  if (!state)
    try {
      localStorage.setItem(`${STORAGE.runEndedPrefix}${slug}`, String(now));
    } catch {
      // As above.
    }
}

/** A short beep through Web Audio; silent where audio is not allowed. */
function beep(): void {
  try {
    const audio = new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.6);
  } catch {
    // No audio device: the visible alert is enough.
  }
}

/** Says that a timer ended where the reader is: the alert in view, and a system notification where the reader allowed them. */
function announce(alertBox: HTMLElement, text: string): void {
  alertBox.textContent = text;
  alertBox.hidden = false;
  beep();
  try {
    if ('Notification' in window && Notification.permission === 'granted') new Notification(text);
  } catch {
    // Notifications are a courtesy; the alert on the page is the message.
  }
}

class Countdown {
  private remaining: number;
  private round = 1;
  private endsAt: number | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  readonly element: HTMLElement;
  private readonly clock: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly status: HTMLElement;

  private readonly spec: TimerSpec;
  private readonly alertBox: HTMLElement;
  /** Called with the timer's new state each time it changes; `reset` when the reader reset it (not paused it). */
  private readonly onChange: (state: TimerState, cause?: 'reset') => void;

  constructor(spec: TimerSpec, alertBox: HTMLElement, saved: TimerState | undefined, onChange: (state: TimerState, cause?: 'reset') => void) {
    this.spec = spec;
    this.alertBox = alertBox;
    this.onChange = onChange;
    this.remaining = spec.minutes * 60_000;
    this.element = document.createElement('div');
    this.element.className = 'run-timer';
    this.element.setAttribute('role', 'group');
    const range = spec.maxMinutes ? t('run.timerRange', { max: spec.maxMinutes }) : '';
    this.element.setAttribute('aria-label', t('run.timer', { label: spec.label }));
    const name = document.createElement('span');
    name.className = 'run-timer-label';
    name.textContent = `${spec.label}: ${spec.repeats > 1 ? `${spec.repeats} × ` : ''}${spec.minutes} min${range}`;
    this.clock = document.createElement('span');
    this.clock.className = 'run-timer-clock';
    this.clock.setAttribute('aria-live', 'off');
    this.toggle = this.button(t('run.timerStart'), () => (this.endsAt ? this.pause() : this.start()));
    const reset = this.button(t('run.timerReset'), () => this.reset());
    this.status = document.createElement('span');
    this.status.className = 'run-timer-round';
    this.element.append(name, this.clock, this.status, this.toggle, reset);
    if (saved) {
      this.round = Math.min(Math.max(1, saved.round), spec.repeats);
      this.remaining = Math.min(Math.max(0, saved.remaining), spec.minutes * 60_000);
      // A running timer resumes from its deadline; one that ended while the page was closed says so now.
      if (saved.endsAt !== undefined) {
        this.endsAt = saved.endsAt;
        this.toggle.textContent = t('run.timerPause');
        this.tick = setInterval(() => this.update(), 250);
        this.update();
      }
    }
    this.render();
  }

  private button(text: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  /** True while counting down. */
  get running(): boolean {
    return this.endsAt !== undefined;
  }

  private save(cause?: 'reset'): void {
    this.onChange({ remaining: this.remaining, round: this.round, ...(this.endsAt !== undefined ? { endsAt: this.endsAt } : {}) }, cause);
  }

  start(): void {
    // The first timer asks once whether the end may be announced outside the page too.
    try {
      if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
    } catch {
      // Not offered here (file://, some browsers): the alert on the page does the job.
    }
    this.endsAt = Date.now() + this.remaining;
    this.toggle.textContent = t('run.timerPause');
    this.tick = setInterval(() => this.update(), 250);
    this.element.classList.remove('next-round');
    this.render();
    this.save();
  }

  /** Stops counting; `keep` leaves the saved state as it is (the run is being left, not paused). */
  pause(keep = false): void {
    if (this.endsAt) this.remaining = Math.max(0, this.endsAt - Date.now());
    this.endsAt = undefined;
    clearInterval(this.tick);
    this.toggle.textContent = t('run.timerStart');
    this.render();
    if (!keep) this.save();
  }

  /** Stops the interval only: the page goes away, the deadline stays saved. */
  detach(): void {
    clearInterval(this.tick);
  }

  /** Back to the first round's full time, stopped: saved once, as a reset (a running timer is not paused first). */
  reset(): void {
    this.pause(true);
    this.round = 1;
    this.remaining = this.spec.minutes * 60_000;
    this.element.classList.remove('done', 'next-round');
    this.render();
    this.save('reset');
  }

  private update(): void {
    if (!this.endsAt) return;
    this.remaining = this.endsAt - Date.now();
    if (this.remaining <= 0) {
      const finished = `${this.spec.label}${this.spec.repeats > 1 ? `, ${t('run.round', { round: this.round, rounds: this.spec.repeats })}` : ''}`;
      const late =
        Date.now() - this.endsAt > 2_000
          ? t('run.endedAt', { time: new Date(this.endsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })
          : '';
      this.pause();
      this.remaining = 0;
      this.element.classList.add('done');
      if (this.round < this.spec.repeats) {
        this.round++;
        this.remaining = this.spec.minutes * 60_000;
        this.element.classList.remove('done');
        // The next round waits for the reader; the timer says so where it is, not only in the alert.
        this.element.classList.add('next-round');
        announce(this.alertBox, t('run.timeUpNext', { what: finished, late, round: this.round }));
      } else announce(this.alertBox, t('run.timeUp', { what: finished, late }));
      this.save();
    }
    this.render();
  }

  private render(): void {
    this.clock.textContent = formatClock(this.remaining);
    const vars = { round: this.round, rounds: this.spec.repeats };
    this.status.textContent = this.spec.repeats > 1 ? t(this.element.classList.contains('next-round') ? 'run.roundReady' : 'run.round', vars) : '';
  }
}

/** An element's text as a reader sees it: without the punctuation kept for screen readers only. */
function visibleText(element: Element | null): string {
  if (!element) return '';
  const copy = element.cloneNode(true) as Element;
  copy.querySelectorAll('.visually-hidden').forEach((hidden) => hidden.remove());
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Builds the run sheet from the page itself (title, version, materials,
 * steps with their conditions) with blanks to fill in by hand, and prints it.
 */
function printRunSheet(article: HTMLElement, materials: HTMLElement[], steps: HTMLElement[], version: string): void {
  document.querySelector('.run-sheet')?.remove();
  const sheet = document.createElement('section');
  sheet.className = 'run-sheet';
  sheet.setAttribute('aria-label', t('run.sheetLabel'));
  const title = document.createElement('h2');
  title.textContent = t('run.sheetTitle', { title: article.querySelector('h1')?.textContent ?? '' });
  const meta = document.createElement('p');
  meta.textContent = article.querySelector('.meta')?.textContent?.trim() ?? '';
  const fields = textTable(
    t('run.sheetDetails'),
    [t('run.sheetField'), t('run.sheetEntry')],
    [
      [t('run.sheetDate'), ''],
      [t('run.sheetOperator'), ''],
      [t('run.sheetSamples'), ''],
    ],
    'sheet sheet-fields',
  );
  const stuff = textTable(
    t('run.sheetMaterials'),
    [t('run.sheetMaterial'), t('run.sheetLot'), t('run.sheetReady')],
    materials.map((li) => [li.textContent?.trim() ?? '', '', '☐']),
    'sheet',
  );
  const work = textTable(
    t('run.sheetSteps'),
    [t('run.sheetStep'), t('run.sheetConditions'), t('run.sheetStarted'), t('run.sheetDone'), t('run.sheetInitials')],
    steps.map((li, i) => [
      `${i + 1}. ${li.querySelector('h3')?.textContent?.trim() ?? ''}`,
      [...li.querySelectorAll('.conditions > div')].map((d) => `${visibleText(d.querySelector('dt'))}: ${visibleText(d.querySelector('dd'))}`).join('; ') ||
        '—',
      '',
      '☐',
      '',
    ]),
    'sheet',
  );
  const notesTitle = document.createElement('h3');
  notesTitle.textContent = t('run.sheetNotes');
  const notes = document.createElement('div');
  notes.className = 'sheet-notes';
  // Every printed page says what it is and which page it is: the protocol, its version, "page 2 of 3", its fingerprint (which
  // the "Check a printout" page answers for) and the QR code of the same, the one the page prints at the top, drawn smaller.
  const fingerprint = document.querySelector<HTMLElement>('[data-run]')?.dataset.fingerprint;
  const versionLine = [t('protocols.versionLong', { version }), ...(fingerprint ? [t('protocols.fingerprint', { fingerprint })] : [])].join(' · ');
  const margins = printedFooter('run-sheet', [title.textContent ?? '', versionLine], true);
  const printout = document.querySelector('.printout-check')?.cloneNode(true);
  sheet.append(margins, title, meta, ...(printout ? [printout] : []), fields, stuff, work, notesTitle, notes);
  document.body.append(sheet);
  document.body.classList.add('print-run-sheet');
  window.addEventListener('afterprint', () => document.body.classList.remove('print-run-sheet'), { once: true });
  window.print();
}

function setUp(bar: HTMLElement): void {
  const slug = bar.dataset.slug!;
  const version = bar.dataset.version!;
  const article = document.querySelector('main')!;
  const message = bar.querySelector<HTMLElement>('[data-run-message]')!;
  const alertBox = bar.querySelector<HTMLElement>('[data-run-alert]')!;
  const startButton = bar.querySelector<HTMLButtonElement>('[data-run-start]')!;
  const materials = [...article.querySelectorAll<HTMLElement>('.materials > li')];
  const steps = [...article.querySelectorAll<HTMLElement>('ol.steps > li[data-step]')];
  const stepList = steps.map((li) => ({ id: li.dataset.step!, title: li.querySelector('h3')?.textContent?.trim() ?? li.dataset.step! }));
  const materialName = (li: HTMLElement) => li.querySelector('strong')?.textContent?.trim() ?? li.textContent?.trim() ?? '';
  const operatorInput = bar.querySelector<HTMLInputElement>('[data-run-operator]')!;
  const keptList = bar.querySelector<HTMLElement>('[data-run-records] ol')!;
  const protocol = {
    slug,
    title: bar.dataset.title ?? document.querySelector('h1')?.textContent?.trim() ?? slug,
    version,
    fingerprint: bar.dataset.fingerprint ?? '',
    center: bar.dataset.center ?? '',
    ...(bar.dataset.url ? { url: bar.dataset.url } : {}),
  };
  /** The record with the steps ticked now, in the protocol's order. */
  const currentRecord = (): RunRecord | undefined => {
    if (!state?.record) return undefined;
    state.record.done = stepList.map((s) => s.id).filter((id) => state!.steps.includes(id));
    return state.record;
  };
  const stored = read(slug);
  let state = stored === 'unusable' ? undefined : stored;
  let versionChanged = false;
  if (stored === 'unusable') {
    write(slug, undefined);
    message.textContent = t('run.unusable');
    message.hidden = false;
  }

  if (state && state.version !== version) {
    versionChanged = true;
    message.textContent = t('run.versionChanged', { old: state.version, new: version });
    message.hidden = false;
    state = undefined;
    write(slug, undefined);
  }

  const save = () => {
    if (state) write(slug, state);
  };

  const checkbox = (label: string, checked: boolean, onChange: (on: boolean) => void) => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'run-check';
    box.checked = checked;
    box.setAttribute('aria-label', label);
    box.addEventListener('change', () => onChange(box.checked));
    return box;
  };

  /** The timers on the page now; stopped when they are removed, so none rings after the run ended. */
  const countdowns: Countdown[] = [];
  const stopCountdowns = () => countdowns.splice(0).forEach((c) => c.pause(true));
  // Leaving the page (a reload, a link) keeps each running timer's deadline; the next visit picks it up.
  window.addEventListener('pagehide', () => countdowns.forEach((c) => c.detach()));

  const enter = (fresh: boolean) => {
    stopCountdowns();
    if (fresh || !state) state = { version, materials: [], steps: [], started: new Date().toISOString() };
    state.record ??= newRecord(protocol, operatorInput.value.trim());
    const record = state.record;
    operatorInput.value = record.operator;
    save();
    document.body.classList.add('run-mode');
    startButton.hidden = true;
    bar.querySelector<HTMLElement>('[data-run-controls]')!.hidden = false;
    materials.forEach((li, i) => {
      li.querySelector('.run-check')?.remove();
      li.querySelector('.run-lot')?.remove();
      const name = materialName(li);
      li.prepend(
        checkbox(t('run.have', { material: li.textContent?.trim() ?? '' }), state!.materials.includes(i), (on) => {
          state!.materials = on ? [...new Set([...state!.materials, i])] : state!.materials.filter((m) => m !== i);
          addEvent(record, { kind: on ? 'material-ready' : 'material-unready', material: name });
          save();
        }),
      );
      const lot = document.createElement('input');
      lot.type = 'text';
      lot.className = 'run-lot';
      lot.placeholder = t('record.lot');
      lot.setAttribute('aria-label', t('record.lotFor', { material: name }));
      lot.value = record.lots[name] ?? '';
      lot.addEventListener('input', () => {
        if (lot.value.trim()) record.lots[name] = lot.value.trim();
        else delete record.lots[name];
        save();
      });
      li.append(lot);
    });
    steps.forEach((li) => {
      const id = li.dataset.step!;
      const heading = li.querySelector('h3')!;
      heading.querySelector('.run-check')?.remove();
      heading.prepend(
        checkbox(t('run.done', { step: heading.textContent?.trim() ?? id }), state!.steps.includes(id), (on) => {
          state!.steps = on ? [...new Set([...state!.steps, id])] : state!.steps.filter((s) => s !== id);
          li.classList.toggle('run-done', on);
          addEvent(record, { kind: on ? 'step-done' : 'step-undone', step: id });
          save();
        }),
      );
      li.classList.toggle('run-done', state!.steps.includes(id));
      li.querySelector('.run-tools')?.remove();
      const tools = document.createElement('div');
      tools.className = 'run-tools';
      const timers = JSON.parse(li.dataset.timers ?? '[]') as TimerSpec[];
      for (const [index, spec] of timers.entries()) {
        const key = `${id}:${index}`;
        const countdown = new Countdown(spec, alertBox, state!.timers?.[key], (timer, cause) => {
          if (!state) return;
          const before = state.timers?.[key];
          // A reset is logged as one, with the round it interrupted, unless there was nothing to reset (a timer never started).
          const unchanged = !before || (before.endsAt === undefined && before.round === timer.round && before.remaining === timer.remaining);
          const kind =
            cause === 'reset'
              ? unchanged
                ? undefined
                : 'timer-reset'
              : timer.round > (before?.round ?? 1) || (timer.remaining <= 0 && (before?.remaining ?? 1) > 0)
                ? 'timer-finished'
                : timer.endsAt !== undefined && before?.endsAt === undefined
                  ? 'timer-started'
                  : timer.endsAt === undefined && before?.endsAt !== undefined
                    ? 'timer-paused'
                    : undefined;
          const round = kind === 'timer-finished' || kind === 'timer-reset' ? (before?.round ?? timer.round) : timer.round;
          if (kind) addEvent(record, { kind, step: id, timer: spec.label, round });
          state.timers = { ...state.timers, [key]: timer };
          save();
        });
        countdowns.push(countdown);
        tools.append(countdown.element);
      }
      if (li.dataset.reminder) {
        const note = document.createElement('p');
        note.className = 'run-reminder';
        note.textContent = t('run.reminder', { text: li.dataset.reminder });
        tools.append(note);
      }
      const deviation = document.createElement('label');
      deviation.className = 'run-deviation';
      const input = document.createElement('input');
      input.type = 'text';
      input.placeholder = t('record.deviationHint');
      input.setAttribute('aria-label', t('record.deviationFor', { step: heading.textContent?.trim() ?? id }));
      input.value = record.deviations[id] ?? '';
      input.addEventListener('input', () => {
        if (input.value.trim()) record.deviations[id] = input.value.trim();
        else delete record.deviations[id];
        save();
      });
      deviation.append(`${t('record.deviation')} `, input);
      tools.append(deviation);
      li.append(tools);
    });
  };

  operatorInput.addEventListener('input', () => {
    if (!state?.record) return;
    state.record.operator = operatorInput.value.trim();
    save();
  });
  bar.querySelector('[data-record-export]')!.addEventListener('click', () => {
    const record = currentRecord();
    if (record) exportRecord(record);
  });
  bar.querySelector('[data-record-print]')!.addEventListener('click', () => {
    const record = currentRecord();
    if (record) printRecord(record, stepList);
  });
  renderKept(keptList, slug, stepList);

  const leave = () => {
    stopCountdowns();
    document.body.classList.remove('run-mode');
    article.querySelectorAll('.run-check, .run-tools, .run-lot').forEach((el) => el.remove());
    steps.forEach((li) => li.classList.remove('run-done'));
    startButton.hidden = false;
    bar.querySelector<HTMLElement>('[data-run-controls]')!.hidden = true;
    alertBox.hidden = true;
  };

  startButton.addEventListener('click', () => enter(false));
  bar.querySelector('[data-run-sheet]')!.addEventListener('click', () => printRunSheet(article, materials, steps, version));
  bar.querySelector('[data-run-reset]')!.addEventListener('click', () => {
    if (countdowns.some((c) => c.running) && !confirm(t('run.confirmReset'))) return;
    write(slug, undefined);
    state = undefined;
    enter(true);
    message.textContent = t('run.cleared');
    message.hidden = false;
  });
  bar.querySelector('[data-run-end]')!.addEventListener('click', () => {
    if (countdowns.some((c) => c.running) && !confirm(t('run.confirmEnd'))) return;
    // The run's record is kept in this browser, to export or print later.
    const record = currentRecord();
    if (record) {
      record.ended = new Date().toISOString();
      addEvent(record, { kind: 'ended' });
      keepRecord(record);
    }
    write(slug, undefined);
    state = undefined;
    leave();
    renderKept(keptList, slug, stepList);
    if (record) {
      message.textContent = t('record.ended');
      message.hidden = false;
    }
  });

  // The alert is dismissed with a click or Escape, once it has been read.
  alertBox.addEventListener('click', () => (alertBox.hidden = true));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') alertBox.hidden = true;
  });

  // A click that loaded this script is carried out now.
  const pending = bar.dataset.pending;
  delete bar.dataset.pending;
  if (state || versionChanged || stored === 'unusable' || pending === 'start') enter(versionChanged);
  if (pending === 'sheet') printRunSheet(article, materials, steps, version);
}

const bar = document.querySelector<HTMLElement>('[data-run]');
if (bar && !bar.dataset.runReady) {
  bar.dataset.runReady = 'yes';
  setUp(bar);
}
