import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from './package-root';

const cache = new Map<string, Readonly<Record<string, string>>>();

/**
 * The container scripts (`*.sh`, `*.pl`, `*.php`) in a folder of this package, by file name, read once per process.
 * They are real files (linted and tested) that constructs put into ConfigMaps at synth time.
 */
export function readScripts(dirFromPackageRoot: string): Readonly<Record<string, string>> {
  let scripts = cache.get(dirFromPackageRoot);
  if (!scripts) {
    const dir = path.join(packageRoot(), dirFromPackageRoot);
    const files = fs.readdirSync(dir).filter(f => /\.(sh|pl|php)$/.test(f)).sort();
    scripts = Object.fromEntries(files.map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    cache.set(dirFromPackageRoot, scripts);
  }
  return scripts;
}
