import { describe, expect, it } from "vitest";

import { CSRF_HEADER, mayHaveSession, readCookie } from "./auth";
import { makeClient } from "./client";

function recordingFetch() {
  const seen: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    seen.push(input instanceof Request ? input : new Request(input, init));
    return new Response(JSON.stringify({ id: "al-1" }), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

describe("readCookie", () => {
  it("finds a cookie among others and decodes it", () => {
    expect(readCookie("a=1; kuzet_csrf=abc.def%3D; b=2", "kuzet_csrf")).toBe("abc.def=");
  });
  it("does not match a cookie whose name only ends with the name", () => {
    expect(readCookie("not_kuzet_csrf=x", "kuzet_csrf")).toBeNull();
  });
  it("is null without cookies", () => {
    expect(readCookie("", "kuzet_csrf")).toBeNull();
  });
});

describe("the CSRF middleware", () => {
  const cookies = () => "theme=dark; kuzet_csrf=nonce.mac";

  it("sends the CSRF cookie's value on unsafe requests", async () => {
    const { seen, fetch } = recordingFetch();
    const client = makeClient({ baseUrl: "http://kuzet.test", fetch, readCookies: cookies });
    await client.POST("/api/alerts/{alert_id}/acknowledge", {
      params: { path: { alert_id: "al-1" } },
      body: { version: 3 },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.get(CSRF_HEADER)).toBe("nonce.mac");
    expect(seen[0]?.credentials).toBe("same-origin");
  });

  it("sends nothing extra on reads", async () => {
    const { seen, fetch } = recordingFetch();
    const client = makeClient({ baseUrl: "http://kuzet.test", fetch, readCookies: cookies });
    await client.GET("/api/alerts", { params: { query: { active: true, limit: 10 } } });
    expect(seen[0]?.headers.has(CSRF_HEADER)).toBe(false);
  });

  it("sends no header when there is no CSRF cookie (the server then refuses with 403)", async () => {
    const { seen, fetch } = recordingFetch();
    const client = makeClient({ baseUrl: "http://kuzet.test", fetch, readCookies: () => "other=1" });
    await client.POST("/api/auth/logout");
    expect(seen[0]?.headers.has(CSRF_HEADER)).toBe(false);
  });

  it("never puts a token in the URL", async () => {
    const { seen, fetch } = recordingFetch();
    const client = makeClient({ baseUrl: "http://kuzet.test", fetch, readCookies: cookies });
    await client.POST("/api/auth/logout");
    expect(seen[0]?.url).toBe("http://kuzet.test/api/auth/logout");
  });
});

describe("mayHaveSession", () => {
  it("follows the CSRF cookie, which the server sets and clears with the session cookie", () => {
    expect(mayHaveSession(() => "kuzet_csrf=x")).toBe(true);
    expect(mayHaveSession(() => "")).toBe(false);
  });
});
