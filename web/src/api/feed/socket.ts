/**
 * The live feed's connection: one WebSocket to /api/feed, authenticated by the session cookie the
 * browser sends with the handshake (same origin; no token in the URL), reconnected with backoff.
 *
 * Messages are checked (./events.ts) and handed over in batches, one per ``batchMs``, so a burst of a
 * hundred alerts a second costs the screen ten updates, not a hundred.
 */
import { backoffDelay, FEED_BACKOFF, type BackoffPolicy } from "./backoff";
import { parseFeedMessage, type FeedEvent } from "./events";

/** Close codes the server uses after accepting (src/kuzet/api/routers/feed.py). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export type FeedState =
  | { kind: "connecting"; attempt: number }
  | { kind: "open" }
  | { kind: "waiting"; attempt: number; retryInMs: number }
  | { kind: "signed_out" }
  | { kind: "forbidden" }
  | { kind: "stopped" };

/** The part of the browser's WebSocket this module uses (tests pass a fake). */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface FeedSocketOptions {
  url: string;
  onEvents: (events: FeedEvent[]) => void;
  onState: (state: FeedState) => void;
  /** After every (re)connection: events were missed while away, so reload what the feed patches. */
  onConnected?: () => void;
  /** A connection refused or dropped before it opened: the session may have ended. */
  onRefused?: () => void;
  makeSocket?: (url: string) => SocketLike;
  policy?: BackoffPolicy;
  random?: () => number;
  batchMs?: number;
}

export class FeedSocket {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private pending: FeedEvent[] = [];
  private stopped = true;
  private readonly options: Required<Omit<FeedSocketOptions, "onConnected" | "onRefused">> &
    Pick<FeedSocketOptions, "onConnected" | "onRefused">;

  constructor(options: FeedSocketOptions) {
    this.options = {
      makeSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      policy: FEED_BACKOFF,
      random: Math.random,
      batchMs: 100,
      ...options,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.pending = [];
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.detach(socket);
      socket.close(1000, "signed out");
    }
    this.options.onState({ kind: "stopped" });
  }

  /** Reconnect now (the operator pressed "retry", or the page came back online). */
  retryNow(): void {
    if (this.stopped || this.socket) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private connect(): void {
    this.options.onState({ kind: "connecting", attempt: this.attempt });
    let opened = false;
    const socket = this.options.makeSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.options.onState({ kind: "open" });
      this.options.onConnected?.();
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== "string") return;
      const event = parseFeedMessage(message.data);
      if (event) this.enqueue(event);
    };
    socket.onerror = () => {
      // The close event follows and decides what to do.
    };
    socket.onclose = (closed) => {
      this.detach(socket);
      this.socket = null;
      this.flush();
      if (this.stopped) return;
      if (closed.code === CLOSE_UNAUTHORIZED) {
        this.stopped = true;
        this.options.onState({ kind: "signed_out" });
        return;
      }
      if (closed.code === CLOSE_FORBIDDEN) {
        this.stopped = true;
        this.options.onState({ kind: "forbidden" });
        return;
      }
      if (!opened) this.options.onRefused?.();
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const retryInMs = backoffDelay(this.attempt, this.options.policy, this.options.random);
    this.attempt += 1;
    this.options.onState({ kind: "waiting", attempt: this.attempt, retryInMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, retryInMs);
  }

  private enqueue(event: FeedEvent): void {
    this.pending.push(event);
    if (this.flushTimer === null) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs);
    }
  }

  private flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.options.onEvents(batch);
  }

  private detach(socket: SocketLike): void {
    socket.onopen = socket.onmessage = socket.onerror = null;
    socket.onclose = null;
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.retryTimer = this.flushTimer = null;
  }
}

/** ws(s)://this-host/api/feed: same origin, so the browser sends the session cookie. */
export function feedUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/feed`;
}
