/** The site's name as build scripts print it (PDF author, running headers); kept equal to SITE.name in src/site.ts by a test. */
export const SITE_NAME = 'Herceptin Resistance Support Center';
