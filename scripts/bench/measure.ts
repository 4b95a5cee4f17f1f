import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A measured run: wall time in seconds, the peak memory of its largest process in MiB (when /usr/bin/time is there), its output. */
export interface Measured {
  wall: number;
  peak: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` on this process's Node, timed and, through /usr/bin/time, with its peak memory; throws, naming `what`, if it fails. */
export function measureNode(what: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Measured {
  const [command, commandArgs] = existsSync('/usr/bin/time')
    ? ['/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, ...args]]
    : [process.execPath, args];
  const t0 = performance.now();
  const result = spawnSync(command, commandArgs, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = (performance.now() - t0) / 1000;
  const [stdout, stderr] = [result.stdout ?? '', result.stderr ?? ''];
  if (result.status !== 0) throw new Error(`${what} failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000) || String(result.error)}`);
  const peak = /PEAK_KB=(\d+)/.exec(stderr)?.[1];
  return { wall, peak: peak ? Number(peak) / 1024 : null, stdout, stderr };
}
