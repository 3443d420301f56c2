// Real MCP client for the Interlock proxy tests: connects over stdio to the command given after `--`,
// runs the steps in the JSON file given as the first argument, and prints one JSON object with the results.
// Usage: node client.mjs STEPS.json -- COMMAND ARGS...
//    or: node client.mjs STEPS.json --url URL   (Streamable HTTP, to compare with a server reached directly)
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const sep = process.argv.indexOf("--");
const url = process.argv[3] === "--url" ? process.argv[4] : undefined;
if (!url && (sep < 0 || sep + 1 >= process.argv.length)) {
  console.error("usage: node client.mjs STEPS.json -- COMMAND ARGS... | node client.mjs STEPS.json --url URL");
  process.exit(2);
}
const steps = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [command, ...args] = process.argv.slice(sep + 1);
const transport = url
  ? new StreamableHTTPClientTransport(new URL(url))
  : new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
const client = new Client({ name: "interlock-test-client", version: "1.0.0" });
const out = { calls: [], logs: [], toolListChanged: 0 };
client.setNotificationHandler(LoggingMessageNotificationSchema, n => { out.logs.push(n.params); });
client.setNotificationHandler(ToolListChangedNotificationSchema, () => { out.toolListChanged++; });
try {
  await client.connect(transport);
  out.server = client.getServerVersion();
  out.tools = (await client.listTools()).tools;
  for (const step of steps) {
    try {
      const result = await client.callTool({ name: step.name, arguments: step.arguments });
      out.calls.push({ name: step.name, result });
    } catch (e) {
      out.calls.push({ name: step.name, error: { code: e.code, message: String(e.message) } });
    }
  }
} catch (e) {
  out.fatal = String(e && e.stack || e);
} finally {
  await client.close().catch(() => {});
}
process.stdout.write(JSON.stringify(out) + "\n");
