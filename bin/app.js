#!/usr/bin/env node
// The app command of cdk8s.yaml: runs the compiled app, compiling first only when a TypeScript
// source is newer than its output (checking takes milliseconds; `tsc` takes a second, ts-node more),
// and writes dist/ only when every object passes the strict validator.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const build = path.join(root, 'build');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// Written after each successful compile; tsc skips re-emitting unchanged outputs, so their mtimes can't tell.
const stamp = path.join(build, '.app-compiled');

function stale() {
  if (!fs.existsSync(stamp)) return true;
  const compiled = fs.statSync(stamp).mtimeMs;
  const inputs = [path.join(root, 'main.ts'), ...['lib', 'imports'].flatMap(d => {
    const dir = path.join(root, d);
    return fs.existsSync(dir) ? sources(dir) : [];
  })];
  return inputs.some(src => fs.statSync(src).mtimeMs > compiled);
}

if (stale()) {
  const started = new Date();
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
  } catch (err) {
    console.error('cdk8s app: the TypeScript compile failed (errors above); nothing was synthesized.');
    process.exit(err.status || 1);
  }
  fs.writeFileSync(stamp, '');
  fs.utimesSync(stamp, started, started); // a source saved during the compile stays newer than the stamp
}
// Validate before writing, so that invalid YAML never reaches dist/ (the cdk8s.yaml plugin checks the files again).
const { validateApp, formatProblems } = require(path.join(build, 'lib', 'validation'));
const app = require(path.join(build, 'main.js')).buildApp();
const problems = validateApp(app);
if (problems.length) {
  console.error(`${formatProblems(problems)}\ncdk8s app: ${problems.length} problem(s); nothing was written to ${app.outdir}.`);
  process.exit(1);
}
// Plain files, then the Helm chart (dist/helm/<release>/) and review page (dist/NNNN-<release>.md) of each release.
require(path.join(build, 'lib', 'release')).synthReleases(app);
