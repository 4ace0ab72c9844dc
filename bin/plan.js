#!/usr/bin/env node
// `npm run plan`: what applying the current code would change, per release, against the committed
// dist/ (or `--against <dir>`), with the changes the API server would refuse; exits 1 on those.
// package.json compiles first (`tsc && node bin/plan.js`).
'use strict';
const path = require('path');

const build = path.resolve(__dirname, '..', 'build');
const { runPlan } = require(path.join(build, 'lib', 'release', 'plan-cli.js'));
const { buildApp } = require(path.join(build, 'main.js'));
process.exitCode = runPlan(process.argv.slice(2), buildApp);
