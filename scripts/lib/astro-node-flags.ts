/**
 * Node flags for the process that runs `astro build` (the build's, and the bench's Starlight reference, so both are measured alike).
 *
 * V8's newer heap-limit algorithm collects Astro's garbage sooner instead of letting the heap grow while memory is plentiful: at 1000
 * protocols Astro peaked at 1.06–1.11 GB instead of 1.40–1.52 GB, in the same time (three runs each, interleaved). Node 24 has it.
 */
export const ASTRO_NODE_FLAGS: readonly string[] = Number(process.versions.node.split('.')[0]) >= 24 ? ['--memory-balancer'] : [];
