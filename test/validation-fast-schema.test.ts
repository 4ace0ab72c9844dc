import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { definitionsId, loadDefinitions } from '../lib/validation/definitions';
import { FastSchemaCompiler } from '../lib/validation/fast-schema';
import { K8S_FORMATS } from '../lib/validation/formats';
import { KUBERNETES_VERSIONS } from '../lib/validation/versions';

/**
 * The validator answers "is this object valid?" with a compiled yes/no check and asks ajv for the
 * findings only when it says no. This proves the two agree: every object of dist/ and thousands of
 * deterministic mutations of them (unknown fields, wrong types, missing required fields, bad
 * quantities) get the same verdict from the fast check and from ajv.
 */
describe.each(KUBERNETES_VERSIONS)('the fast schema check agrees with ajv for Kubernetes %s', version => {
  const definitions = loadDefinitions(version);
  const fast = new FastSchemaCompiler(definitions.document.definitions, K8S_FORMATS);
  const ajv = new Ajv({ strict: false, formats: K8S_FORMATS, allErrors: false });
  ajv.addSchema(definitions.document);
  const dist = path.resolve(__dirname, '..', 'dist');
  const objects: any[] = fs.readdirSync(dist).filter(f => f.endsWith('.k8s.yaml')).sort()
    .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map(d => d.toJS()));

  let seed = 42;
  const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };

  function paths(value: any, prefix: (string | number)[] = []): (string | number)[][] {
    if (value === null || typeof value !== 'object') return [prefix];
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return [prefix, ...keys.flatMap(k => paths(value[k], [...prefix, k]))];
  }

  function mutate(obj: any): any {
    const copy = JSON.parse(JSON.stringify(obj));
    const all = paths(copy).filter(p => p.length > 0);
    const target = all[random(all.length)];
    const parent = target.slice(0, -1).reduce((o: any, k) => o[k], copy);
    const key = target[target.length - 1];
    switch (random(6)) {
      case 0: parent[key] = 'x'; break;
      case 1: parent[key] = 7; break;
      case 2: parent[key] = { unexpected: true }; break;
      case 3: if (Array.isArray(parent)) parent.splice(Number(key), 1); else delete parent[key]; break;
      case 4: if (!Array.isArray(parent)) parent[`${String(key)}s`] = parent[key]; break;
      default: parent[key] = ['10GB', '-1', '', null, true][random(5)];
    }
    return copy;
  }

  test('on every object of dist/ and 1500 mutations of them', () => {
    let disagreements: string[] = [];
    let invalid = 0;
    const cases = [...objects, ...Array.from({ length: 1500 }, () => mutate(objects[random(objects.length)]))];
    for (const obj of cases) {
      const name = definitions.byApiVersionKind.get(`${obj.apiVersion} ${obj.kind}`)!;
      const check = fast.compile(name);
      if (!check) continue;
      const byAjv = ajv.validate({ $ref: `${definitionsId(version)}#/definitions/${name}` }, obj) as boolean;
      if (!byAjv) invalid++;
      if (check(obj) !== byAjv) disagreements = [...disagreements, `${obj.kind}/${obj.metadata?.name}: ajv ${byAjv}`];
    }
    expect(disagreements).toEqual([]);
    expect(invalid).toBeGreaterThan(500); // the mutations really do break objects
  });
});
