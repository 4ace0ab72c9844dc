/**
 * A local stand-in of the Kubernetes Secrets API (core/v1, one namespace), over HTTPS with a CA
 * made by openssl, for running generate-secrets.sh in tests. It answers as the API server
 * documents: 200/201 with the Secret, 404 NotFound, 409 AlreadyExists on create, 409 Conflict for
 * a merge patch whose metadata.resourceVersion is not the current one, 422 Invalid for a bad name,
 * key or value (or a `kubernetes.io/tls` Secret without `tls.crt` and `tls.key`), 401 without the bearer token, 403 Forbidden for verbs or names the test denies
 * (like a Role with resourceNames), 415 for a patch type other than merge patch.
 *
 * `barrier(n)` holds the first n GET answers until n GETs have arrived: two clients then both
 * read the same state, which forces the race the generator must survive.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

/** A stored Secret. */
export interface StoredSecret {
  data: Record<string, string>;
  resourceVersion: string;
  labels?: Record<string, string>;
  /** `Opaque` unless created with another type. */
  type: string;
}

/** One request as the stand-in saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

const KEY = /^[-._a-zA-Z0-9]+$/;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class SecretsApi {
  /** Start it: a CA, a server certificate for 127.0.0.1, a token file, a free loopback port. */
  public static async start(namespace = 'test'): Promise<SecretsApi> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-api-'));
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.crt']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'server.crt']);
    const token = `token-${process.pid}-${Date.now()}`;
    fs.writeFileSync(path.join(dir, 'token'), token);
    const api = new SecretsApi(dir, namespace, token);
    await new Promise<void>(resolve => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** The Secrets, by name. */
  public readonly secrets = new Map<string, StoredSecret>();
  /** Every request, in arrival order. */
  public readonly requests: SeenRequest[] = [];
  /** Verbs (get, create, patch) answered with 403 for every name. */
  public readonly deniedVerbs = new Set<string>();
  /** When set, get and patch are allowed for these names only (a Role's resourceNames). */
  public allowedNames?: Set<string>;
  /** Paths of the CA, the token. */
  public readonly caFile: string;
  public readonly tokenFile: string;

  private readonly server: https.Server;
  private version = 100;
  private held: Array<() => void> = [];
  private holdGets = 0;

  private constructor(public readonly dir: string, public readonly namespace: string, private readonly token: string) {
    this.caFile = path.join(dir, 'ca.crt');
    this.tokenFile = path.join(dir, 'token');
    this.server = https.createServer({
      key: fs.readFileSync(path.join(dir, 'server.key')),
      cert: fs.readFileSync(path.join(dir, 'server.crt')),
    }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => this.handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), (status, body) => {
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', status });
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body, null, 2));
      }));
    });
  }

  /** `https://127.0.0.1:<port>`. */
  public get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stores a Secret as if someone had created it; values are plain strings. */
  public put(name: string, values: Record<string, string>): void {
    const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    this.secrets.set(name, { data, resourceVersion: this.nextVersion(), type: 'Opaque' });
  }

  /** The decoded values of a Secret. */
  public values(name: string): Record<string, string> {
    const s = this.secrets.get(name);
    if (!s) throw new Error(`no Secret ${name}`);
    return Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  /** Holds the next n GET answers until n GETs have arrived. */
  public barrier(n: number): void {
    this.holdGets = n;
    this.held = [];
  }

  public async stop(): Promise<void> {
    await new Promise<void>(resolve => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }

  private handle(method: string, url: string, headers: Record<string, unknown>, body: string, answer: (status: number, body: unknown) => void): void {
    if (headers.authorization !== `Bearer ${this.token}`) {
      return answer(401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    const base = `/api/v1/namespaces/${this.namespace}/secrets`;
    const match = url === base ? { name: undefined } : url.startsWith(`${base}/`) ? { name: url.slice(base.length + 1) } : undefined;
    if (!match) return answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const verb = method === 'GET' ? 'get' : method === 'POST' && !match.name ? 'create' : method === 'PATCH' ? 'patch' : undefined;
    if (!verb) return answer(405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
    const name = match.name;
    if (this.deniedVerbs.has(verb) || (verb !== 'create' && this.allowedNames && !this.allowedNames.has(name!))) {
      return answer(403, status(403, 'Forbidden',
        `secrets${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:${this.namespace}:secret-generator" cannot ${verb} resource "secrets" in API group "" in the namespace "${this.namespace}"`));
    }
    if (verb === 'get') {
      const reply = () => {
        const s = this.secrets.get(name!);
        if (!s) return answer(404, status(404, 'NotFound', `secrets "${name}" not found`));
        answer(200, this.render(name!, s));
      };
      if (this.holdGets > 0) {
        this.held.push(reply);
        if (this.held.length >= this.holdGets) {
          const all = this.held;
          this.holdGets = 0;
          this.held = [];
          all.forEach(r => r());
        }
        return;
      }
      return reply();
    }
    let parsed: any;
    try {
      parsed = JSON.parse(body);
    } catch {
      return answer(400, status(400, 'BadRequest', 'the body is not JSON'));
    }
    if (verb === 'create') {
      const n = parsed?.metadata?.name;
      const type = parsed?.type ?? 'Opaque';
      const invalid = this.invalid(n, parsed?.data, type);
      if (invalid) return answer(422, status(422, 'Invalid', `Secret "${n}" is invalid: ${invalid}`));
      if (this.secrets.has(n)) return answer(409, status(409, 'AlreadyExists', `secrets "${n}" already exists`));
      const stored = { data: { ...parsed.data }, resourceVersion: this.nextVersion(), labels: parsed.metadata.labels, type };
      this.secrets.set(n, stored);
      return answer(201, this.render(n, stored));
    }
    // patch
    if (headers['content-type'] !== 'application/merge-patch+json') {
      return answer(415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json`));
    }
    const s = this.secrets.get(name!);
    if (!s) return answer(404, status(404, 'NotFound', `secrets "${name}" not found`));
    const version = parsed?.metadata?.resourceVersion;
    if (version !== undefined && version !== s.resourceVersion) {
      return answer(409, status(409, 'Conflict',
        `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`));
    }
    const data = { ...s.data };
    for (const [k, v] of Object.entries(parsed?.data ?? {})) {
      if (v === null) delete data[k]; else data[k] = v as string;
    }
    const invalid = this.invalid(name, data, s.type);
    if (invalid) return answer(422, status(422, 'Invalid', `Secret "${name}" is invalid: ${invalid}`));
    s.data = data;
    s.resourceVersion = this.nextVersion();
    return answer(200, this.render(name!, s));
  }

  private invalid(name: unknown, data: unknown, type: unknown): string | undefined {
    if (typeof name !== 'string' || !NAME.test(name) || name.length > 253) return `metadata.name: Invalid value: "${String(name)}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`;
    for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>)) {
      if (!KEY.test(k)) return `data[${k}]: Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`;
      if (typeof v !== 'string' || !BASE64.test(v)) return `data[${k}]: Invalid value: illegal base64 data`;
    }
    if (type === 'kubernetes.io/tls') {
      for (const k of ['tls.crt', 'tls.key']) if (!(k in ((data ?? {}) as object))) return `data[${k}]: Required value`;
    } else if (type !== 'Opaque') {
      return `type: Unsupported value: "${String(type)}"`;
    }
    return undefined;
  }

  private render(name: string, s: StoredSecret): unknown {
    return {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {
        name,
        namespace: this.namespace,
        resourceVersion: s.resourceVersion,
        ...(s.labels ? { labels: s.labels } : {}),
        // What kubectl apply leaves behind: a JSON string that mentions "data" too.
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { decoy: 'eA==' } }) },
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:data': Object.fromEntries(Object.keys(s.data).map(k => [`f:${k}`, {}])) } }],
      },
      ...(Object.keys(s.data).length ? { data: s.data } : {}),
      type: s.type,
    };
  }
}

function status(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
