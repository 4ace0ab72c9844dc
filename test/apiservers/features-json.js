'use strict';
// The vendored form of a release's default feature gates: `{ release, features: { <gate>: { enabled, stage } } }`,
// gates sorted, one a line. Used by judge.js, and as a filter for gates-v1.28's output:
//   go run ./gates-v1.28 | node features-json.js > lib/validation/definitions/features-1.28.json

/** The file's text for `release` and `features` (gate -> { enabled, stage }). */
function featuresJson(release, features) {
  const lines = Object.keys(features).sort().map(name => `  ${JSON.stringify(name)}: ${JSON.stringify({ enabled: features[name].enabled, stage: features[name].stage })}`);
  return `{\n "release": ${JSON.stringify(release)},\n "features": {\n${lines.join(',\n')}\n }\n}\n`;
}

if (require.main === module) {
  const chunks = [];
  process.stdin.on('data', c => chunks.push(c));
  process.stdin.on('end', () => {
    const { release, features } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    process.stdout.write(featuresJson(release, features));
  });
}

module.exports = { featuresJson };
