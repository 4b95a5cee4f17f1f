import { routes } from './lib/routes.ts';

/** Site-wide constants; the layout reads them and passes typed props down. */
export const SITE = {
  /** Name shown in the header and page titles. */
  name: 'Herceptin Resistance Support Center',
  /** Short name for narrow headers. */
  shortName: 'Herceptin Resistance',
  /** One line on what the site is. */
  description:
    'Technical support for research on acquired resistance to Herceptin (trastuzumab) in HER2-positive cancer: FAQ, troubleshooting, data, protocols and references.',
  /** Header navigation, in order. */
  nav: [
    { label: 'FAQ', href: routes.faqIndex() },
    { label: 'Troubleshooting', href: routes.guides() },
    { label: 'Data', href: routes.data() },
    { label: 'Protocols', href: routes.protocols() },
    { label: 'References', href: routes.references() },
  ],
} as const;
