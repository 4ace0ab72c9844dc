import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../common/package-root';
import { readScripts } from '../common/scripts';

/** Where the WordPress stack's container scripts live, relative to the package root. */
export const WORDPRESS_SCRIPTS_DIR = path.join('lib', 'wordpress', 'scripts');

/** Where the scripts ConfigMap is mounted in the containers that run them. */
export const WORDPRESS_SCRIPTS_MOUNT = '/scripts';

let phpFiles: Readonly<Record<string, string>> | undefined;

/**
 * The stack's scripts (`lib/wordpress/scripts/*.sh`) and the PHP files that wp-cli runs with
 * `wp eval-file` (`*.php`), by file name.
 */
export function wordpressScripts(): Readonly<Record<string, string>> {
  if (!phpFiles) {
    const dir = path.join(packageRoot(), WORDPRESS_SCRIPTS_DIR);
    phpFiles = Object.fromEntries(fs.readdirSync(dir).filter(f => f.endsWith('.php')).sort()
      .map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  }
  return { ...readScripts(WORDPRESS_SCRIPTS_DIR), ...phpFiles };
}

/** The container command that runs one of the scripts with bash (present in both images). */
export function wordpressScriptCommand(script: string): string[] {
  return ['bash', `${WORDPRESS_SCRIPTS_MOUNT}/${script}`];
}
