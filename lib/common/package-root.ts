import * as fs from 'fs';
import * as path from 'path';

/**
 * The directory of this package: the nearest directory at or above this module that holds a
 * `package.json`. Works both from the TypeScript sources (`lib/common/`) and from the compiled
 * output (`build/lib/common/`), so assets shipped next to the sources (`lib/**\/*.json`,
 * `lib/**\/*.sh`) can be found with `path.join(packageRoot(), 'lib', ...)`.
 *
 * @throws if no `package.json` exists in any parent directory.
 */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no package.json found in ${__dirname} or any directory above it`);
    }
    dir = parent;
  }
  return dir;
}
