import * as path from 'path';
import { readScripts } from '../common/scripts';

/** Where the WordPress stack's container scripts live, relative to the package root. */
export const WORDPRESS_SCRIPTS_DIR = path.join('lib', 'wordpress', 'scripts');

/** Where the scripts ConfigMap is mounted in the containers that run them. */
export const WORDPRESS_SCRIPTS_MOUNT = '/scripts';

/** The stack's scripts (`lib/wordpress/scripts/*.sh`), by file name. */
export function wordpressScripts(): Readonly<Record<string, string>> {
  return readScripts(WORDPRESS_SCRIPTS_DIR);
}

/** The container command that runs one of the scripts with bash (present in both images). */
export function wordpressScriptCommand(script: string): string[] {
  return ['bash', `${WORDPRESS_SCRIPTS_MOUNT}/${script}`];
}
