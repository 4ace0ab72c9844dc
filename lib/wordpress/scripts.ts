import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../validation/package-root';

/** Where the WordPress stack's container scripts live, relative to the package root. */
export const WORDPRESS_SCRIPTS_DIR = path.join('lib', 'wordpress', 'scripts');

/** Where the scripts ConfigMap is mounted in the containers that run them. */
export const WORDPRESS_SCRIPTS_MOUNT = '/scripts';

let cached: Readonly<Record<string, string>> | undefined;

/** The stack's scripts (`lib/wordpress/scripts/*.sh`), by file name, read once per process. */
export function wordpressScripts(): Readonly<Record<string, string>> {
  if (!cached) {
    const dir = path.join(packageRoot(), WORDPRESS_SCRIPTS_DIR);
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.sh')).sort();
    cached = Object.fromEntries(files.map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  }
  return cached;
}

/** The container command that runs one of the scripts with bash (present in both images). */
export function wordpressScriptCommand(script: string): string[] {
  return ['bash', `${WORDPRESS_SCRIPTS_MOUNT}/${script}`];
}
