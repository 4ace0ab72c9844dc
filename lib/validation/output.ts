import { apiGroup, asRecord, labelSelectorMatches, namespaceOf, podTemplate } from './objects';
import type { LabelSelector, PodTemplate } from './objects';
import type { KubernetesVersion } from './versions';

/** The label the StatefulSet controller gives each of its pods: the pod's name. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** One object of an output with what the rules ask of it, worked out once per run. */
export interface OutputObject {
  /** The object. */
  readonly obj: any;
  /** Its API group ({@link apiGroup}). */
  readonly group: string;
  /** Its namespace ({@link namespaceOf}): `default` when unset, `''` if cluster-scoped. */
  readonly namespace: string;
  /** Its pod template ({@link podTemplate}), if it runs pods. */
  readonly template: PodTemplate | undefined;
  /** The first object of the output with the same API group, kind, namespace and name (this one, unless it is a duplicate). */
  readonly first: any;
}

/**
 * All objects of one output (every chart of an app, or every manifest of a `dist/`), indexed for
 * the rules that relate objects to each other. Lookups by name are O(1) and selector lookups only
 * look at the pod templates that carry one of the selector's labels.
 *
 * The indexes are nested maps (API group → kind → namespace → name; namespace → label key → label
 * value), so that indexing and looking up build no key strings.
 */
export class Output {
  /** Every object with its group, namespace and pod template, in object order. */
  public readonly entries: readonly OutputObject[];
  /** Every pod template in the output, in object order. */
  public readonly templates: readonly PodTemplate[];
  /** The first object of each API group, kind, namespace and name. */
  private readonly byIdentity: Nested<Nested<Nested<Map<string, any>>>> = new Map();
  /** Every object with the identity of a first object, when there is more than one (duplicates are rare: no list for the others). */
  private readonly duplicates = new Map<any, any[]>();
  private namespacesByName: Nested<Nested<Map<string, Set<string>>>> | undefined;
  private readonly templatesByNamespace = new Map<string, PodTemplate[]>();
  private readonly templatesByLabel: Nested<Map<string, Map<unknown, PodTemplate[]>>> = new Map();
  /** The pod template and replica count of each StatefulSet, by namespace and name (pods selected by {@link POD_NAME_LABEL}). */
  private readonly statefulSets: Nested<Map<string, { readonly template: PodTemplate; readonly replicas: number }>> = new Map();

  /** Indexes `objects` (each a non-null object), validated against Kubernetes `version`. */
  constructor(public readonly objects: readonly any[], public readonly version: KubernetesVersion) {
    const entries: OutputObject[] = [];
    const templates: PodTemplate[] = [];
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i];
      const group = apiGroup(obj);
      const namespace = namespaceOf(obj);
      const byName = inner(inner(inner(this.byIdentity, group), String(obj.kind)), String(namespace));
      const name = String(obj.metadata?.name);
      let first = byName.get(name);
      if (first === undefined) {
        first = obj;
        byName.set(name, obj);
      } else {
        const same = this.duplicates.get(first);
        if (same) {
          same.push(obj);
        } else {
          this.duplicates.set(first, [first, obj]);
        }
      }
      const template = podTemplate(obj);
      entries.push({ obj, group, namespace, template, first });
      if (template) {
        templates.push(template);
        push(this.templatesByNamespace, namespace, template);
        const byKey = inner(this.templatesByLabel, String(namespace));
        const labels = template.labels;
        for (const key in labels) {
          if (hasOwn.call(labels, key)) {
            push(inner(byKey, key), labels[key], template);
          }
        }
        if (obj.kind === 'StatefulSet' && group === 'apps') {
          const replicas = obj.spec?.replicas;
          inner(this.statefulSets, String(namespace)).set(name, { template, replicas: typeof replicas === 'number' ? replicas : 1 });
        }
      }
    }
    this.entries = entries;
    this.templates = templates;
  }

  /**
   * The pod of a StatefulSet named `podName` (`<name>-<ordinal>`, ordinal below `spec.replicas`), as its
   * controller labels it: the template with {@link POD_NAME_LABEL} added.
   */
  private podNamed(namespace: string, podName: unknown): PodTemplate[] {
    const m = /^(.+)-(0|[1-9]\d*)$/.exec(String(podName));
    const sts = m ? this.statefulSets.get(String(namespace))?.get(m[1]) : undefined;
    if (!m || !sts || Number(m[2]) >= sts.replicas) return [];
    const { template } = sts;
    return [Object.assign(Object.create(Object.getPrototypeOf(template)), template, { labels: { ...template.labels, [POD_NAME_LABEL]: podName } })];
  }

  /** Objects with this API group, kind, namespace (`''` if cluster-scoped) and name, in output order. */
  public find(group: string, kind: unknown, namespace: string, name: unknown): readonly any[] {
    const first = this.first(group, kind, namespace, name);
    return first === undefined ? [] : this.duplicates.get(first) ?? [first];
  }

  /** The first object with this API group, kind, namespace (`''` if cluster-scoped) and name, if any. */
  public first(group: string, kind: unknown, namespace: string, name: unknown): any {
    return this.byIdentity.get(group)?.get(String(kind))?.get(String(namespace))?.get(String(name));
  }

  /** Whether the output has an object with this API group, kind, namespace (`''` if cluster-scoped) and name. */
  public has(group: string, kind: unknown, namespace: string, name: unknown): boolean {
    return this.byIdentity.get(group)?.get(String(kind))?.get(String(namespace))?.has(String(name)) ?? false;
  }

  /** The namespaces in which the output has an object of this group, kind and name, in output order. */
  public namespacesOf(group: string, kind: unknown, name: unknown): readonly string[] {
    if (!this.namespacesByName) {
      // Only needed for references that do not resolve in their own namespace: built on first use.
      this.namespacesByName = new Map();
      for (const { obj, group: g, namespace } of this.entries) {
        const byName = inner(inner(this.namespacesByName, g), String(obj.kind));
        const key = String(obj.metadata?.name);
        let namespaces = byName.get(key);
        if (!namespaces) {
          namespaces = new Set();
          byName.set(key, namespaces);
        }
        namespaces.add(namespace);
      }
    }
    return [...this.namespacesByName.get(group)?.get(String(kind))?.get(String(name)) ?? []];
  }

  /** Pod templates in `namespace` whose labels a Service-style map selector selects. */
  public selectByMap(namespace: string, selector: Readonly<Record<string, unknown>>): PodTemplate[] {
    return this.selectByLabelSelector(namespace, { matchLabels: selector });
  }

  /** Pod templates in `namespace` whose labels a label selector selects (an empty selector selects all). */
  public selectByLabelSelector(namespace: string, selector: LabelSelector): PodTemplate[] {
    const candidates = this.candidates(namespace, selector);
    return candidates.filter(template => labelSelectorMatches(selector, template.labels));
  }

  /** Whether a label selector selects any pod template in `namespace`: {@link selectByLabelSelector} is not empty. */
  public selectsAny(namespace: string, selector: LabelSelector): boolean {
    const candidates = this.candidates(namespace, selector);
    for (let i = 0; i < candidates.length; i++) {
      if (labelSelectorMatches(selector, candidates[i].labels)) {
        return true;
      }
    }
    return false;
  }

  /** Namespaces other than `namespace` that have pod templates matching `selector`. */
  public otherNamespacesSelected(namespace: string, selector: LabelSelector): string[] {
    return [...this.templatesByNamespace.keys()]
      .filter(ns => ns !== namespace && this.selectByLabelSelector(ns, selector).length > 0);
  }

  /**
   * The templates a selector can select in `namespace`: those with the value of its first
   * `matchLabels` label (a superset of the ones it selects), else all of the namespace.
   */
  private candidates(namespace: string, selector: LabelSelector): readonly PodTemplate[] {
    const matchLabels = asRecord(selector.matchLabels);
    if (hasOwn.call(matchLabels, POD_NAME_LABEL)) return this.podNamed(namespace, matchLabels[POD_NAME_LABEL]);
    for (const first in matchLabels) {
      if (hasOwn.call(matchLabels, first)) {
        return this.templatesByLabel.get(String(namespace))?.get(first)?.get(matchLabels[first]) ?? [];
      }
    }
    return this.templatesByNamespace.get(namespace) ?? [];
  }
}

/** One level of a nested index: a map by string (a stringified group, kind, namespace, name or label key). */
type Nested<M> = Map<string, M>;

const hasOwn = Object.prototype.hasOwnProperty;

/** The map under `key` in `map`, created when missing. */
function inner<K, M extends Map<any, any>>(map: Map<K, M>, key: K): M {
  let found = map.get(key);
  if (!found) {
    found = new Map() as M;
    map.set(key, found);
  }
  return found;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
