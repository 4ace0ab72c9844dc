import { App } from 'cdk8s';
import {
  BackupTarget, CredentialSource, DEFAULT_HARBOR_IMAGE_REPOSITORY, DEFAULT_HARBOR_VERSION, DEFAULT_S3_CLIENT_IMAGE, HarborExposure, HarborStack,
  IMAGE_REGISTRY_CONTEXT, InvalidPropError, MariaDBVersion, MySQLEngine, MySQLReplication, MySQLVersion, MYSQLD_EXPORTER_IMAGE, Release,
  SECRET_GENERATOR_IMAGE, SecretKeyRef, WORDPRESS_CLI_IMAGE, WORDPRESS_IMAGE, WordPressStack,
} from '../lib';
import { appObjects, Manifest } from './support/manifests';

const MIRROR = 'registry.internal:5000/mirror';

function appWith(context: Record<string, unknown>): App {
  const app = new App();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  return app;
}

/** Every construct of the library with every image it pins by default: MySQL (exporter, backups to S3 and a claim, drill), WordPress with its own database, Harbor, the generators. */
function build(context: Record<string, unknown> = {}): App {
  const app = appWith(context);
  const db = new Release(app, 'db', { namespace: 'db', createNamespace: true });
  new MySQLReplication(db, 'mysql', {
    engine: MySQLEngine.mysql(MySQLVersion.V8_4),
    exporter: {},
    database: { name: 'shop', user: 'shop' },
    backup: {
      schedule: '0 3 * * *',
      target: BackupTarget.s3({
        endpoint: 'https://s3.example.com', bucket: 'backups',
        accessKeyId: SecretKeyRef.of('s3', 'id'), secretAccessKey: SecretKeyRef.of('s3', 'secret'),
      }),
    },
    drill: { schedule: '0 5 * * 0' },
  });
  new WordPressStack(app, 'wordpress', {
    ingress: { className: 'nginx', host: 'blog.example.org' },
    credentials: CredentialSource.generated(),
  });
  new HarborStack(app, 'harbor', { exposure: HarborExposure.clusterIP({ host: 'harbor.example.org' }) });
  return app;
}

/** A Job name without the hash of what it runs (its images included). */
const unhashed = (text: string) => text.replace(/(secret-generator|install)-[0-9a-f]{8}\b/g, '$1-<hash>');

/** Every image field of the objects, by object and JSON path. */
function images(objects: readonly Manifest[]): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (value: unknown, where: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}/${i}`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'image' && typeof v === 'string') found.set(`${where}/${k}`, v);
        else walk(v, `${where}/${k}`);
      }
    }
  };
  objects.forEach(o => walk(o, `${o.kind} ${o.metadata.namespace ?? ''}/${unhashed(o.metadata.name)}`));
  return found;
}

describe(`the ${IMAGE_REGISTRY_CONTEXT} context`, () => {
  const plain = appObjects(build());
  const mirrored = appObjects(build({ [IMAGE_REGISTRY_CONTEXT]: MIRROR }));

  test('every default image the library pins is among the images of the plain output', () => {
    const used = new Set(images(plain).values());
    for (const image of [WORDPRESS_IMAGE, WORDPRESS_CLI_IMAGE, SECRET_GENERATOR_IMAGE, MYSQLD_EXPORTER_IMAGE, DEFAULT_S3_CLIENT_IMAGE,
      MySQLVersion.V8_4.image, MySQLVersion.V8_4.backupImage, `${DEFAULT_HARBOR_IMAGE_REPOSITORY}/harbor-core:${DEFAULT_HARBOR_VERSION}`]) {
      expect(used).toContain(image);
    }
  });

  test('changes every image to the same repository and tag in the mirror, and nothing else', () => {
    const before = images(plain);
    const after = images(mirrored);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [where, image] of before) expect([where, after.get(where)]).toEqual([where, `${MIRROR}/${image}`]);
    // Apart from the images, the output is the same, but for the Job names that hash what the Job runs.
    const withoutImages = (objects: readonly Manifest[]) => unhashed(JSON.stringify(objects, (k, v) => k === 'image' ? '<image>' : v));
    expect(withoutImages(mirrored)).toBe(withoutImages(plain));
  });

  test("an image given in a prop is used as given; a MariaDB pin is mirrored, another engine's image is not", () => {
    const app = appWith({ [IMAGE_REGISTRY_CONTEXT]: MIRROR });
    const chart = new Release(app, 'db', { namespace: 'db' });
    const pinned = new MySQLReplication(chart, 'a', { engine: MySQLEngine.mariadb(MariaDBVersion.V11_8), exporter: { image: 'quay.io/prometheus/mysqld-exporter:v0.17.2' } });
    const own = new MySQLReplication(chart, 'b', { engine: MySQLEngine.mariadb(MariaDBVersion.of('11.8', { image: 'registry.example.com/mariadb:11.8.9' })) });
    expect(pinned.engine.image).toBe(`${MIRROR}/mariadb:11.8.8`);
    expect(own.engine.image).toBe('registry.example.com/mariadb:11.8.9');
    const all = [...images(chart.toJson()).values()];
    expect(all).toContain('quay.io/prometheus/mysqld-exporter:v0.17.2');
  });

  test('a bad registry is refused naming the context key', () => {
    const app = appWith({ [IMAGE_REGISTRY_CONTEXT]: 'https://registry.internal/' });
    const chart = new Release(app, 'db', { namespace: 'db' });
    expect(() => new MySQLReplication(chart, 'mysql', {})).toThrow(InvalidPropError);
    expect(() => new MySQLReplication(chart, 'other', {})).toThrow(`context ${IMAGE_REGISTRY_CONTEXT} "https://registry.internal/" is invalid`);
  });
});
