/**
 * Where the content lives. The benchmark and the failure-mode tests point the
 * build at a copy through `SITE_CONTENT_DIR`; everything else uses `content/`.
 */
export const contentDir: string = process.env.SITE_CONTENT_DIR ?? './content';
