/**
 * Astro middleware of the outputs integration: during a build, each rendered page goes through the page handoff
 * (src/build/page-handoff.ts), which finishes it and hands it to the output steps; Astro writes what comes back. Outside a build
 * (the dev server) there is no handoff, and pages pass as they are.
 */
import type { MiddlewareHandler } from 'astro';
import { PAGE_HANDOFF, type PageHandoff } from '../build/page-handoff.ts';

export const onRequest: MiddlewareHandler = async (context, next) => {
  const response = await next();
  const handoff = (globalThis as Record<symbol, PageHandoff | undefined>)[PAGE_HANDOFF];
  if (!handoff || !context.isPrerendered) return response;
  if (!response.headers.get('content-type')?.startsWith('text/html')) {
    handoff.skip(context.url.pathname);
    return response;
  }
  const page = await handoff(context.url.pathname, await response.text());
  return new Response(page, { status: response.status, statusText: response.statusText, headers: response.headers });
};
