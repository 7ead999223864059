/**
 * Authentication without a script-readable token, in one place so it is easy to adjust.
 *
 * `POST /api/auth/session` (the sign-in form) makes the server set two cookies: the session, HttpOnly
 * (no script, ours or an injected one, can read it), and a CSRF value that scripts may read. The browser
 * sends the session cookie with every same-origin request, <img> and the /api/feed WebSocket; every
 * unsafe request must also carry the CSRF value in a header, which a page on another origin cannot read
 * and so cannot forge. Nothing is ever written to localStorage, sessionStorage or a URL.
 */
import type { Middleware } from "openapi-fetch";

/** The names the server uses (src/kuzet/api/routers/auth.py). */
export const CSRF_COOKIE = "kuzet_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** The value of cookie ``name`` in a ``document.cookie`` string, or null. */
export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

function documentCookies(): string {
  return typeof document === "undefined" ? "" : document.cookie;
}

/**
 * Whether this browser may hold a session: the server sets and clears both cookies together, so without
 * the CSRF cookie there is no session cookie either, and the console need not ask (and log a 401).
 */
export function mayHaveSession(readCookies: () => string = documentCookies): boolean {
  return readCookie(readCookies(), CSRF_COOKIE) !== null;
}

/** Adds the CSRF header to every unsafe request (POST, PUT, PATCH, DELETE), never to reads. */
export function csrfMiddleware(readCookies: () => string = documentCookies): Middleware {
  return {
    onRequest({ request }) {
      if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
      const token = readCookie(readCookies(), CSRF_COOKIE);
      if (token !== null && token !== "") {
        request.headers.set(CSRF_HEADER, token);
      }
      return request;
    },
  };
}

/** The sign-in form as the server wants it (OAuth2 password form fields). */
export function signInForm(username: string, password: string): URLSearchParams {
  return new URLSearchParams({ username, password });
}
