'use strict';
// Asks one running kube-apiserver (regenerate.sh starts it) for what the validator vendors of its release,
// and for its verdicts on the corpus. Usage: APISERVER=https://… APISERVER_CA=file APISERVER_AUTH_HEADER=file
//   node judge.js <X.Y> <repository root>
const fs = require('fs');
const https = require('https');
const path = require('path');
const zlib = require('zlib');
const { controllerChecks } = require('./controllers');
const { featuresJson } = require('./features-json');

const [minor, root] = process.argv.slice(2);
const server = new URL(process.env.APISERVER);
const ca = fs.readFileSync(process.env.APISERVER_CA);
const authorization = fs.readFileSync(process.env.APISERVER_AUTH_HEADER, 'utf8').trim().replace(/^Authorization:\s*/, '');
const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca });
const NAMESPACES = ['myapp', 'wordpress', 'harbor', 'oracle'];
/** The longest generateName base the server keeps before adding 5 characters. */
const MAX_BASE = 58;
const DEFINITIONS = path.join(root, 'lib', 'validation', 'definitions');
const VERDICTS = path.join(root, 'test', 'fixtures', 'apiserver-verdicts');

/** `{ code, body, warnings }` of one request. */
function request(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request({
      host: server.hostname, port: server.port, path: urlPath, method, agent,
      headers: { authorization, accept: 'application/json, text/plain', ...(data ? { 'content-type': 'application/json' } : {}) },
    }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        try { parsed = JSON.parse(text); } catch { /* text answers (/metrics, some 404s) stay text */ }
        const warnings = [res.headers.warning ?? []].flat().flatMap(h => h.split(/,(?=\s*\d{3} )/)).map(w => w.trim().replace(/^299 - "(.*)"$/, '$1').replace(/\\"/g, '"')).filter(w => w);
        resolve({ code: res.statusCode, body: parsed, warnings });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function must(method, urlPath, body) {
  const res = await request(method, urlPath, body);
  if (res.code >= 300 && res.code !== 409) throw new Error(`${method} ${urlPath}: ${res.code} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res;
}

/**
 * Keys sorted, descriptions and enums dropped: the vendored form of a schema (the API-server rules check
 * enumerated values with the server's messages, and accept the empty strings the server accepts).
 */
function vendored(schema) {
  if (Array.isArray(schema)) return schema.map(vendored);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const key of Object.keys(schema).sort()) {
    if (key !== 'description' && key !== 'enum') out[key] = vendored(schema[key]);
  }
  return out;
}

async function definitions() {
  const { body } = await must('GET', '/openapi/v2');
  const defs = {};
  for (const name of Object.keys(body.definitions).filter(n => n.startsWith('io.k8s.')).sort()) {
    defs[name] = vendored(body.definitions[name]);
  }
  fs.writeFileSync(path.join(DEFINITIONS, `k8s-${minor}.json`), `${JSON.stringify({ definitions: defs })}\n`);
  return Object.keys(defs).length;
}

async function featureGates() {
  const { body } = await must('GET', '/metrics');
  const gates = {};
  for (const m of body.matchAll(/^kubernetes_feature_enabled\{name="([^"]+)",stage="([^"]*)"\} (\d)/gm)) {
    gates[m[1]] = { enabled: m[3] === '1', stage: m[2] || 'GA' };
  }
  const { body: version } = await must('GET', '/version');
  fs.writeFileSync(path.join(DEFINITIONS, `features-${minor}.json`), featuresJson(version.gitVersion, gates));
  return { release: version.gitVersion, count: Object.keys(gates).length };
}

/** `"<apiVersion> <kind>"` -> `{ resource, namespaced }` from discovery. */
async function discovery() {
  const served = new Map();
  const groupVersions = ['v1'];
  const { body: groups } = await must('GET', '/apis');
  for (const g of groups.groups) groupVersions.push(...g.versions.map(v => v.groupVersion));
  for (const gv of groupVersions) {
    const { body } = await must('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    for (const r of body.resources.filter(x => !x.name.includes('/'))) {
      served.set(`${gv} ${r.kind}`, { resource: r.name, namespaced: r.namespaced });
    }
  }
  return served;
}

/**
 * Messages without what differs between runs: Go pointers, UIDs the server generates, and the 5 characters of
 * generated names. (A message with several errors on one map field, such as labels, lists them in Go's map order.)
 */
function stable(message, generateName) {
  let m = message.replace(/\(0x[0-9a-f]+\)/g, '(0x0)')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '00000000-0000-0000-0000-000000000000');
  if (generateName) {
    const base = generateName.slice(0, MAX_BASE);
    m = m.split(new RegExp(`"${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[a-z0-9]{5}"`, 'g')).join(`"${base}xxxxx"`);
  }
  return m;
}
function collectionPath(apiVersion, resource, namespace) {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace ? `${base}/namespaces/${namespace}/${resource}` : `${base}/${resource}`;
}

/** One check: a dry run with strict field validation. Creating an existing Namespace (409) is an accept. */
async function dryRun(check, urlPath, body) {
  const res = await request('POST', `${urlPath}?dryRun=All&fieldValidation=Strict`, body);
  const generateName = body?.metadata?.generateName;
  const accepted = res.code < 300 || res.code === 409;
  const messages = accepted ? [] : [stable(typeof res.body === 'object' ? res.body.message ?? '' : String(res.body).trim(), generateName)];
  const name = res.code < 300 ? res.body?.metadata?.name : undefined;
  return { check, name, code: res.code, verdict: accepted ? 'accept' : 'reject', messages, warnings: res.warnings.map(w => stable(w, generateName)) };
}

async function judgeRecord(record, served) {
  const obj = record.object;
  const apiVersion = typeof obj?.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj?.kind === 'string' ? obj.kind : '';
  const found = served.get(`${apiVersion} ${kind}`);
  const checks = [];
  if (!found) {
    // As kubectl would after discovery fails: the guessed resource path answers 404.
    checks.push(await dryRun('object', collectionPath(apiVersion || 'v1', `${kind.toLowerCase()}s`, record.namespace ?? undefined), obj));
  } else {
    const own = await dryRun('object', collectionPath(apiVersion, found.resource, found.namespaced ? record.namespace : undefined), obj);
    checks.push(own);
    // An object named by generateName: its controller works with the name the server gave it.
    const named = own.name && !obj.metadata?.name ? { ...obj, metadata: { ...obj.metadata, name: own.name } } : obj;
    for (const { check, body } of controllerChecks(named, record.namespace)) {
      const target = served.get(`${body.apiVersion} ${body.kind}`);
      checks.push(await dryRun(check, collectionPath(body.apiVersion, target.resource, record.namespace), body));
    }
  }
  const rejecting = checks.filter(c => c.verdict === 'reject');
  return {
    id: record.id,
    verdict: rejecting.length ? 'reject' : 'accept',
    rejected_by: rejecting.map(c => c.check),
    messages: rejecting.flatMap(c => c.messages),
    warnings: [...new Set(checks.flatMap(c => c.warnings))],
  };
}

async function main() {
  for (const ns of NAMESPACES) {
    await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await must('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  }
  const count = await definitions();
  const gates = await featureGates();
  console.log(`${minor}: ${count} definitions, ${gates.count} feature gates of ${gates.release}`);
  const served = await discovery();
  const corpus = zlib.gunzipSync(fs.readFileSync(path.join(VERDICTS, 'corpus.jsonl.gz'))).toString('utf8').split('\n').filter(l => l).map(l => JSON.parse(l));
  const verdicts = new Array(corpus.length);
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < corpus.length) {
      const i = next++;
      verdicts[i] = { ...await judgeRecord(corpus[i], served), server: gates.release };
    }
  }));
  fs.writeFileSync(path.join(VERDICTS, `v${minor}.jsonl.gz`), zlib.gzipSync(verdicts.map(v => JSON.stringify(v)).join('\n') + '\n', { level: 9 }));
  const differ = verdicts.filter((v, i) => v.verdict !== corpus[i].verdict);
  console.log(`${minor}: ${verdicts.filter(v => v.verdict === 'accept').length} accept, ${verdicts.filter(v => v.verdict === 'reject').length} reject; ${differ.length} verdicts differ from ${corpus[0].server}'s`);
  for (const v of differ) {
    const r = corpus[verdicts.indexOf(v)];
    console.log(`  ${v.id} ${r.kind} ${r.family}: ${r.verdict} -> ${v.verdict} ${v.messages.join(' | ').slice(0, 300)}`);
  }
  agent.destroy();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
