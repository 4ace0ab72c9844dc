/** One thing wrong with a synthesized Kubernetes object. */
export interface ValidationProblem {
  /** Rule id, e.g. `schema/unknown-field` or `statefulset/service-name`. */
  readonly rule: string;
  /**
   * `error`: the API server (or a controller) would reject the object, or it breaks a rule of this
   * library; `warning`: it is accepted, but not as written (an alpha field a server with default
   * feature gates drops, a fraction of a byte).
   */
  readonly severity: 'error' | 'warning';
  /** The object, e.g. `StatefulSet/mysql (ns default)`. */
  readonly object: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0/image`. */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
  /** The manifest file holding the object, when known. */
  readonly file?: string;
}

/** A problem found in one object, before it is described for the user. */
export interface Finding {
  /** The offending object. */
  readonly obj: any;
  /** Rule id. */
  readonly rule: string;
  /** JSON pointer into `obj`. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** A warning, not an error. */
  readonly warning?: true;
}

/** A JSON pointer (RFC 6901) made of `segments`, e.g. `pointer('metadata', 'labels', 'a/b')` is `/metadata/labels/a~1b`. */
export function pointer(...segments: ReadonlyArray<string | number>): string {
  let path = '';
  for (let i = 0; i < segments.length; i++) {
    path += '/' + escapeSegment(segments[i]);
  }
  return path;
}

/** One JSON pointer segment, `~` and `/` escaped (RFC 6901). */
function escapeSegment(segment: string | number): string {
  const s = String(segment);
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

/** One line per problem: `file: object path: [rule] message` (no `file: ` when unknown; `warning [rule]` for warnings). */
export function formatProblems(problems: readonly ValidationProblem[]): string {
  return problems
    .map(p => `${p.file ? `${p.file}: ` : ''}${p.object} ${p.path || '/'}: ${p.severity === 'warning' ? 'warning ' : ''}[${p.rule}] ${p.message}`)
    .join('\n');
}
