import * as path from 'path';
import { readScripts } from '../common/scripts';

/** Where the container scripts live, relative to the package root. */
export const SCRIPTS_DIR = path.join('lib', 'mysql', 'scripts');

/** Where the scripts ConfigMap is mounted in every container. */
export const SCRIPTS_MOUNT = '/scripts';

/** The replication scripts (`lib/mysql/scripts/*.sh`), by file name. */
export function replicationScripts(): Readonly<Record<string, string>> {
  return readScripts(SCRIPTS_DIR);
}

/** The container command that runs one of the scripts. */
export function scriptCommand(script: string, ...args: string[]): string[] {
  return ['bash', `${SCRIPTS_MOUNT}/${script}`, ...args];
}
