// Runs the cluster suite's files in name order: each release is applied after the ones before it,
// as `kubectl apply -f dist/` would.
const Sequencer = require('@jest/test-sequencer').default;

module.exports = class ByName extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path));
  }
};
