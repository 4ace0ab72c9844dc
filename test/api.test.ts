import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

/**
 * The public API is what api/cdk8s-stateful.api.md says, and nothing more: an export added, removed
 * or changed by accident fails here (after a deliberate change: `npm run api`, then commit the report).
 */
describe('the public API', () => {
  test('matches the committed API report', () => {
    // `npm test` compiled build/ already.
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', '@microsoft', 'api-extractor', 'bin', 'api-extractor'), 'run'], { cwd: root, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/You have changed the API signature|Error:/);
    expect(r.status).toBe(0);
  }, 60_000);

  test('internal members stay out of the type declarations', () => {
    const report = fs.readFileSync(path.join(root, 'api', 'cdk8s-stateful.api.md'), 'utf8');
    expect(report).not.toMatch(/\b_[a-z]\w*\(/);
    expect(report).not.toMatch(/@internal/);
  });
});
