/**
 * The center being built, for the pages: its validated site.yaml and the
 * interface's words in its language. Read once per build.
 */
import { translator } from '../i18n/ui.ts';
import { loadSiteConfig } from './site-config.ts';

export const center = loadSiteConfig();
export const t = translator(center.ui);

/** Reader-facing label of each FAQ topic id, in the order site.yaml gives them. */
export const topicLabels: ReadonlyMap<string, string> = new Map(center.topics.map((topic) => [topic.id, topic.label]));
