import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../validation/package-root';

/** Where the container scripts live, relative to the package root. */
export const SCRIPTS_DIR = path.join('lib', 'mysql', 'scripts');

/** Where the scripts ConfigMap is mounted in every container. */
export const SCRIPTS_MOUNT = '/scripts';

let cached: Readonly<Record<string, string>> | undefined;

/** The replication scripts (`lib/mysql/scripts/*.sh`), by file name, read once per process. */
export function replicationScripts(): Readonly<Record<string, string>> {
  if (!cached) {
    const dir = path.join(packageRoot(), SCRIPTS_DIR);
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.sh')).sort();
    cached = Object.fromEntries(files.map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  }
  return cached;
}

/** The container command that runs one of the scripts. */
export function scriptCommand(script: string, ...args: string[]): string[] {
  return ['bash', `${SCRIPTS_MOUNT}/${script}`, ...args];
}
