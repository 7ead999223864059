/** The one TanStack Query client: every piece of server state the console shows lives in its cache. */
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";

import { ApiError } from "../api/client";
import { sessionKey } from "../api/queries/session";

export function makeQueryClient(): QueryClient {
  // A 401 anywhere means the session ended (expired, signed out in another tab): back to sign-in.
  const onError = (error: unknown): void => {
    if (error instanceof ApiError && error.status === 401) {
      client.setQueryData(sessionKey, null);
    }
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
  return client;
}
