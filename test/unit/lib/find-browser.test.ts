/** Which browser the build renders diagrams and prints PDFs with, and which one the browser tests drive. */
import { describe, expect, it } from 'vitest';
import { findBrowser, findHeadlessBrowser } from '../../../src/lib/find-browser';

const machine =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('the browser for diagrams and PDFs', () => {
  it('is Chromium’s headless shell when it is installed beside Chromium', () => {
    const exists = machine('/usr/bin/chromium', '/usr/bin/chromium-headless-shell');
    expect(findHeadlessBrowser({}, exists)).toBe('/usr/bin/chromium-headless-shell');
    // The browser tests still drive Chromium itself.
    expect(findBrowser({}, exists)).toBe('/usr/bin/chromium');
  });

  it('is Chromium, or Chrome, when no headless shell is installed', () => {
    expect(findHeadlessBrowser({}, machine('/usr/bin/chromium'))).toBe('/usr/bin/chromium');
    expect(findHeadlessBrowser({}, machine('/usr/bin/google-chrome'))).toBe('/usr/bin/google-chrome');
  });

  it('is CHROME_PATH when it is set, even beside a headless shell, and none when CHROME_PATH names no file', () => {
    const exists = machine('/opt/chrome/chrome', '/usr/bin/chromium-headless-shell');
    expect(findHeadlessBrowser({ CHROME_PATH: '/opt/chrome/chrome' }, exists)).toBe('/opt/chrome/chrome');
    expect(findHeadlessBrowser({ CHROME_PATH: '/nonexistent/chromium' }, exists)).toBeUndefined();
  });

  it('is none on a machine without any', () => {
    expect(findHeadlessBrowser({}, machine())).toBeUndefined();
  });
});
