// @ts-check
// Reference Starlight site for build-speed comparisons. Content comes from gen.mjs.
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';

export default defineConfig({
  integrations: [
    starlight({
      title: 'Ref',
      sidebar: [{ label: 'Docs', items: [{ autogenerate: { directory: 'docs' } }] }],
    }),
  ],
});
