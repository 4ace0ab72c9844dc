// The report's phases (build, images, cluster up...): each a name, a time and a result, kept in
// output/phases.json so that global setup, the tests and the reporter (separate module
// registries, one process) add to one list.
const fs = require('fs');
const path = require('path');

const outputDir = path.join(__dirname, 'output');
const phasesFile = path.join(outputDir, 'phases.json');

function readPhases() {
  try {
    return JSON.parse(fs.readFileSync(phasesFile, 'utf8'));
  } catch {
    return [];
  }
}

function recordPhase(name, seconds, result, detail) {
  fs.mkdirSync(outputDir, { recursive: true });
  const phases = readPhases().filter((p) => p.name !== name);
  phases.push({ name, seconds: Math.round(seconds * 10) / 10, result, ...(detail ? { detail } : {}) });
  fs.writeFileSync(phasesFile, JSON.stringify(phases, null, 2) + '\n');
}

function resetPhases() {
  fs.rmSync(phasesFile, { force: true });
}

module.exports = { outputDir, phasesFile, readPhases, recordPhase, resetPhases };
