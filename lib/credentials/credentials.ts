import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { check, InvalidPropError } from '../common/errors';
import { SecretKeyRef } from '../common/secret';
import { createExternalSecret } from './external';
import { compare } from './order';
import { SecretGenerator } from './secret-generator';
import { CredentialSource } from './source';
import { checkCredentialSecret } from './types';
import type { CredentialKey, CredentialSecret, ExternalSecretKey, GeneratedSecretKey, RequiredSecretKey } from './types';

/** Props of {@link Credentials}. */
export interface CredentialsProps {
  /** The Secrets the construct reads, with every key. */
  readonly secrets: readonly CredentialSecret[];
  /** The source of a Secret, by Secret name. @default - `defaultSource` for each */
  readonly sources?: Readonly<Record<string, CredentialSource>>;
  /** The source of every Secret not in `sources`. @default CredentialSource.generated() */
  readonly defaultSource?: CredentialSource;
  /** Namespace of the Secrets. @default - the chart's namespace */
  readonly namespace?: string;
  /** The generator for generated Secrets. @default SecretGenerator.of(this, namespace) */
  readonly generator?: SecretGenerator;
  /** Labels of the ExternalSecret and Password objects, e.g. the release label. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The credentials of one construct: each Secret it reads, provided by the source chosen for it.
 * `existing` Secrets are listed in {@link requiredSecrets} for the operator; `generated` ones are
 * handed to the {@link SecretGenerator} of the release (or of the namespace, outside a Release);
 * `external` ones get an ExternalSecret. The consumer reads every key through {@link ref},
 * whichever the source: a `SecretKeyRef`.
 */
export class Credentials extends Construct {
  /** Keys someone else must create (`existing` sources), sorted by Secret and key. */
  public readonly requiredSecrets: RequiredSecretKey[];
  /** Keys the generator Job creates, sorted by Secret and key. */
  public readonly generatedSecrets: GeneratedSecretKey[];
  /** Keys ExternalSecrets fill, sorted by Secret and key. */
  public readonly externalSecrets: ExternalSecretKey[];
  private readonly secrets = new Map<string, CredentialSecret>();
  private readonly sources = new Map<string, CredentialSource>();
  private usedGenerator?: SecretGenerator;

  constructor(scope: Construct, id: string, props: CredentialsProps) {
    super(scope, id);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    check(Array.isArray(props.secrets), this, 'secrets', props.secrets, 'must be a list of CredentialSecret');
    props.secrets.forEach((s, i) => {
      checkCredentialSecret(this, `secrets[${i}]`, s);
      this.secrets.set(s.secretName, merge(this, `secrets[${i}]`, this.secrets.get(s.secretName), s));
    });
    for (const name of Object.keys(props.sources ?? {})) {
      check(this.secrets.has(name), this, `sources.${name}`, name,
        `names no Secret of this construct (it reads ${[...this.secrets.keys()].sort(compare).join(', ') || 'none'})`);
    }
    const required: RequiredSecretKey[] = [];
    const generated: GeneratedSecretKey[] = [];
    const external: ExternalSecretKey[] = [];
    const labels = props.labels ?? {};
    for (const name of [...this.secrets.keys()].sort(compare)) {
      const secret = this.secrets.get(name)!;
      const source = props.sources?.[name] ?? props.defaultSource ?? CredentialSource.generated();
      check(source instanceof CredentialSource, this, `sources.${name}`, '(not shown)',
        'must be a CredentialSource: CredentialSource.existing(), generated() or external({...})');
      this.sources.set(name, source);
      const prop = `sources.${name}`;
      switch (source.kind) {
        case 'existing':
          required.push(...Object.keys(secret.keys).sort(compare).map(key => ({
            secretName: name,
            ...(namespace ? { namespace } : {}),
            key,
            purpose: secret.keys[key].purpose,
            usedBy: [...new Set(secret.keys[key].usedBy ?? [])].sort(compare),
          })));
          break;
        case 'generated': {
          const generator = props.generator ?? this.usedGenerator ?? SecretGenerator.of(this, namespace);
          check(generator.namespace === namespace, this, 'generator', generator.node.path,
            `must be the SecretGenerator of namespace "${namespace ?? ''}", not of "${generator.namespace ?? ''}"`);
          this.usedGenerator = generator;
          generated.push(...generator.add(this, prop, secret));
          break;
        }
        case 'external':
          external.push(...createExternalSecret(new Construct(this, name), prop, secret, source.external!, { namespace, labels }).keys);
          break;
      }
    }
    this.requiredSecrets = required;
    this.generatedSecrets = generated;
    this.externalSecrets = external;
  }

  /** The generator of the generated Secrets. @default - none, when no Secret is generated */
  public get generator(): SecretGenerator | undefined {
    return this.usedGenerator;
  }

  /** The reference to `key` of Secret `secretName`: one of the declared keys. */
  public ref(secretName: string, key: string): SecretKeyRef {
    const secret = this.secrets.get(secretName);
    if (!secret || !(key in secret.keys)) {
      throw new InvalidPropError(this, 'ref', `${secretName}/${key}`, 'must name a declared Secret key: add it to `secrets` first');
    }
    return SecretKeyRef.of(secretName, key);
  }

  /** The source chosen for Secret `secretName`. */
  public sourceOf(secretName: string): CredentialSource {
    const source = this.sources.get(secretName);
    if (!source) throw new InvalidPropError(this, 'sourceOf', secretName, 'must name a declared Secret');
    return source;
  }
}

/** Two declarations of one Secret in one construct: the union of keys, a key with one shape. */
function merge(scope: Construct, prop: string, a: CredentialSecret | undefined, b: CredentialSecret): CredentialSecret {
  if (!a) return b;
  const keys: Record<string, CredentialKey> = { ...a.keys };
  for (const [key, k] of Object.entries(b.keys)) {
    const had = keys[key];
    if (had && !had.shape.equals(k.shape)) {
      throw new InvalidPropError(scope, `${prop}.keys.${key}.shape`, k.shape.specFields(),
        `conflicts with an earlier declaration of key "${key}" of Secret "${b.secretName}" as ${had.shape.description}`);
    }
    keys[key] = had ? { ...had, usedBy: [...had.usedBy ?? [], ...k.usedBy ?? []] } : k;
  }
  return { secretName: b.secretName, keys };
}

/**
 * `keys` without those that a generator Job or an ExternalSecret of the app of `scope` makes (the
 * `generatedSecrets` and `externalSecrets` of each {@link Credentials} in it): what is left is what
 * someone must create, a consumer's `requiredSecrets`. Call it when the list is asked for, so that
 * constructs added later count.
 */
export function withoutKeysMadeInCluster(scope: IConstruct, keys: readonly RequiredSecretKey[]): RequiredSecretKey[] {
  const id = (k: { namespace?: string; secretName: string; key: string }) => `${k.namespace ?? ''}/${k.secretName}/${k.key}`;
  const made = new Set(scope.node.root.node.findAll()
    .flatMap(c => c instanceof Credentials ? [...c.generatedSecrets, ...c.externalSecrets] : []).map(id));
  return keys.filter(k => !made.has(id(k)));
}
