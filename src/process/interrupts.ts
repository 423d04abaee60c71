// What a run leaves behind must go when it is interrupted (SIGINT, SIGTERM, SIGHUP) or exits early: first
// its child processes (a `docker buildx build` would otherwise keep building), then its temporary
// directories and worktrees, newest first. Synchronous, because a signal or exit handler cannot await.
import { readdirSync, readFileSync } from 'node:fs';

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How long the children get to stop on SIGTERM before they are killed. */
const STOP_GRACE_MS = 5_000;

const cleanups: (() => void)[] = [];

/**
 * Runs `cleanup` if the process is interrupted or exits before `unregister`. After an interrupt the signal is
 * raised again when no other handler remains, so the process still ends the way the signal asked.
 */
export function onInterruptOrExit(cleanup: () => void): { unregister: () => void } {
  if (cleanups.length === 0) install();
  cleanups.push(cleanup);
  return {
    unregister: () => {
      const at = cleanups.indexOf(cleanup);
      if (at >= 0) cleanups.splice(at, 1);
      if (cleanups.length === 0) uninstall();
    },
  };
}

function runAll(): void {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()!();
    } catch {
      // The process is going away; there is no one left to report to.
    }
  }
  uninstall();
}

function onSignal(signal: NodeJS.Signals): void {
  stopChildren();
  runAll();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onExit(): void {
  stopChildren();
  runAll();
}

function install(): void {
  for (const signal of INTERRUPTS) process.on(signal, onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  for (const signal of INTERRUPTS) process.removeListener(signal, onSignal);
  process.removeListener('exit', onExit);
}

/**
 * Stops every process below this one (docker, the buildx plugin it starts, git) and waits until they are
 * gone, killing what is left after the grace period. Read from /proc; where there is none (macOS), the
 * children are left to notice the closed pipes.
 */
export function stopChildren(): void {
  // Freeze the tree first, so that no child starts another one (docker starting its buildx plugin) that a
  // SIGTERM to its parent would leave orphaned and running.
  const frozen = new Set<number>();
  for (let fresh = descendants(process.pid); fresh.length > 0; ) {
    signalAll(fresh, 'SIGSTOP');
    for (const pid of fresh) frozen.add(pid);
    // A signal lands a moment after kill() returns: a child forked meanwhile is only seen once it has.
    waitWhile(() => fresh.some((pid) => procStat(pid)?.state === 'R' || procStat(pid)?.state === 'S'), 1_000);
    fresh = descendants(process.pid).filter((pid) => !frozen.has(pid));
  }
  let pids = [...frozen];
  if (pids.length === 0) return;
  signalAll(pids, 'SIGTERM');
  signalAll(pids, 'SIGCONT');
  waitWhile(() => {
    pids = pids.filter(alive);
    return pids.length > 0;
  }, STOP_GRACE_MS);
  signalAll(pids, 'SIGKILL');
}

/** Blocks (a handler cannot await) while busy() holds, at most ms. */
function waitWhile(busy: () => boolean, ms: number): void {
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (busy() && Date.now() < deadline) Atomics.wait(pause, 0, 0, 10);
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Running (a zombie has stopped; only its parent's wait remains). */
function alive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== null && stat.state !== 'Z';
}

function descendants(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (!stat || stat.state === 'Z') continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return state && ppid ? { state, ppid: Number(ppid) } : null;
  } catch {
    return null;
  }
}
