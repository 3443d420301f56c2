// Latency of tools/call through a stdio MCP server command: node bench.mjs N FILE -- COMMAND ARGS...
// Prints p50/p99 in ms of N sequential read_text_file calls of FILE.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const sep = process.argv.indexOf("--");
const n = Number(process.argv[2]);
const file = process.argv[3];
const [command, ...args] = process.argv.slice(sep + 1);
const client = new Client({ name: "interlock-bench", version: "1.0.0" });
await client.connect(new StdioClientTransport({ command, args, stderr: "ignore" }));
const times = [];
for (let i = 0; i < n + 20; i++) {
  const t = performance.now();
  const r = await client.callTool({ name: "read_text_file", arguments: { path: file } });
  if (r.isError) throw new Error(JSON.stringify(r));
  if (i >= 20) times.push(performance.now() - t);
}
await client.close();
times.sort((a, b) => a - b);
const q = p => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
console.log(JSON.stringify({ n, p50: q(0.5), p99: q(0.99) }));
