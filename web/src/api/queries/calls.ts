/** Citizen calls: taking one opens an incident (POST /api/calls). */
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../client";

export type CallCreate = Schemas["CallCreate"];
export type CallTaken = Schemas["CallTaken"];
export type CallCategory = NonNullable<CallCreate["category"]>;

export function useTakeCall() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CallCreate) => unwrap(api.POST("/api/calls", { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["incidents"] }),
  });
}
