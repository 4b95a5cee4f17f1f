/**
 * The variable a process started with scripts/lib/end-with-parent.ts is told its parent's id in: a parent that is gone before
 * the child has loaded that module is then noticed as gone too (the child's own `ppid` is by then its adopter's). Set by
 * whoever starts such a process, to its own id; kept apart from end-with-parent.ts, which starts watching when imported.
 */
export const PARENT_PID_ENV = 'SITE_PARENT_PID';
