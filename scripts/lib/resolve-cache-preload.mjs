/**
 * Loaded by Node (`--import`, from NODE_OPTIONS) into every process and worker thread the build's scripts start: registers the
 * resolve cache of scripts/lib/resolve-cache.ts there. Plain JavaScript that checks first: a Node that cannot register resolve
 * hooks or import TypeScript (the system's Node 20, should it ever inherit NODE_OPTIONS) starts as it always does.
 */
import module from 'node:module';

if (typeof module.registerHooks === 'function' && process.features.typescript) {
  const { registerFromPreload } = await import('./resolve-cache.ts');
  registerFromPreload();
}
