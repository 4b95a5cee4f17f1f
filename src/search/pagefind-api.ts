/** The parts of Pagefind's browser API (pagefind.js, 1.x) the search box uses. */
export interface PagefindApi {
  options(options: { excerptLength?: number; basePath?: string; baseUrl?: string; noWorker?: boolean }): Promise<void>;
  init(): Promise<void>;
  search(term: string | null, options?: { filters?: Record<string, { any: string[] }> }): Promise<{ results: PagefindResult[] } | null>;
  filters(): Promise<Record<string, Record<string, number>>>;
}

export interface PagefindResult {
  id: string;
  score: number;
  data(): Promise<PagefindData>;
}

export interface PagefindAnchor {
  element: string;
  id: string;
  text: string;
  location: number;
}

export interface PagefindData {
  url: string;
  excerpt: string;
  content: string;
  meta: Record<string, string>;
  filters: Record<string, string[]>;
  locations: number[];
  anchors: PagefindAnchor[];
  sub_results: { title: string; url: string; excerpt: string; locations: number[]; anchor?: PagefindAnchor }[];
}
