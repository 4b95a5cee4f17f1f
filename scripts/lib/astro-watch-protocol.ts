/**
 * The line scripts/lib/astro-watch-runner.ts writes on stdout and stderr when a build ends, followed by its exit code and the
 * runner's resident memory in bytes.
 */
export const BUILD_ENDED = '\u0001[astro-build-ended]';

/**
 * Splits a stream of text into the build's output and its end: `onText` gets every line before the end line (with line breaks
 * as they came), and `onEnd` the end line's exit code and memory. A line is held back only until its line break arrives.
 */
export function endWatcher(onText: (text: string) => void, onEnd: (code: number, rss: number) => void): (chunk: Buffer | string) => void {
  let partial = '';
  return (chunk) => {
    partial += chunk.toString();
    let start = 0;
    let text = '';
    for (let at = partial.indexOf('\n'); at >= 0; at = partial.indexOf('\n', start)) {
      const line = partial.slice(start, at + 1);
      start = at + 1;
      if (line.startsWith(BUILD_ENDED)) {
        if (text) onText(text);
        text = '';
        const [code, rss] = line.slice(BUILD_ENDED.length).trim().split(' ').map(Number);
        onEnd(code || 0, rss || 0);
      } else text += line;
    }
    partial = partial.slice(start);
    // A line still without its break is shown at once unless it may be the start of the end line.
    if (partial && !BUILD_ENDED.startsWith(partial.slice(0, BUILD_ENDED.length)) && !partial.startsWith(BUILD_ENDED)) {
      text += partial;
      partial = '';
    }
    if (text) onText(text);
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
