/**
 * What a printed protocol carries so it can be checked later: its fingerprint, and a QR code of the same. The QR code holds the
 * address of the center's "Check a printout" page with the fingerprint filled in when the center has a public address
 * (site.yaml `url`), else the fingerprint alone, which a reader types into the page of whatever copy they have.
 */
import QRCode from 'qrcode';
import { routes } from './routes.ts';

/** What the QR code of a printout holds. */
export function printoutPayload(fingerprint: string, publicUrl: string | undefined): string {
  return publicUrl ? `${new URL(routes.checkPrintout(), publicUrl).href}?f=${fingerprint}` : fingerprint;
}

/**
 * A QR code as a small SVG (one path, dark modules on white, a quiet zone of two modules), with real SVG attribute names so it
 * can be written into HTML as it is.
 */
export function qrSvg(payload: string, label: string, sizeMm = 18): string {
  const { path, side } = qrPath(payload);
  const escaped = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${sizeMm}mm" height="${sizeMm}mm" role="img" aria-label="${escaped}" shape-rendering="crispEdges"><rect width="${side}" height="${side}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}

/**
 * The last few codes drawn, by payload: a protocol page draws its code twice (on the page and in its printed footer), and
 * choosing the mask is most of the work (about half a millisecond a code).
 */
const drawn = new Map<string, { path: string; side: number }>();

/** The dark modules of a payload's QR code as one SVG path, with the side of the code and its quiet zone of two modules. */
function qrPath(payload: string): { path: string; side: number } {
  const known = drawn.get(payload);
  if (known) return known;
  // Medium error correction, the mask chosen for readability by the library.
  const modules = QRCode.create(payload, { errorCorrectionLevel: 'M' }).modules;
  const n = modules.size;
  const dark = (y: number, x: number) => Boolean(modules.get(y, x));
  const quiet = 2;
  let path = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n;) {
      if (!dark(y, x)) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < n && dark(y, x + run)) run++;
      path += `M${x + quiet},${y + quiet}h${run}v1h-${run}z`;
      x += run;
    }
  }
  const code = { path, side: n + 2 * quiet };
  if (drawn.size >= 16) drawn.delete(drawn.keys().next().value!);
  drawn.set(payload, code);
  return code;
}
