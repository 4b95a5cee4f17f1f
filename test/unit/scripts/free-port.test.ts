import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/free-port';

/** Serves one line on a port and reads it back with `fetch`, as the dev-server tests and the bench do. */
async function roundTrip(port: number): Promise<string> {
  const server = createServer((_, res) => res.end('served'));
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  try {
    return await (await fetch(`http://127.0.0.1:${port}/`)).text();
  } finally {
    await new Promise((done) => server.close(done));
  }
}

describe('freePort', () => {
  it('gives ports that fetch reaches, unlike a low port fetch refuses', async () => {
    // The failure it avoids: 6000 is on the Fetch standard's list of ports fetch will not connect to.
    await expect(roundTrip(6000)).rejects.toThrow(/fetch failed/);
    for (let i = 0; i < 20; i += 1) expect(await roundTrip(await freePort())).toBe('served');
  });
});
