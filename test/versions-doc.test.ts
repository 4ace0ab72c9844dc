import * as fs from 'fs';
import * as path from 'path';
import {
  DEFAULT_HARBOR_VERSION, DEFAULT_S3_CLIENT_IMAGE, MariaDBVersion, MYSQLD_EXPORTER_IMAGE, MySQLVersion, SECRET_GENERATOR_IMAGE,
  WORDPRESS_CLI_IMAGE, WORDPRESS_IMAGE,
} from '../lib';
import { buildApp } from '../main';
import { App } from 'cdk8s';

const root = path.resolve(__dirname, '..');
const versions = fs.readFileSync(path.join(root, 'docs', 'versions.md'), 'utf8');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** What each constant named in the first column of docs/versions.md's table pins, as the code says. */
const PINS: Record<string, readonly string[]> = {
  WORDPRESS_IMAGE: [WORDPRESS_IMAGE],
  WORDPRESS_CLI_IMAGE: [WORDPRESS_CLI_IMAGE],
  DEFAULT_HARBOR_VERSION: [DEFAULT_HARBOR_VERSION],
  SECRET_GENERATOR_IMAGE: [SECRET_GENERATOR_IMAGE],
  MYSQLD_EXPORTER_IMAGE: [MYSQLD_EXPORTER_IMAGE],
  DEFAULT_S3_CLIENT_IMAGE: [DEFAULT_S3_CLIENT_IMAGE],
  ...Object.fromEntries(Object.entries({ V8_0: MySQLVersion.V8_0, V8_4: MySQLVersion.V8_4, V9_7: MySQLVersion.V9_7 })
    .map(([k, v]) => [`MySQLVersion.${k}`, [v.image, v.backupImage]])),
  ...Object.fromEntries(Object.entries({ V10_11: MariaDBVersion.V10_11, V11_4: MariaDBVersion.V11_4, V11_8: MariaDBVersion.V11_8 })
    .map(([k, v]) => [`MariaDBVersion.${k}`, [v.image]])),
};

/** The rows of the table: the first constant named in the first column, and the backticked values of the second. */
function rows(): Array<{ constant: string; pinned: string[] }> {
  return versions.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| ---')).flatMap(line => {
    const [first, second] = line.split(' | ');
    const constant = /`([A-Za-z_0-9.]+)`/.exec(first)?.[1];
    return constant && constant in PINS ? [{ constant, pinned: [...second.matchAll(/`([^`]+)`/g)].map(m => m[1]) }] : [];
  });
}

describe('docs/versions.md', () => {
  test('lists every pin with the value the code has', () => {
    const table = rows();
    expect(table.map(r => r.constant).sort()).toEqual(Object.keys(PINS).sort());
    for (const { constant, pinned } of table) expect([constant, pinned]).toEqual([constant, PINS[constant]]);
  });

  test("README's pins and the default app's engine agree with it", () => {
    const app = buildApp(new App());
    const images = app.charts.flatMap(c => c.toJson()).flatMap(o => o.spec?.template?.spec?.containers ?? []).map((c: any) => c.image);
    expect(images).toContain(MariaDBVersion.V11_8.image);
    expect(versions).toContain('(`MariaDBVersion.V11_8`, the default app\'s database)');
    expect(readme).toContain(`MariaDB \`${MariaDBVersion.V11_8.image.split(':')[1]}\` LTS in the default app`);
    expect(readme).toContain(`MySQL \`${MySQLVersion.V9_7.image.split(':')[1]}\` LTS with Percona XtraBackup\n\`${MySQLVersion.V9_7.backupImage.split(':')[1]}\``);
    expect(readme).toContain(`Harbor \`${DEFAULT_HARBOR_VERSION}\``);
    expect(readme).toContain(`WordPress \`${WORDPRESS_IMAGE.split(':')[1].split('-')[0]}\``);
  });
});
