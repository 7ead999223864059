/** Who is signed in: `GET /api/auth/me`, sign-in and sign-out (cookies: see ../auth.ts). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { mayHaveSession, signInForm } from "../auth";
import { api, ApiError, toErrorBody, unwrap, type Schemas } from "../client";

export type Session = Schemas["SessionPublic"];
export const sessionKey = ["session"] as const;

/** The permissions the console asks about (Permission in src/kuzet/domain/users/model.py). */
export type Permission =
  | "alerts:read"
  | "alerts:write"
  | "incidents:read"
  | "incidents:write"
  | "dispatch:write"
  | "cameras:read"
  | "units:read"
  | "districts:read"
  | "camera_health:read"
  | "fleet:read"
  | "calls:write"
  | "tickets:read"
  | "tickets:write"
  | "feed:read"
  | "archive:read";

export function can(session: Session | null | undefined, permission: Permission): boolean {
  return session?.permissions.includes(permission) ?? false;
}

/** The session, or null when nobody is signed in (a 401 is an answer here, not an error). */
export async function fetchSession(): Promise<Session | null> {
  if (!mayHaveSession()) return null;
  const { data, error, response } = await api.GET("/api/auth/me");
  if (response.status === 401) return null;
  if (!response.ok || data === undefined) {
    throw new ApiError(response.status, toErrorBody(response.status, error));
  }
  return data;
}

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 5 * 60_000, retry: 1 });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      unwrap(
        api.POST("/api/auth/session", {
          body: { username, password },
          bodySerializer: (body) => signInForm(body.username, body.password),
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
      ),
    onSuccess: (session) => {
      queryClient.clear();
      queryClient.setQueryData(sessionKey, session);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/logout")),
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(sessionKey, null);
    },
  });
}
