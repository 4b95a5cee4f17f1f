/** Runs one build step, logs how long it took, and lets its error through. */
export async function timed<T>(name: string, step: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const result = await step();
  console.log(`[build] ${name}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return result;
}
