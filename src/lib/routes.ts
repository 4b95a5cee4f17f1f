/**
 * Every internal URL the site links to, in one place, so that pages, the
 * references index and the tests agree. Paths end in a slash, as the
 * directory build format writes them.
 */
export const routes = {
  home: () => '/',
  faqIndex: () => '/faq/',
  faq: (slug: string) => `/faq/${slug}/`,
  guides: () => '/troubleshooting/',
  guide: (slug: string) => `/troubleshooting/${slug}/`,
  data: () => '/data/',
  dataCsv: (slug: string) => `/data/${slug}.csv`,
  protocols: () => '/protocols/',
  protocol: (slug: string) => `/protocols/${slug}/`,
  protocolPdf: (slug: string) => `/pdf/${slug}.pdf`,
  allProtocolsPdf: () => '/pdf/protocols.pdf',
  references: () => '/references/',
  ic50Calculator: () => '/tools/ic50/',
  /** "Check a printout": is a printed protocol current? With `?f=<fingerprint>`, the answer for that printout. */
  checkPrintout: () => '/check/',
  /** Citation download: name is "document", "references" or a reference id; format bib, ris or json. */
  cite: (name: string, format: 'bib' | 'ris' | 'json') => `/cite/${name}.${format}`,
  /** The offline zip, named after the center (see `bundleName` in site-config.ts). */
  offlineBundle: (bundleName: string) => `/downloads/${bundleName}.zip`,
} as const;
