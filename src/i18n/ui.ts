/** The interface's words for the center's language: English, with the center's own table over it. */
import { EN, type UiKey } from './en.ts';

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
