// The cluster suite's report: every phase (from phases.json) and every check (each test) with its
// time and result, written to output/report.json and printed as a table at the end of the run.
const fs = require('fs');
const path = require('path');
const { outputDir, readPhases } = require('./phases');

class ClusterReporter {
  constructor() {
    this.checks = [];
  }

  onTestResult(test, result) {
    const file = path.basename(test.path);
    for (const r of result.testResults) {
      this.checks.push({
        file,
        check: r.title,
        seconds: Math.round((r.duration || 0) / 100) / 10,
        result: r.status,
      });
    }
    if (result.testExecError) {
      this.checks.push({ file, check: '(file failed to run)', seconds: 0, result: 'failed', detail: result.testExecError.message });
    }
  }

  onRunComplete() {
    const report = { phases: readPhases(), checks: this.checks };
    fs.mkdirSync(outputDir, { recursive: true });
    fs.writeFileSync(path.join(outputDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    const rows = [
      ...report.phases.map((p) => ['phase', p.name, p.seconds, p.result]),
      ...report.checks.map((c) => [c.file.replace(/\.e2e\.ts$/, ''), c.check, c.seconds, c.result]),
    ];
    const width = [0, 1].map((i) => Math.min(100, Math.max(...rows.map((r) => String(r[i]).length), 5)));
    const line = (r) => `${String(r[0]).padEnd(width[0])}  ${String(r[1]).slice(0, 100).padEnd(width[1])}  ${String(r[2]).padStart(7)} s  ${r[3]}`;
    console.log(`\nCluster suite report (${path.relative(process.cwd(), path.join(outputDir, 'report.json'))})`);
    for (const r of rows) console.log(line(r));
  }
}

module.exports = ClusterReporter;
