/** Municipal tickets' SLA: overdue, the moves the API allows (TICKET_FLOW in domain/operations/field.py), order. */
import type { TicketStatus } from "../../api/queries/tickets";

export const TICKET_MOVES: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ["assigned", "rejected"],
  assigned: ["in_progress", "done", "rejected"],
  in_progress: ["done"],
  done: [],
  rejected: [],
};

export function movesFrom(status: string): readonly TicketStatus[] {
  return Object.prototype.hasOwnProperty.call(TICKET_MOVES, status) ? TICKET_MOVES[status as TicketStatus] : [];
}

/** Overdue at ``now``: still open (not done or rejected) and past its due time. */
export function isOverdue(ticket: { status: string; due_at: string }, now: number): boolean {
  if (ticket.status === "done" || ticket.status === "rejected") return false;
  const due = Date.parse(ticket.due_at);
  return Number.isFinite(due) && due < now;
}

/** Overdue first, then by due time, soonest first; ties by id. */
export function bySla<T extends { id: string; status: string; due_at: string }>(tickets: readonly T[], now: number): T[] {
  return [...tickets].sort((a, b) => {
    const late = Number(isOverdue(b, now)) - Number(isOverdue(a, now));
    return late || Date.parse(a.due_at) - Date.parse(b.due_at) || a.id.localeCompare(b.id);
  });
}
