/**
 * The line scripts/lib/astro-watch-runner.ts writes on stdout and stderr when a build ends, followed by its exit code and the
 * runner's resident memory in bytes.
 */
export const BUILD_ENDED = '\u0001[astro-build-ended]';

/**
 * Splits a stream of text into the build's output and its end: `onText` gets everything before the end line (with line breaks
 * as they came), and `onEnd` the end line's exit code and memory. The end may follow a line Astro left unfinished (it writes a
 * page's name, then renders the page, and a page that fails to render never gets its line break): the end counts wherever it
 * starts, and the unfinished line is ended before it. Text that may be the start of the end is held back until it is known.
 */
export function endWatcher(onText: (text: string) => void, onEnd: (code: number, rss: number) => void): (chunk: Buffer | string) => void {
  let partial = '';
  /** Whether the last text handed on ended in the middle of a line. */
  let open = false;
  const hand = (text: string) => {
    if (!text) return;
    onText(text);
    open = !text.endsWith('\n');
  };
  return (chunk) => {
    partial += chunk.toString();
    for (;;) {
      const at = partial.indexOf(BUILD_ENDED);
      const lineEnd = at < 0 ? -1 : partial.indexOf('\n', at);
      if (lineEnd < 0) break;
      hand(partial.slice(0, at));
      if (open) hand('\n');
      const [code, rss] = partial
        .slice(at + BUILD_ENDED.length, lineEnd)
        .trim()
        .split(' ')
        .map(Number);
      onEnd(code || 0, rss || 0);
      partial = partial.slice(lineEnd + 1);
    }
    // Shown at once, but for what may be the start of an end still coming: from its first character on, if it is there.
    const held = partial.indexOf(BUILD_ENDED[0]!);
    const mayEnd = held >= 0 && BUILD_ENDED.startsWith(partial.slice(held, held + BUILD_ENDED.length));
    hand(mayEnd ? partial.slice(0, held) : partial);
    partial = mayEnd ? partial.slice(held) : '';
  };
}

/**
 * Node never unloads a module, and each build in the runner imports the pages Astro bundled for it, so the runner grows with
 * each build. Given its resident memory after each build, says when it has grown by half since its first and should be replaced.
 */
export class RunnerGrowth {
  firstRss = 0;
  builds = 0;
  /** Records a build's end; true when the runner has outgrown its budget. */
  ended(rss: number): boolean {
    if (this.builds++ === 0) this.firstRss = rss;
    return rss > this.firstRss * 1.5;
  }
}
