import * as path from 'path';
import * as ts from 'typescript';
import { outerProp, propPathMap } from '../lib/common/prop-paths';
import type { PropPathMap } from '../lib/common/prop-paths';
import type { DeploymentAppProps } from '../lib/deployment-app/deployment-app';
import { componentPropMap } from '../lib/harbor/harbor';
import { SITE_PROP_PATHS } from '../lib/wordpress/components/site';
import type { WordPressProps } from '../lib/wordpress/props';

// The compiler refuses a map whose inner or outer side names no prop (`npx tsc -p .` checks these lines).
// @ts-expect-error: DeploymentAppProps has no `volumeClaim`
propPathMap<DeploymentAppProps, WordPressProps>([['volumeClaim[0]', 'storage']]);
// @ts-expect-error: WordPressProps has no `storag`
propPathMap<DeploymentAppProps, WordPressProps>([['volumeClaims[0]', 'storag']]);
// @ts-expect-error: a container has no `resource`
propPathMap<DeploymentAppProps, WordPressProps>([['container.resource', 'resources']]);

/** The props interfaces of the library, read by the compiler as a user's build reads them. */
const program = ts.createProgram([path.join(__dirname, '..', 'lib', 'index.ts')], { strict: true, skipLibCheck: true, noEmit: true });
const checker = program.getTypeChecker();

function propsType(file: string, name: string): ts.Type {
  const source = program.getSourceFile(path.join(__dirname, '..', 'lib', file))!;
  const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!decl) throw new Error(`no interface ${name} in lib/${file}`);
  return checker.getTypeAtLocation(decl);
}

/** Whether `prop` (`a.b`, `a[0].b`) names a prop of `type`: every step a property of an object type of the union. */
function resolves(type: ts.Type, prop: string): boolean {
  let types = [type];
  for (const step of prop.split('.')) {
    const [, name, index] = /^([^[]+)(\[\d+\])?$/.exec(step) ?? [];
    if (!name) return false;
    const next = types.flatMap(t => (t.isUnion() ? t.types : [t]))
      .map(t => t.getProperty(name)).filter((s): s is ts.Symbol => s !== undefined)
      .map(s => checker.getNonNullableType(checker.getTypeOfSymbol(s)));
    types = index ? next.map(t => checker.getIndexTypeOfType(t, ts.IndexKind.Number)).filter((t): t is ts.Type => t !== undefined) : next;
    if (!types.length) return false;
  }
  return true;
}

function unresolved(map: PropPathMap, inner: ts.Type[], outer: ts.Type): string[] {
  return map.flatMap(([i, o]) => [
    ...(inner.some(t => resolves(t, i)) ? [] : [`inner ${i}`]),
    ...(resolves(outer, o) ? [] : [`outer ${o}`]),
  ]);
}

describe('prop-path maps point at props that exist', () => {
  const deploymentApp = propsType('deployment-app/deployment-app.ts', 'DeploymentAppProps');
  const statefulApp = propsType('stateful-app/props.ts', 'StatefulAppProps');

  test("WordPress's site: every DeploymentApp prop it maps, and every WordPress prop it names", () => {
    expect(SITE_PROP_PATHS.length).toBeGreaterThan(0);
    expect(unresolved(SITE_PROP_PATHS, [deploymentApp], propsType('wordpress/props.ts', 'WordPressProps'))).toEqual([]);
  });

  test.each([
    ['core', false], ['portal', false], ['jobservice', true], ['registry', true], ['trivy', true], ['nginx', false], ['metrics.exporter', false],
  ] as const)("Harbor's %s (claim: %p): every workload prop it maps, and every Harbor prop it names", (prefix, claim) => {
    expect(unresolved(componentPropMap(prefix, claim), [statefulApp, deploymentApp], propsType('harbor/props.ts', 'HarborProps'))).toEqual([]);
  });

  test('the check finds a path that points nowhere', () => {
    const wordpress = propsType('wordpress/props.ts', 'WordPressProps');
    expect(unresolved([['volumeClaims[0]', 'storage'], ['container.resource', 'resources'], ['volumeClaims[0].size', 'storage.sise']], [deploymentApp], wordpress))
      .toEqual(['inner container.resource', 'outer storage.sise']);
  });

  test('an inner prop becomes the outer one, the longest prefix first', () => {
    expect(outerProp('volumeClaims[0].size', SITE_PROP_PATHS)).toBe('storage.size');
    expect(outerProp('service.type', SITE_PROP_PATHS)).toBe('serviceType');
    expect(outerProp('container.resources.limits.memory', SITE_PROP_PATHS)).toBe('resources.limits.memory');
    expect(outerProp('replicas', SITE_PROP_PATHS)).toBe('replicas');
  });
});
