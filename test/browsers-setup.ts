/** Global setup of every test project: the browsers the tests and the build need are there (see helpers/system-browsers.ts). */
import { ensureBrowsers } from './helpers/system-browsers.ts';

export function setup(): void {
  ensureBrowsers();
}
