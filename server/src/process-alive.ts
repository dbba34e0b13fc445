import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** This process as shared tables record it: its host, its pid, and an id of this very start. */
export const THIS_PROCESS = Object.freeze({ host: hostname(), pid: process.pid, id: randomUUID() });

/** Whether a process exists (EPERM means it does, owned by another user such as `postgres`). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
