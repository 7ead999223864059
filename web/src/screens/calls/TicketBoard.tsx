/** Municipal tickets with their SLA: overdue first and highlighted, the moves the API allows as buttons. */
import { Badge, Button, Center, Group, Loader, Paper, Table, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { useMoveTicket, useMunicipalTickets } from "../../api/queries/tickets";
import { offenseName } from "../../i18n/labels";
import { en } from "../../i18n/locales/en";
import { useNow } from "../alerts/useNow";
import { bySla, isOverdue, movesFrom } from "./sla";

export function TicketBoard({ canMove }: { canMove: boolean }) {
  const { t, i18n } = useTranslation();
  const now = useNow(30_000);
  const tickets = useMunicipalTickets();
  const move = useMoveTicket();
  const rows = useMemo(() => bySla(tickets.data ?? [], now), [tickets.data, now]);
  const statusName = (status: string) =>
    Object.prototype.hasOwnProperty.call(en.tickets.status, status)
      ? t(`tickets.status.${status as keyof typeof en.tickets.status}`)
      : status.replaceAll("_", " ");
  const at = (value: string) => new Date(value).toLocaleString(i18n.resolvedLanguage, { hour12: false });
  let body;
  if (tickets.isPending)
    body = (
      <Center h={60}>
        <Loader size="sm" />
      </Center>
    );
  else if (tickets.isError) body = <Text c="red.4" size="sm">{t("app.failed", { detail: tickets.error.message })}</Text>;
  else if (rows.length === 0) body = <Text c="dimmed" size="sm">{t("tickets.none")}</Text>;
  else
    body = (
      <Table data-testid="municipal-tickets">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("tickets.what")}</Table.Th>
            <Table.Th>{t("tickets.service")}</Table.Th>
            <Table.Th>{t("tickets.statusLabel")}</Table.Th>
            <Table.Th>{t("tickets.due")}</Table.Th>
            <Table.Th>{t("tickets.moves")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((ticket) => {
            const late = isOverdue(ticket, now);
            return (
              <Table.Tr key={ticket.id} bg={late ? "rgba(250, 82, 82, 0.12)" : undefined} data-overdue={late}>
                <Table.Td>{offenseName(t, ticket.code)}</Table.Td>
                <Table.Td>{ticket.service}</Table.Td>
                <Table.Td>{statusName(ticket.status)}</Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" c={late ? "red.4" : undefined} fw={late ? 700 : undefined}>
                      {at(ticket.due_at)}
                    </Text>
                    {late && (
                      <Badge color="red" size="sm">
                        {t("tickets.overdue")}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {canMove &&
                      movesFrom(ticket.status).map((to) => (
                        <Button
                          key={to}
                          size="compact-xs"
                          variant={to === "rejected" ? "subtle" : "light"}
                          color={to === "rejected" ? "gray" : "blue"}
                          loading={move.isPending && move.variables.id === ticket.id && move.variables.status === to}
                          onClick={() => move.mutate({ id: ticket.id, status: to })}
                        >
                          {t(`tickets.moveTo.${to}` as `tickets.moveTo.${keyof typeof en.tickets.moveTo}`)}
                        </Button>
                      ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    );
  return (
    <Paper p="sm" withBorder>
      <Title order={4} mb="xs">
        {t("tickets.title")}
      </Title>
      {move.isError && (
        <Text c="red.4" size="sm" mb="xs">
          {t("tickets.moveFailed", { detail: move.error.message })}
        </Text>
      )}
      {body}
    </Paper>
  );
}
