#!/usr/bin/env node
// The app command of cdk8s.yaml: runs the compiled app, compiling first only when a TypeScript
// source is newer than its output (checking takes milliseconds; `tsc` takes a second, ts-node more),
// and writes dist/ only when every object passes the strict validator (inside app.synth()).
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
// app.synth() validates every object with the strict validator before it writes anything (the library's
// constructs register that validation), then the Helm chart and review page of each release are written.
const app = require(path.join(build, 'main.js')).buildApp();
try {
  require(path.join(build, 'lib', 'release')).synthReleases(app);
} catch (err) {
  console.error(`${err.message}\ncdk8s app: nothing was written to ${app.outdir}.`);
  process.exit(1);
}
