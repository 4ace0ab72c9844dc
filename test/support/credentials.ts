/**
 * Runs the generator's scripts (lib/credentials/scripts) on this machine, against the
 * {@link SecretsApi} stand-in, with PATH wrappers that record the argv of curl, openssl and php.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { Credentials, CredentialSecret, HarborStack, HarborStackProps, HarborSecrets, SecretGenerator } from '../../lib';
import { harborCredentialKeys, harborCredentialShape } from '../../lib/harbor/credential-shapes';
import { MYSQL_CREDENTIAL_SHAPES } from '../../lib/mysql/credential-shapes';
import { buildApp } from '../../main';
import { SecretsApi } from './secrets-api';

/** Every tool generate-secrets.sh and wait-for-secrets.sh call besides curl, openssl and php. */
const BUSYBOX_APPLETS = ['awk', 'cat', 'dirname', 'grep', 'head', 'mkdir', 'mktemp', 'mv', 'rm', 'sed', 'sleep', 'tail', 'tr', 'wc'];

export const SCRIPTS_DIR = path.join(__dirname, '..', '..', 'lib', 'credentials', 'scripts');

/** The result of one run. */
export interface RunResult {
  readonly code: number;
  readonly stderr: string;
}

/** A scratch directory with argv-recording wrappers of curl, openssl and php in `bin/`. */
export class ScriptSandbox {
  public readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credentials-'));
  public readonly bin = path.join(this.dir, 'bin');
  public readonly argvLog = path.join(this.dir, 'argv.log');
  /** busybox applets under the names the scripts call, as in the Alpine-based image. */
  public readonly busyboxBin = path.join(this.dir, 'busybox-bin');

  constructor() {
    fs.mkdirSync(this.bin);
    for (const tool of ['curl', 'openssl', 'php']) {
      const real = execFileSync('sh', ['-c', `command -v ${tool}`]).toString().trim();
      fs.writeFileSync(path.join(this.bin, tool), `#!/bin/sh\nprintf '%s %s\\n' ${tool} "$*" >>"$ARGV_LOG"\nexec ${real} "$@"\n`, { mode: 0o755 });
    }
    fs.mkdirSync(this.busyboxBin);
    const busybox = execFileSync('sh', ['-c', 'command -v busybox']).toString().trim();
    for (const applet of BUSYBOX_APPLETS) fs.symlinkSync(busybox, path.join(this.busyboxBin, applet));
  }

  /**
   * Runs generate-secrets.sh with `spec` against `api`: with dash and the system's tools, or
   * (`busybox`) with busybox's ash and applets, as the image has them.
   */
  public generate(api: SecretsApi, spec: string, options: { busybox?: boolean; env?: Record<string, string> } = {}): Promise<RunResult> {
    const specFile = fs.mkdtempSync(path.join(this.dir, 'spec-'));
    fs.writeFileSync(path.join(specFile, 'spec'), spec);
    return this.run([...options.busybox ? ['busybox', 'sh'] : ['sh'], path.join(SCRIPTS_DIR, 'generate-secrets.sh')], {
      NAMESPACE: api.namespace,
      SPEC_FILE: path.join(specFile, 'spec'),
      CREATED_BY: 'secret-generator',
      API_URL: api.url,
      TOKEN_FILE: api.tokenFile,
      CA_FILE: api.caFile,
      ...options.busybox ? { PATH: `${this.bin}:${this.busyboxBin}:/usr/bin:/bin` } : {},
      ...options.env,
    });
  }

  /** Runs a command with PATH = the wrappers, then the system's. */
  public run(argv: string[], env: Record<string, string>): Promise<RunResult> {
    return new Promise(resolve => {
      execFile(argv[0], argv.slice(1), {
        env: { PATH: `${this.bin}:/usr/local/bin:/usr/bin:/bin`, TMPDIR: this.dir, ARGV_LOG: this.argvLog, ...env },
        timeout: 60_000,
      }, (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr: String(stderr) });
      });
    });
  }

  /** Every recorded argv line of the wrapped tools. */
  public argv(): string {
    return fs.existsSync(this.argvLog) ? fs.readFileSync(this.argvLog, 'utf8') : '';
  }

  public cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The generator spec the library writes for `secrets` (as the ConfigMap holds it). */
export function specOf(secrets: CredentialSecret[]): string {
  const chart = new Chart(Testing.app(), 'spec', { namespace: 'test' });
  new Credentials(chart, 'credentials', { secrets });
  return SecretGenerator.of(chart, 'test').spec();
}

/** The MySQLReplication Secret `name`, every key with its preset shape. */
export function mysqlSecret(name = 'mysql-credentials'): CredentialSecret {
  return {
    secretName: name,
    keys: Object.fromEntries(Object.entries(MYSQL_CREDENTIAL_SHAPES).map(([key, shape]) => [key, { shape, purpose: `MySQL ${key}` }])),
  };
}

/** Harbor's seven Secrets (default names for a stack named `harbor`), every key with its preset shape. */
export function harborSecrets(): CredentialSecret[] {
  const slots: Array<keyof HarborSecrets> = ['admin', 'core', 'jobservice', 'registry', 'tokenService', 'database', 'redis'];
  const names: Record<keyof HarborSecrets, string> = {
    admin: 'harbor-admin', core: 'harbor-core', jobservice: 'harbor-jobservice', registry: 'harbor-registry',
    tokenService: 'harbor-token-service', database: 'harbor-database', redis: 'harbor-redis',
  };
  return slots.map(slot => ({
    secretName: names[slot],
    keys: Object.fromEntries(harborCredentialKeys(slot).map(key => [key, { shape: harborCredentialShape(slot, key)!, purpose: `Harbor ${slot} ${key}` }])),
  }));
}

/** The spec of the generator of the default app's Harbor release (main.ts): every key it makes for Harbor. */
export function defaultAppHarborSpec(): string {
  const chart = buildApp(Testing.app()).node.findChild('harbor') as HarborStack;
  return chart.harbor.credentials.generator!.spec();
}

/** The spec of the generator of a HarborStack with `props`, keeping only the lines of Secret `only`. */
export function harborSpec(props: HarborStackProps, only?: string): string {
  const chart = new HarborStack(Testing.app(), 'harbor', props);
  const spec = chart.harbor.credentials.generator!.spec();
  return only === undefined ? spec : spec.split('\n').filter(l => !/^[a-z0-9]/.test(l) || l.startsWith(`${only} `)).join('\n');
}
