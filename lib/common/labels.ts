/** The Kubernetes recommended labels of one application. */
export interface AppLabelProps {
  /** `app.kubernetes.io/name`: the application, e.g. `mysql`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this release of it, e.g. `blog-db`. */
  readonly instance: string;
  /** `app.kubernetes.io/component`, e.g. `database`. @default - none */
  readonly component?: string;
  /** `app.kubernetes.io/part-of`, e.g. `wordpress`. @default - none */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`, e.g. `8.4.6`. @default - none */
  readonly version?: string;
}

/** Every recommended label, for object metadata. */
export function recommendedLabels(props: AppLabelProps): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/instance': props.instance,
  };
  if (props.component) labels['app.kubernetes.io/component'] = props.component;
  if (props.partOf) labels['app.kubernetes.io/part-of'] = props.partOf;
  labels['app.kubernetes.io/managed-by'] = 'cdk8s';
  if (props.version) labels['app.kubernetes.io/version'] = labelValue(props.version);
  return labels;
}

/** The stable subset that selects the pods: never the version, which changes on upgrade. */
export function selectorLabels(props: AppLabelProps): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/instance': props.instance,
  };
  if (props.component) labels['app.kubernetes.io/component'] = props.component;
  return labels;
}

/** Turns a free-form version (e.g. an image tag) into a valid label value. */
function labelValue(v: string): string {
  return v.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Recommended-label props shared by the app constructs. */
export interface AppIdentityProps {
  /** `app.kubernetes.io/name`. @default - the app's name */
  readonly appName?: string;
  /** `app.kubernetes.io/instance`. @default - the app's name */
  readonly instance?: string;
  /** `app.kubernetes.io/component`. @default - none */
  readonly component?: string;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`. @default - none */
  readonly version?: string;
}

/** The label props of an app named `name`. */
export function appLabelProps(name: string, props: AppIdentityProps): AppLabelProps {
  return {
    name: props.appName ?? name,
    instance: props.instance ?? name,
    component: props.component,
    partOf: props.partOf,
    version: props.version,
  };
}
