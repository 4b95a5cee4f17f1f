/** The interface's words for the center's language: English, with the center's own table over it. */
import { EN, type UiKey } from './en.ts';
import { IDS } from '../contract.ts';

export type { UiKey };
export type Translate = (key: UiKey, vars?: Record<string, string | number>) => string;

/** A translator over the English table and a center's overrides; `{name}` placeholders are filled from `vars`. */
export function translator(overrides: Readonly<Record<string, string>> = {}): Translate {
  return (key, vars) => {
    const template = overrides[key] ?? EN[key];
    return vars ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : template;
  };
}

/** Keys of a center's `ui:` table that the interface does not have (a typo, or a key that was renamed). */
export function unknownUiKeys(overrides: Readonly<Record<string, string>>): string[] {
  return Object.keys(overrides).filter((k) => !(k in EN));
}

/** The kinds of page search files pages under, in the order its type filter lists them; their names are in the table. */
export const SEARCH_TYPES = ['faq', 'troubleshooting', 'protocol', 'data', 'reference', 'overview'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const searchTypeKey = (type: SearchType) => `searchType.${type}` as const;

/** Id of the JSON the layout writes when a center replaces interface words, for the client scripts to read. */
export const UI_STRINGS_ID = IDS.uiStrings;

/** In the browser: a translator over the English table and the page's replacements, if it carries any. */
export function pageTranslator(): Translate {
  let overrides: Record<string, string> = {};
  try {
    const json = document.getElementById(UI_STRINGS_ID)?.textContent;
    if (json) overrides = JSON.parse(json) as Record<string, string>;
  } catch {
    // Unreadable replacements: the English words serve.
  }
  return translator(overrides);
}
