import { LabelSelector, PodTemplate, apiGroup, asRecord, labelSelectorMatches, namespaceOf, podTemplate } from './objects';

/**
 * All objects of one output (every chart of an app, or every manifest of a `dist/`), indexed for
 * the rules that relate objects to each other. Lookups by name are O(1) and selector lookups only
 * look at the pod templates that carry one of the selector's labels.
 */
export class Output {
  /** Every pod template in the output, in object order. */
  public readonly templates: readonly PodTemplate[];
  private readonly byIdentity = new Map<string, any[]>();
  private readonly namespacesByName = new Map<string, Set<string>>();
  private readonly templatesByNamespace = new Map<string, PodTemplate[]>();
  private readonly templatesByLabel = new Map<string, PodTemplate[]>();

  /** Indexes `objects` (each a non-null object). */
  constructor(public readonly objects: readonly any[]) {
    const templates: PodTemplate[] = [];
    for (const obj of objects) {
      const name = obj.metadata?.name;
      push(this.byIdentity, identity(apiGroup(obj), obj.kind, namespaceOf(obj), name), obj);
      const byName = `${apiGroup(obj)}|${obj.kind}|${name}`;
      this.namespacesByName.set(byName, (this.namespacesByName.get(byName) ?? new Set()).add(namespaceOf(obj)));
      const template = podTemplate(obj);
      if (template) {
        templates.push(template);
        const namespace = namespaceOf(obj);
        push(this.templatesByNamespace, namespace, template);
        for (const [key, value] of Object.entries(template.labels)) {
          push(this.templatesByLabel, labelKey(namespace, key, value), template);
        }
      }
    }
    this.templates = templates;
  }

  /** Objects with this API group, kind, namespace (`''` if cluster-scoped) and name, in output order. */
  public find(group: string, kind: string, namespace: string, name: unknown): readonly any[] {
    return this.byIdentity.get(identity(group, kind, namespace, name)) ?? [];
  }

  /** The namespaces in which the output has an object of this group, kind and name. */
  public namespacesOf(group: string, kind: string, name: unknown): readonly string[] {
    return [...this.namespacesByName.get(`${group}|${kind}|${name}`) ?? []];
  }

  /** Pod templates in `namespace` whose labels a Service-style map selector selects. */
  public selectByMap(namespace: string, selector: Readonly<Record<string, unknown>>): PodTemplate[] {
    return this.selectByLabelSelector(namespace, { matchLabels: selector });
  }

  /** Pod templates in `namespace` whose labels a label selector selects (an empty selector selects all). */
  public selectByLabelSelector(namespace: string, selector: LabelSelector): PodTemplate[] {
    const [first] = Object.entries(asRecord(selector.matchLabels));
    const candidates = first
      ? this.templatesByLabel.get(labelKey(namespace, first[0], first[1])) ?? []
      : this.templatesByNamespace.get(namespace) ?? [];
    return candidates.filter(template => labelSelectorMatches(selector, template.labels));
  }

  /** Namespaces other than `namespace` that have pod templates matching `selector`. */
  public otherNamespacesSelected(namespace: string, selector: LabelSelector): string[] {
    return [...this.templatesByNamespace.keys()]
      .filter(ns => ns !== namespace && this.selectByLabelSelector(ns, selector).length > 0);
  }
}

function identity(group: string, kind: unknown, namespace: string, name: unknown): string {
  return `${group}|${kind}|${namespace}|${name}`;
}

function labelKey(namespace: string, key: string, value: unknown): string {
  return `${namespace}\0${key}\0${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
