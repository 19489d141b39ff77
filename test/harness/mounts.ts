import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Mount points at or under dir, deepest first (so nested mounts come off before their parents). */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

/**
 * Lazily unmounts everything at or under dir. Call before removing a tree that a tool may have left
 * mounts in (a failed debootstrap's /proc, a buildah container's overlay): a recursive delete would
 * otherwise walk into the mounted file system.
 */
export function unmountUnder(dir: string): void {
  for (const point of mountsUnder(dir)) {
    try {
      execFileSync('umount', ['-l', point], { stdio: 'ignore' });
    } catch {
      // gone meanwhile
    }
  }
}
