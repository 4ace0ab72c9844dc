import type { Construct } from 'constructs';
import { check, InvalidPropError } from '../common/errors';
import { isIP } from '../rules';
import { withOuterProps } from '../common/prop-paths';
import type { PropPathMap } from '../common/prop-paths';
import { Credentials } from '../credentials/credentials';
import { harborCredentialKeys, harborCredentialShape, harborTlsCredentialShapes } from './credential-shapes';
import type { HarborTlsNames } from './credential-shapes';
import { CredentialShape } from '../credentials/shapes';
import { CredentialSource } from '../credentials/source';
import type { CredentialKey, CredentialSecret } from '../credentials/types';
import type { HarborExposure } from './exposure';
import { HARBOR_SECRET_KEYS } from './secrets';
import type { HarborSecrets, SecretCatalog } from './secrets';

/**
 * Who makes each Secret of a {@link Harbor}: one source per Secret of {@link HarborSecrets}, and
 * one for the exposure's TLS Secret; `default` for every Secret not named.
 */
export interface HarborCredentialSources {
  /** The source of every Secret not named below. @default CredentialSource.generated() */
  readonly default?: CredentialSource;
  /** `secrets.admin` (`password`). @default - `default` */
  readonly admin?: CredentialSource;
  /** `secrets.core` (`secret`, `secretKey`, `csrfKey`). @default - `default` */
  readonly core?: CredentialSource;
  /** `secrets.jobservice` (`secret`). @default - `default` */
  readonly jobservice?: CredentialSource;
  /** `secrets.registry` (`httpSecret`, `password`, `htpasswd`). @default - `default` */
  readonly registry?: CredentialSource;
  /** `secrets.tokenService` (`tls.key`; generated with its self-signed `tls.crt`). @default - `default` */
  readonly tokenService?: CredentialSource;
  /** `secrets.database` (`password`), with the built-in database only. @default - `default` */
  readonly database?: CredentialSource;
  /** `secrets.redis` (`password`), with the built-in Redis only. @default - `default` */
  readonly redis?: CredentialSource;
  /**
   * The exposure's TLS Secret (`tls.secretName`; `tls.crt`, `tls.key`), when the exposure has `tls`.
   * Generated, it is what harbor-helm's `expose.tls.certSource: auto` makes, once: an RSA 2048 key
   * and a self-signed certificate for the external host (subjectAltName), valid 825 days, which
   * core offers for download as the registry certificate. `existing()` when cert-manager or you
   * make it.
   * @default - `default`
   */
  readonly tls?: CredentialSource;
}

/** A Secret whose source `credentials` chooses. */
type Slot = keyof HarborSecrets | 'tls';

const SLOTS = Object.keys(HARBOR_SECRET_KEYS) as Array<keyof HarborSecrets>;
const NAMES: readonly string[] = ['default', ...SLOTS, 'tls'];
const SOURCE_RULE = 'must be a CredentialSource: CredentialSource.existing(), generated() or external({...})';

/** The source of each Secret, after the checks. */
export type HarborSourceChoice = Readonly<Record<Slot, CredentialSource>>;

/**
 * `credentials` as one source per Secret. `notApplicable` says, for a Secret this configuration
 * does not have, why naming it is an error.
 */
export function resolveCredentialSources(scope: Construct, value: unknown, notApplicable: Partial<Record<Slot, string>>): HarborSourceChoice {
  const every = (source: (slot: Slot) => CredentialSource) => Object.fromEntries([...SLOTS, 'tls' as const].map(s => [s, source(s)])) as HarborSourceChoice;
  if (value === undefined || value instanceof CredentialSource) {
    const all = value ?? CredentialSource.generated();
    return every(() => all);
  }
  check(typeof value === 'object' && value !== null && !Array.isArray(value), scope, 'credentials', '(not shown)',
    `${SOURCE_RULE}, or one per Secret: { ${NAMES.map(n => `${n}?`).join(', ')} }`);
  const given = value as Record<string, unknown>;
  for (const [name, source] of Object.entries(given)) {
    check(NAMES.includes(name), scope, `credentials.${name}`, name, `is not a Secret of Harbor: name one of ${NAMES.join(', ')}`);
    if (source === undefined) continue;
    check(source instanceof CredentialSource, scope, `credentials.${name}`, '(not shown)', SOURCE_RULE);
    const why = notApplicable[name as Slot];
    if (why !== undefined) throw new InvalidPropError(scope, `credentials.${name}`, (source as CredentialSource).kind, why);
  }
  const fallback = (given.default as CredentialSource | undefined) ?? CredentialSource.generated();
  return every(slot => (given[slot] as CredentialSource | undefined) ?? fallback);
}

/** Ingress annotations with which cert-manager's ingress-shim issues the Ingress's TLS Secret. */
const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer', 'kubernetes.io/tls-acme'];

/**
 * Checks a generated TLS Secret against the exposure: nobody else may write it (cert-manager,
 * asked by an Ingress annotation), and a CA in it can only be its own self-signed `tls.crt`.
 */
export function checkGeneratedTls(scope: Construct, exposure: HarborExposure): void {
  const tls = exposure.tls!;
  const annotation = Object.keys(exposure.ingressOptions?.annotations ?? {}).find(a => CERT_MANAGER_ANNOTATIONS.includes(a));
  check(annotation === undefined, scope, 'credentials.tls', 'generated',
    `the Ingress annotation ${annotation} has cert-manager issue the TLS Secret "${tls.secretName}", which the SecretGenerator must not make too: ` +
    'set credentials: { tls: CredentialSource.existing() }');
  const ca = tls.ca;
  check(ca === undefined || ca.secretName !== tls.secretName || ca.key === 'tls.crt', scope, 'exposure.tls.ca', `${ca?.secretName}/${ca?.key}`,
    `names key "${ca?.key}" of the generated TLS Secret "${tls.secretName}", which holds only tls.key and its self-signed tls.crt: ` +
    'leave ca unset (core then offers tls.crt for download), or make the TLS Secret existing (credentials.tls)');
}

const COMMON_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The names a generated TLS certificate is for: the exposure's host, else the host of `externalURL`. */
export function tlsNames(exposure: HarborExposure, externalURL: string, fallbackCommonName: string): HarborTlsNames {
  const host = exposure.host ?? new URL(externalURL).hostname.replace(/^\[|\]$/g, '');
  const ip = isIP(host);
  return { commonName: COMMON_NAME.test(host) ? host : fallbackCommonName, dnsNames: ip ? [] : [host], ipAddresses: ip ? [host] : [] };
}

/** What {@link createHarborCredentials} needs. */
export interface HarborCredentialsInput {
  /** Every Secret key the components read. */
  readonly catalog: SecretCatalog;
  /** Names of Harbor's Secrets. */
  readonly names: Required<HarborSecrets>;
  /** The source of each. */
  readonly sources: HarborSourceChoice;
  /** The exposure's TLS Secret, when it has one, and the names of a generated certificate. */
  readonly tls?: { readonly secretName: string; readonly names: HarborTlsNames };
  /** Labels of ExternalSecret objects. */
  readonly labels: Readonly<Record<string, string>>;
}

const TOKEN_CERTIFICATE_PURPOSE = 'self-signed certificate of tls.key: not read by Harbor, it makes the Secret a complete key pair (kubernetes.io/tls)';
const TLS_PURPOSES: Readonly<Record<string, string>> = {
  'tls.key': 'private key of the TLS certificate of the external host',
  'tls.crt': 'self-signed TLS certificate of the external host (its subjectAltName), also offered by core for download',
};

/**
 * The {@link Credentials} of a Harbor: each Secret a component reads that Harbor defines (and the
 * exposure's TLS Secret), from its source. A generated Secret gets every key Harbor defines, of
 * the shape its readers need; an existing or external one exactly the keys the components read
 * (Harbor's and the caller's in that Secret). Keys of the caller's own Secrets are not here: they
 * stay in `requiredSecrets`.
 */
export function createHarborCredentials(scope: Construct, input: HarborCredentialsInput): Credentials {
  const groups = new Map<string, { slots: Slot[]; source: CredentialSource; shapes: Record<string, CredentialShape> }>();
  const slots: Array<[Slot, string, Readonly<Record<string, CredentialShape>>]> = [
    ...input.catalog.usedSlots().map(slot => [slot, input.names[slot],
      Object.fromEntries(harborCredentialKeys(slot).map(k => [k, harborCredentialShape(slot, k)!]))] as [Slot, string, Record<string, CredentialShape>]),
    ...input.tls ? [['tls', input.tls.secretName, harborTlsCredentialShapes(input.tls.names)] as [Slot, string, Record<string, CredentialShape>]] : [],
  ];
  const nameProp = (slot: Slot) => slot === 'tls' ? 'exposure.tls.secretName' : `secrets.${slot}`;
  for (const [slot, secretName, shapes] of slots) {
    const source = input.sources[slot];
    const group = groups.get(secretName);
    if (!group) {
      groups.set(secretName, { slots: [slot], source, shapes: { ...shapes } });
      continue;
    }
    const other = group.slots[0];
    check(group.source.kind === source.kind && (source.kind !== 'external' || group.source === source), scope, `credentials.${slot}`, source.kind,
      `must be the source of ${nameProp(other)} too (${group.source.kind}): both name the Secret "${secretName}"`);
    const shared = Object.keys(shapes).find(k => k in group.shapes);
    check(shared === undefined, scope, nameProp(slot), secretName,
      `is the Secret of ${nameProp(other)} too, and both have key "${shared}": one key cannot hold two values; name another Secret`);
    group.slots.push(slot);
    Object.assign(group.shapes, shapes);
  }

  const secrets: CredentialSecret[] = [];
  const sources: Record<string, CredentialSource> = {};
  const propMap: Array<readonly [string, string]> = [];
  for (const [secretName, group] of groups) {
    const read = new Map(input.catalog.keysOf(secretName).map(e => [e.key, e]));
    const generated = group.source.kind === 'generated';
    const keys = generated ? Object.keys(group.shapes) : [...read.keys()];
    const purpose = (key: string) => generated && group.slots.includes('tls') && key in TLS_PURPOSES ? TLS_PURPOSES[key]
      : read.get(key)?.description ?? TOKEN_CERTIFICATE_PURPOSE;
    secrets.push({
      secretName,
      keys: Object.fromEntries(keys.map(key => [key, {
        // A key Harbor does not define (the caller's, in an existing or external Secret) is never generated.
        shape: group.shapes[key] ?? CredentialShape.password(),
        purpose: purpose(key),
        usedBy: read.get(key)?.usedBy ?? [],
      } satisfies CredentialKey])),
    });
    sources[secretName] = group.source;
    const slot = group.slots[0];
    propMap.push([`sources.${secretName}`, `credentials.${slot}`]);
  }
  const map: PropPathMap = propMap;
  return withOuterProps(scope, map, () => new Credentials(scope, 'credentials', { secrets, sources, labels: input.labels }));
}
