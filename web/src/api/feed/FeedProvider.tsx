/**
 * Owns the live feed while someone is signed in: one socket for the whole console, its state for the
 * shell's indicator, and the events for the query layer (../queries/*), which patches the cache.
 */
import { useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";

import { sessionKey } from "../queries/session";
import type { FeedEvent } from "./events";
import { FeedSocket, feedUrl, type FeedState } from "./socket";

type Listener = (events: FeedEvent[]) => void;
type ConnectedListener = () => void;

interface FeedContextValue {
  state: FeedState;
  subscribe: (listener: Listener, onConnected?: ConnectedListener) => () => void;
  retryNow: () => void;
}

const FeedContext = createContext<FeedContextValue | null>(null);

export function FeedProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<FeedState>({ kind: "stopped" });
  const listeners = useRef(new Set<Listener>());
  const connectedListeners = useRef(new Set<ConnectedListener>());
  const socket = useRef<FeedSocket | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;
    const feed = new FeedSocket({
      url: feedUrl(window.location),
      onState: setState,
      onEvents: (events) => listeners.current.forEach((listener) => listener(events)),
      onConnected: () => connectedListeners.current.forEach((listener) => listener()),
      // The handshake was refused or dropped: if the session ended, sign-in takes over.
      onRefused: () => void queryClient.invalidateQueries({ queryKey: sessionKey }),
    });
    socket.current = feed;
    feed.start();
    const online = () => feed.retryNow();
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("online", online);
      feed.stop();
      socket.current = null;
    };
  }, [enabled, queryClient]);

  useEffect(() => {
    if (state.kind === "signed_out") void queryClient.invalidateQueries({ queryKey: sessionKey });
  }, [state, queryClient]);

  const subscribe = useCallback((listener: Listener, onConnected?: ConnectedListener) => {
    listeners.current.add(listener);
    if (onConnected) connectedListeners.current.add(onConnected);
    return () => {
      listeners.current.delete(listener);
      if (onConnected) connectedListeners.current.delete(onConnected);
    };
  }, []);
  const retryNow = useCallback(() => socket.current?.retryNow(), []);
  const value = useMemo<FeedContextValue>(
    () => ({ state, subscribe, retryNow }),
    [state, subscribe, retryNow],
  );
  return <FeedContext.Provider value={value}>{children}</FeedContext.Provider>;
}

function useFeedContext(): FeedContextValue {
  const context = useContext(FeedContext);
  if (context === null) throw new Error("useFeed outside <FeedProvider>");
  return context;
}

export function useFeedState(): { state: FeedState; retryNow: () => void } {
  const { state, retryNow } = useFeedContext();
  return { state, retryNow };
}

/** Call ``onEvents`` with each batch of feed events, and ``onConnected`` after each (re)connection. */
export function useFeedEvents(onEvents: Listener, onConnected?: ConnectedListener): void {
  const { subscribe } = useFeedContext();
  const latest = useRef({ onEvents, onConnected });
  useEffect(() => {
    latest.current = { onEvents, onConnected };
  });
  useEffect(
    () =>
      subscribe(
        (events) => latest.current.onEvents(events),
        () => latest.current.onConnected?.(),
      ),
    [subscribe],
  );
}
