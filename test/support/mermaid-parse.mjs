// Parses the Mermaid diagrams given as a JSON array on stdin with mermaid's own parser (under jsdom,
// which mermaid needs for DOMPurify) and prints a JSON array: the diagram type, or the parse error.
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const diagram of JSON.parse(input)) {
  try {
    const { diagramType } = await mermaid.parse(diagram);
    results.push({ diagramType });
  } catch (e) {
    results.push({ error: String(e.message ?? e).split('\n').slice(0, 3).join('\n') });
  }
}
process.stdout.write(JSON.stringify(results));
