/** Municipal tickets with their SLA: the board's list and the status moves (GET/POST /api/tickets). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../client";

export type MunicipalTicket = Schemas["TicketPublic"];
export type TicketStatus = Schemas["TicketMove"]["status"];
export const ticketsKey = ["tickets"] as const;

export function useMunicipalTickets(enabled = true) {
  return useQuery({
    queryKey: ticketsKey,
    queryFn: () => unwrap(api.GET("/api/tickets", { params: { query: { open_only: true } } })),
    enabled,
    refetchInterval: 30_000,
  });
}

export function useMoveTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: TicketStatus }) =>
      unwrap(api.POST("/api/tickets/{ticket_id}/status", { params: { path: { ticket_id: id } }, body: { status } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ticketsKey }),
  });
}
