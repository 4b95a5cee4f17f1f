/** The site's name as build scripts print it (PDF author, running headers); kept equal to SITE.name in src/site.ts by a test. */
export const SITE_NAME = 'Herceptin Resistance Support Center';

/** The public address of the site (canonical links, PDF footers, the offline copy's "updates" link). */
export const SITE_URL: string = process.env.SITE_URL ?? 'https://herceptin-resistance.example.org';
