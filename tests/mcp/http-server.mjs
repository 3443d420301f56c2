// Real Streamable HTTP MCP server for the Interlock proxy tests (@modelcontextprotocol/sdk, stateful sessions).
// Serves read_text_file / write_file / list_directory with server-filesystem's names and argument shapes (absolute
// paths), listens on 127.0.0.1 port 0 and prints "PORT <n>" on stdout. Every tools/call it receives is appended
// to LOG as one JSON line, so tests can prove what never reached it.
// Usage: node http-server.mjs LOG [--json]   (--json: answer with application/json instead of SSE)
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { appendFileSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { z } from "zod";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

const [log, mode] = process.argv.slice(2);
if (!log) {
  console.error("usage: node http-server.mjs LOG [--json]");
  process.exit(2);
}

function newServer() {
  const server = new McpServer({ name: "interlock-http-test-server", version: "1.0.0" }, { capabilities: { logging: {} } });
  const logged = (name, handler) => async (args, extra) => {
    appendFileSync(log, JSON.stringify({ name, args }) + "\n");
    try {
      return await handler(args, extra);
    } catch (e) {
      return { content: [{ type: "text", text: String(e.message) }], isError: true };
    }
  };
  server.registerTool("read_text_file", {
    description: "Read a file as text.",
    inputSchema: { path: z.string() },
    annotations: { readOnlyHint: true },
  }, logged("read_text_file", async ({ path }, extra) => {
    // A progress-style notification on the request's stream, so the relay sees several messages per POST.
    await extra.sendNotification({ method: "notifications/message", params: { level: "info", data: `reading ${path}` } });
    return { content: [{ type: "text", text: readFileSync(path, "utf8") }] };
  }));
  server.registerTool("write_file", {
    description: "Create or overwrite a file.",
    inputSchema: { path: z.string(), content: z.string() },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  }, logged("write_file", async ({ path, content }) => {
    writeFileSync(path, content);
    return { content: [{ type: "text", text: `Successfully wrote to ${path}` }] };
  }));
  server.registerTool("list_directory", {
    description: "List a directory.",
    inputSchema: { path: z.string() },
    annotations: { readOnlyHint: true },
  }, logged("list_directory", async ({ path }) => {
    // Not tied to this request, so the SDK sends it on the session's GET stream; the pause lets it reach the client first.
    server.sendToolListChanged();
    await new Promise(r => setTimeout(r, 300));
    return { content: [{ type: "text", text: readdirSync(path, { withFileTypes: true }).map(d => `${d.isDirectory() ? "[DIR]" : "[FILE]"} ${d.name}`).join("\n") }] };
  }));
  return server;
}

const transports = new Map();
const http = createServer(async (req, res) => {
  try {
    if (!req.url.startsWith("/mcp")) { res.writeHead(404).end(); return; }
    const sid = req.headers["mcp-session-id"];
    let body;
    if (req.method === "POST") {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    }
    let transport = sid ? transports.get(sid) : undefined;
    if (!transport) {
      if (sid || req.method !== "POST" || body?.method !== "initialize") {
        res.writeHead(sid ? 404 : 400, { "content-type": "application/json" })
          .end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "no valid session" }, id: null }));
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: mode === "--json",
        onsessioninitialized: id => transports.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) transports.delete(transport.sessionId);
        appendFileSync(log, JSON.stringify({ sessionClosed: true }) + "\n");
      };
      await newServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});
http.listen(0, "127.0.0.1", () => {
  process.stdout.write(`PORT ${http.address().port}\n`);
});
