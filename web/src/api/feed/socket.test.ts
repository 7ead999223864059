import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { FeedEvent } from "./events";
import { CLOSE_UNAUTHORIZED, FeedSocket, feedUrl, type FeedState, type SocketLike } from "./socket";

class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  open() {
    this.onopen?.({});
  }
  send(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) });
  }
  drop(code = 1006) {
    this.onclose?.({ code, reason: "" });
  }
  close(code?: number) {
    this.closedWith = code ?? 1000;
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const states: FeedState[] = [];
  const batches: FeedEvent[][] = [];
  const connected = vi.fn();
  const refused = vi.fn();
  const feed = new FeedSocket({
    url: "ws://kuzet.test/api/feed",
    makeSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    onState: (state) => states.push(state),
    onEvents: (events) => batches.push(events),
    onConnected: connected,
    onRefused: refused,
    policy: { baseMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
    batchMs: 50,
  });
  const last = () => sockets[sockets.length - 1] as FakeSocket;
  return { feed, sockets, states, batches, connected, refused, last };
}

const folded = (count: number) => ({
  type: "AlertFolded",
  data: { event_id: `e${count}`, occurred_at: "2026-01-03T10:00:00Z", alert_id: "al-1", code: "fight", count },
});

describe("FeedSocket", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("reconnects with growing waits while the server is away, and resets once connected", () => {
    const h = harness();
    h.feed.start();
    expect(h.sockets).toHaveLength(1);
    h.last().drop();
    expect(h.states.at(-1)).toEqual({ kind: "waiting", attempt: 1, retryInMs: 100 });
    vi.advanceTimersByTime(99);
    expect(h.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(h.sockets).toHaveLength(2);
    h.last().drop();
    expect(h.states.at(-1)).toEqual({ kind: "waiting", attempt: 2, retryInMs: 200 });
    vi.advanceTimersByTime(200);
    h.last().open();
    expect(h.states.at(-1)).toEqual({ kind: "open" });
    expect(h.connected).toHaveBeenCalledTimes(1);
    h.last().drop();
    expect(h.states.at(-1)).toEqual({ kind: "waiting", attempt: 1, retryInMs: 100 });
  });

  it("caps the wait", () => {
    const h = harness();
    h.feed.start();
    for (let i = 0; i < 8; i += 1) {
      h.last().drop();
      vi.runOnlyPendingTimers();
    }
    h.last().drop();
    const state = h.states.at(-1);
    expect(state?.kind === "waiting" && state.retryInMs).toBe(1000);
  });

  it("tells the session a handshake was refused, not a dropped open connection", () => {
    const h = harness();
    h.feed.start();
    h.last().drop();
    expect(h.refused).toHaveBeenCalledTimes(1);
    vi.runOnlyPendingTimers();
    h.last().open();
    h.last().drop();
    expect(h.refused).toHaveBeenCalledTimes(1);
  });

  it("stops for good when the server says the session ended", () => {
    const h = harness();
    h.feed.start();
    h.last().open();
    h.last().drop(CLOSE_UNAUTHORIZED);
    expect(h.states.at(-1)).toEqual({ kind: "signed_out" });
    vi.runAllTimers();
    expect(h.sockets).toHaveLength(1);
  });

  it("hands events over in batches and drops what it cannot read", () => {
    const h = harness();
    h.feed.start();
    h.last().open();
    h.last().send(folded(2));
    h.last().send({ type: "Nonsense", data: {} });
    h.last().send(folded(3));
    expect(h.batches).toHaveLength(0);
    vi.advanceTimersByTime(50);
    expect(h.batches).toHaveLength(1);
    expect(h.batches[0]?.map((e) => e.type === "AlertFolded" && e.data.count)).toEqual([2, 3]);
  });

  it("closes the socket and schedules nothing after stop", () => {
    const h = harness();
    h.feed.start();
    const socket = h.last();
    socket.open();
    h.feed.stop();
    expect(socket.closedWith).toBe(1000);
    expect(h.states.at(-1)).toEqual({ kind: "stopped" });
    vi.runAllTimers();
    expect(h.sockets).toHaveLength(1);
  });

  it("reconnects at once when asked while waiting", () => {
    const h = harness();
    h.feed.start();
    h.last().drop();
    h.feed.retryNow();
    expect(h.sockets).toHaveLength(2);
    vi.runAllTimers();
    expect(h.sockets).toHaveLength(2);
  });
});

describe("feedUrl", () => {
  it("follows the page's scheme and host, with no token", () => {
    expect(feedUrl({ protocol: "http:", host: "10.0.0.5:8040" })).toBe("ws://10.0.0.5:8040/api/feed");
    expect(feedUrl({ protocol: "https:", host: "occ.city" })).toBe("wss://occ.city/api/feed");
  });
});
