/**
 * Builds the search index (search-index.ts) on a thread of its own, as the pages come: reading the pages and giving them their
 * search aliases is about two seconds of JavaScript at 1,000 pages, done here while Astro renders the next pages and the steps'
 * own thread packs the offline bundle. Pagefind itself indexes in its own process.
 *
 * Messages in: `{ order }` (Astro's paths as keys, page-handoff.ts, in its order), `{ page, html }` for each page and `{ skip }` for each path that gave
 * none, then `{ finish: siteDir, changes }`; out: `{ taken: path }` once a page is read
 * (the steps send only a few pages ahead, so pages never pile up here), then `{ report }` once the index is written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SearchIndexBuilder, type SearchChanges } from './search-index.ts';
import { SEARCH_MEMO_ENV } from './search-memo.ts';

type Message = { page: string; html: string } | { order: string[] } | { skip: string } | { finish: string; changes: SearchChanges };

const { contentDir, stopWords, file } = workerData as { contentDir: string; stopWords: string[]; file: string };
// The file is named by the steps, which remove it when they stop this thread (a terminated thread runs no exit handler).
// In a watch, what the last build made of each page is kept (search-memo.ts).
const builder = new SearchIndexBuilder(contentDir, stopWords, file, process.env[SEARCH_MEMO_ENV] || undefined);
parentPort!.on('message', (message: Message) => {
  if ('page' in message) {
    builder.add(message.page, message.html);
    parentPort!.postMessage({ taken: message.page });
  } else if ('order' in message) builder.order(message.order);
  else if ('skip' in message) builder.skip(message.skip);
  else
    void builder.finish(message.finish, message.changes).then(
      (report) => parentPort!.postMessage({ report }),
      (error: unknown) => {
        // Raised on the thread, so the step sees it as the thread's error, with its message.
        setImmediate(() => {
          throw error;
        });
      },
    );
});
process.on('exit', () => builder.discard());
