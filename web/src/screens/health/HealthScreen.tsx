/**
 * Camera health and the fleet: the cameras down now (since when, ticking, and why), uptime by district
 * over 24 h or 7 d, and the maintenance tickets, open first. Everything refreshes every 30 s.
 */
import { Badge, Center, Group, Loader, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { useCamerasDown } from "../../api/queries/cameras";
import { useMaintenanceTickets, useUptime } from "../../api/queries/health";
import { can, useSession } from "../../api/queries/session";
import { offenseName } from "../../i18n/labels";
import { en } from "../../i18n/locales/en";
import { useNow } from "../alerts/useNow";
import { byTicketUrgency, byUptime, formatDuration, formatUptime, uptimeColor, type DurationUnits } from "./health";

const HOUR = 3_600_000;
const WINDOWS = { day: 24 * HOUR, week: 7 * 24 * HOUR } as const;
type WindowKey = keyof typeof WINDOWS;

function useUnits(): DurationUnits {
  const { t } = useTranslation();
  return { d: t("health.unit.d"), h: t("health.unit.h"), m: t("health.unit.m"), s: t("health.unit.s") };
}

function Failed({ detail }: { detail: string }) {
  const { t } = useTranslation();
  return (
    <Text c="red.4" size="sm">
      {t("app.failed", { detail })}
    </Text>
  );
}

function Loading() {
  return (
    <Center h={60}>
      <Loader size="sm" />
    </Center>
  );
}

function deviceStateName(t: ReturnType<typeof useTranslation>["t"], state: string): string {
  return Object.prototype.hasOwnProperty.call(en.health.deviceState, state)
    ? t(`health.deviceState.${state as keyof typeof en.health.deviceState}`)
    : state.replaceAll("_", " ");
}

function DownNow() {
  const { t, i18n } = useTranslation();
  const units = useUnits();
  const now = useNow(1000);
  const down = useCamerasDown();
  let body;
  if (down.isPending) body = <Loading />;
  else if (down.isError) body = <Failed detail={down.error.message} />;
  else if (down.data.length === 0)
    body = (
      <Text c="dimmed" size="sm" data-testid="health-none-down">
        {t("health.noneDown")}
      </Text>
    );
  else
    body = (
      <Table striped highlightOnHover data-testid="health-down">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("health.camera")}</Table.Th>
            <Table.Th>{t("health.district")}</Table.Th>
            <Table.Th>{t("health.condition")}</Table.Th>
            <Table.Th>{t("health.since")}</Table.Th>
            <Table.Th>{t("health.downFor")}</Table.Th>
            <Table.Th>{t("health.why")}</Table.Th>
            <Table.Th>{t("health.device")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {down.data.map((camera) => {
            const since = Date.parse(camera.since);
            return (
              <Table.Tr key={camera.camera_id}>
                <Table.Td ff="monospace">{camera.camera_id}</Table.Td>
                <Table.Td>{camera.district_id}</Table.Td>
                <Table.Td>
                  <Badge color="red" variant="light">
                    {offenseName(t, `camera_${camera.condition}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{new Date(since).toLocaleString(i18n.resolvedLanguage, { hour12: false })}</Table.Td>
                <Table.Td ff="monospace">{formatDuration(now - since, units)}</Table.Td>
                <Table.Td>{camera.detail || "—"}</Table.Td>
                <Table.Td>{deviceStateName(t, camera.device_state)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    );
  return (
    <Paper p="sm" withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t("health.downTitle")}</Title>
        {down.data && <Badge color={down.data.length ? "red" : "green"}>{down.data.length}</Badge>}
      </Group>
      {body}
    </Paper>
  );
}

function UptimeByDistrict() {
  const { t } = useTranslation();
  const [window, setWindow] = useState<WindowKey>("day");
  const uptime = useUptime(WINDOWS[window]);
  const districts = useMemo(() => byUptime(uptime.data?.districts ?? []), [uptime.data]);
  let body;
  if (uptime.isPending) body = <Loading />;
  else if (uptime.isError) body = <Failed detail={uptime.error.message} />;
  else if (districts.length === 0) body = <Text c="dimmed" size="sm">{t("health.noDistricts")}</Text>;
  else
    body = (
      <Stack gap={6} data-testid="health-uptime">
        {districts.map((district) => (
          <div key={district.id}>
            <Group justify="space-between" gap="xs">
              <Text size="sm">{district.id}</Text>
              <Text size="sm" ff="monospace" c={uptimeColor(district.uptime)}>
                {formatUptime(district.uptime)}
              </Text>
            </Group>
            <Progress
              value={(district.uptime ?? 0) * 100}
              color={uptimeColor(district.uptime)}
              size="sm"
              aria-label={t("health.uptimeOf", { district: district.id })}
            />
          </div>
        ))}
      </Stack>
    );
  return (
    <Paper p="sm" withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t("health.uptimeTitle")}</Title>
        <SegmentedControl
          size="xs"
          value={window}
          onChange={(value) => setWindow(value as WindowKey)}
          data={[
            { value: "day", label: t("health.window24h") },
            { value: "week", label: t("health.window7d") },
          ]}
        />
      </Group>
      {body}
    </Paper>
  );
}

function MaintenanceTickets() {
  const { t, i18n } = useTranslation();
  const tickets = useMaintenanceTickets();
  const rows = useMemo(() => byTicketUrgency(tickets.data ?? []), [tickets.data]);
  const at = (value: string | null) =>
    value === null ? "—" : new Date(value).toLocaleString(i18n.resolvedLanguage, { hour12: false });
  let body;
  if (tickets.isPending) body = <Loading />;
  else if (tickets.isError) body = <Failed detail={tickets.error.message} />;
  else if (rows.length === 0) body = <Text c="dimmed" size="sm">{t("health.noTickets")}</Text>;
  else
    body = (
      <Table striped data-testid="health-tickets">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("health.camera")}</Table.Th>
            <Table.Th>{t("health.ticketStatus")}</Table.Th>
            <Table.Th>{t("health.openedAt")}</Table.Th>
            <Table.Th>{t("health.why")}</Table.Th>
            <Table.Th>{t("health.closedAt")}</Table.Th>
            <Table.Th>{t("health.resolution")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((ticket) => {
            const open = ticket.status === "open";
            return (
              <Table.Tr key={ticket.id}>
                <Table.Td ff="monospace">{ticket.camera_id}</Table.Td>
                <Table.Td>
                  <Badge color={open ? "orange" : "gray"} variant="light">
                    {open ? t("health.ticketOpen") : t("health.ticketClosed")}
                  </Badge>
                </Table.Td>
                <Table.Td>{at(ticket.opened_at)}</Table.Td>
                <Table.Td>{ticket.reason || "—"}</Table.Td>
                <Table.Td>{at(ticket.closed_at)}</Table.Td>
                <Table.Td>{ticket.resolution || "—"}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    );
  return (
    <Paper p="sm" withBorder>
      <Title order={4} mb="xs">
        {t("health.ticketsTitle")}
      </Title>
      {body}
    </Paper>
  );
}

export function HealthScreen() {
  const { t } = useTranslation();
  const { data: session } = useSession();
  return (
    <Stack p="md" gap="sm" h="100%" style={{ overflowY: "auto" }}>
      <Group justify="space-between">
        <Title order={3}>{t("health.title")}</Title>
        <Text size="xs" c="dimmed">
          {t("health.refresh")}
        </Text>
      </Group>
      <DownNow />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <UptimeByDistrict />
        {can(session, "fleet:read") && <MaintenanceTickets />}
      </SimpleGrid>
    </Stack>
  );
}
