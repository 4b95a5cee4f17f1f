/**
 * What run mode keeps (the run in progress, the records of ended runs) is written twice: to localStorage, which the browser's
 * tabs share, and to the tab's own sessionStorage. Chromium, on a copy opened from file://, now and then loses a localStorage
 * write made shortly before the page is reloaded or left; the sessionStorage twin of the same write was never lost
 * (src/tools/run-mode.ts gives the figures). Either area may be unusable (private mode, say): then it is passed over.
 */

/** The browser's storage, then the tab's. */
export const SHARED = (): Storage => localStorage;
export const TAB = (): Storage => sessionStorage;

/** The item under `key` of a storage area, or null when there is none or the area cannot be used. */
export function storedItem(area: () => Storage, key: string): string | null {
  try {
    return area().getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key` in both areas, or removes it from both when it is undefined. */
export function storeTwice(key: string, value: string | undefined): void {
  for (const area of [SHARED, TAB]) {
    try {
      if (value === undefined) area().removeItem(key);
      else area().setItem(key, value);
    } catch {
      // Storage may be unavailable (private mode): the run still works, it is just not remembered.
    }
  }
}
