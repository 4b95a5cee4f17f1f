import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new temporary file for the pages a search index is given (search-index.ts), named where the steps can remove it. */
export const searchIndexFile = (): string => join(tmpdir(), `support-center-search-${process.pid}-${randomUUID()}.html`);
