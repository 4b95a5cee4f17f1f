/**
 * A port nothing listens on now, chosen by the system from its ephemeral range (32768–60999 on Linux). A port picked at random
 * from a low range can be one that browsers and Node's `fetch` refuse to connect to (6000, 6665–6669, 5060…: the Fetch
 * standard's "bad ports"), which fails as "bad port" before any request is made.
 */
import { createServer, type AddressInfo } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
