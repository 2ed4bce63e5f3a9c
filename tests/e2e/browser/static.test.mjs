// imedge serving web/ over HTTP, checked with raw requests (node:http sends the path as given,
// so traversal attempts reach the server unnormalised).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import { baseUrl } from "./lib/browser.mjs";

function request(path, { method = "GET", headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl()}/`, { method, path, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const webRoot = new URL("../../../web/", import.meta.url);

describe("static files", () => {
  test("the page, its modules and the pinned socket.io client, with content types", async () => {
    const page = await request("/");
    assert.equal(page.status, 200);
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.deepEqual(page.body, fs.readFileSync(new URL("index.html", webRoot)));
    const mod = await request("/js/im_client.mjs?v=1");
    assert.equal(mod.status, 200);
    assert.equal(mod.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal((await request("/style.css")).headers["content-type"], "text/css; charset=utf-8");
    const client = await request("/socket.io/socket.io.min.js");
    assert.equal(client.status, 200);
    assert.deepEqual(client.body,
      fs.readFileSync(new URL("node_modules/socket.io-client/dist/socket.io.min.js", webRoot)));
  });

  test("HEAD, ETag revalidation, and methods other than GET/HEAD", async () => {
    const head = await request("/index.html", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(Number(head.headers["content-length"]), fs.statSync(new URL("index.html", webRoot)).size);
    const etag = head.headers.etag;
    assert.match(etag, /^"[0-9a-f]{16}"$/);
    assert.equal((await request("/index.html", { headers: { "if-none-match": etag } })).status, 304);
    assert.equal((await request("/index.html", { headers: { "if-none-match": '"other"' } })).status, 200);
    const post = await request("/index.html", { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET, HEAD");
  });

  test("missing files 404; paths that could leave the root 400; private files are not served", async () => {
    assert.equal((await request("/nope.html")).status, 404);
    for (const path of ["/../README.md", "/js/../../README.md", "/%2e%2e/README.md", "/%2E%2E%2fREADME.md",
      "//etc/passwd", "/..%5cREADME.md", "/.%2e/README.md", "/a%00.html"]) {
      assert.equal((await request(path)).status, 400, path);
    }
    for (const path of ["/package.json", "/package-lock.json", "/node_modules/socket.io-client/package.json"])
      assert.equal((await request(path)).status, 404, path);
    // Still the IM server on the same port.
    assert.equal((await request("/healthz")).status, 200);
  });
});
