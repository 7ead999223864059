/**
 * Incidents and dispatch: the board of incidents (open first, most urgent, waiting longest), live with
 * the feed; the selected incident's card (`/incidents/:id`) with its moves and the units to send; and
 * the unit status board. Keys: J/K or arrows move, S sends the recommended unit, N writes a note,
 * F switches open/all, ? lists the keys.
 */
import { ActionIcon, Box, Center, Group, Kbd, Loader, Modal, SegmentedControl, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconKeyboard } from "@tabler/icons-react";
import { useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";

import { ApiError } from "../../api/client";
import { useUnits } from "../../api/queries/cameras";
import {
  useAddNote,
  useChangeIncidentState,
  useDispatchUnits,
  useIncident,
  useIncidentFeedSync,
  useIncidents,
  useLinkedAlerts,
  useRecommendations,
  type Incident,
} from "../../api/queries/incidents";
import { can, useSession } from "../../api/queries/session";
import { incidentStateName } from "../../i18n/labels";
import { CardPlaceholder, IncidentCard } from "./IncidentCard";
import { IncidentList } from "./IncidentList";
import { UnitBoard } from "./UnitBoard";
import { boardOrder, canDispatch } from "./workflow";

type Filter = "open" | "all";

const KEYS: [string, "next" | "previous" | "dispatch" | "note" | "filter" | "help"][] = [
  ["J / ↓", "next"],
  ["K / ↑", "previous"],
  ["S", "dispatch"],
  ["N", "note"],
  ["F", "filter"],
  ["?", "help"],
];

export function IncidentsScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id: selectedId = null } = useParams<{ id: string }>();
  const { data: session } = useSession();
  const mayRead = can(session, "incidents:read");
  const mayWrite = can(session, "incidents:write");
  const mayDispatch = can(session, "dispatch:write");
  const [filter, setFilter] = useState<Filter>("open");
  const [keysOpen, setKeysOpen] = useState(false);
  const noteField = useRef<HTMLTextAreaElement>(null);
  useIncidentFeedSync();

  const list = useIncidents(filter === "open", mayRead);
  const ordered = useMemo(() => boardOrder(list.data ?? []), [list.data]);
  const incident = useIncident(mayRead ? selectedId : null);
  const units = useUnits(can(session, "units:read"));
  const current: Incident | undefined = incident.data;
  const recommendations = useRecommendations(selectedId, mayDispatch && current !== undefined && canDispatch(current));
  const linked = useLinkedAlerts(selectedId, can(session, "alerts:read"));
  const children = useMemo(
    () => (list.data ?? []).filter((i) => selectedId !== null && i.parent_id === selectedId),
    [list.data, selectedId],
  );

  const changeState = useChangeIncidentState();
  const dispatch = useDispatchUnits();
  const addNote = useAddNote();
  const busy = changeState.isPending || dispatch.isPending || addNote.isPending;

  const failed = (error: Error) =>
    notifications.show({
      color: error instanceof ApiError && error.isConflict ? "yellow" : "red",
      message:
        error instanceof ApiError && error.isConflict
          ? t("card.conflict", { detail: error.message })
          : t("action.failed", { detail: error.message }),
    });
  const done = (message: string) => notifications.show({ color: "teal", message, autoClose: 2500 });

  const select = (id: string) => void navigate(`/incidents/${id}`);
  const move = (step: number) => {
    if (ordered.length === 0) return;
    const index = selectedId === null ? -1 : ordered.findIndex((i) => i.id === selectedId);
    const next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), ordered.length - 1);
    const target = ordered[next];
    if (target) select(target.id);
  };
  const sendUnits = (unitIds: string[]) => {
    if (!current || busy) return;
    dispatch.mutate(
      { incident: current, unitIds },
      {
        onSuccess: () => {
          const names = unitIds.map((id) => units.data?.find((u) => u.id === id)?.call_sign ?? id).join(", ");
          done(t("dispatch.done", { units: names }));
        },
        onError: failed,
      },
    );
  };
  const sendRecommended = () => {
    const first = recommendations.data?.[0];
    if (first && current && mayDispatch && canDispatch(current)) sendUnits([first.unit_id]);
  };

  const physical = { usePhysicalKeys: true };
  const when = (run: () => void) => () => {
    if (!keysOpen) run();
  };
  useHotkeys(
    [
      ["j", when(() => move(1)), physical],
      ["ArrowDown", when(() => move(1)), physical],
      ["k", when(() => move(-1)), physical],
      ["ArrowUp", when(() => move(-1)), physical],
      ["s", when(sendRecommended), physical],
      ["n", when(() => noteField.current?.focus()), physical],
      ["f", when(() => setFilter((f) => (f === "open" ? "all" : "open"))), physical],
      ["shift+slash", () => setKeysOpen((open) => !open), physical],
    ],
    ["INPUT", "TEXTAREA", "SELECT"],
  );

  if (!mayRead) {
    return (
      <Center h="100%">
        <Text c="dimmed">{t("incidents.noPermission")}</Text>
      </Center>
    );
  }

  const openCount = ordered.filter((i) => i.state !== "closed" && i.state !== "resolved").length;
  return (
    <Group h="100%" gap={0} align="stretch" wrap="nowrap">
      <Stack w={340} miw={300} gap={0} h="100%">
        <Stack px="sm" py={6} gap={4}>
          <Group justify="space-between" wrap="nowrap">
            <Title order={4}>{t("incidents.title")}</Title>
            <Tooltip label={t("incidents.keys")}>
              <ActionIcon variant="subtle" aria-label={t("incidents.keys")} onClick={() => setKeysOpen(true)}>
                <IconKeyboard size={18} />
              </ActionIcon>
            </Tooltip>
          </Group>
          <Group justify="space-between" wrap="nowrap">
            <SegmentedControl
              size="xs"
              value={filter}
              onChange={(value) => setFilter(value as Filter)}
              data={[
                { value: "open", label: t("incidents.filterOpen") },
                { value: "all", label: t("incidents.filterAll") },
              ]}
              aria-label={t("incidents.filter")}
            />
            <Text size="sm" c="dimmed">
              {t("incidents.open", { count: openCount })}
            </Text>
          </Group>
        </Stack>
        <Box flex={1} mih={0}>
          {list.isPending ? (
            <Center h="100%">
              <Loader aria-label={t("app.loading")} />
            </Center>
          ) : list.isError ? (
            <Center h="100%">
              <Text c="red">{t("app.failed", { detail: list.error.message })}</Text>
            </Center>
          ) : ordered.length === 0 ? (
            <Center h="100%">
              <Text c="dimmed">{t("incidents.empty")}</Text>
            </Center>
          ) : (
            <IncidentList incidents={ordered} selectedId={selectedId} onSelect={select} />
          )}
        </Box>
      </Stack>
      <Box flex={1} miw={0} h="100%" bg="dark.8">
        {selectedId === null ? (
          <CardPlaceholder text={t("incidents.nothingSelected")} />
        ) : incident.isPending ? (
          <CardPlaceholder text={t("app.loading")} loading />
        ) : incident.isError || current === undefined ? (
          <CardPlaceholder text={t("app.failed", { detail: incident.error?.message ?? "" })} />
        ) : (
          <IncidentCard
            key={current.id}
            incident={current}
            subIncidents={children}
            units={units.data ?? []}
            recommendations={recommendations.data}
            recommendationsLoading={recommendations.isPending && recommendations.fetchStatus !== "idle"}
            linkedAlerts={linked.data}
            canWrite={mayWrite}
            canDispatchUnits={mayDispatch}
            busy={busy}
            noteField={noteField}
            onMove={(to, closureCode) =>
              changeState.mutate(
                { incident: current, to, ...(closureCode ? { closureCode } : {}) },
                {
                  onSuccess: (moved) => done(t("card.moved", { state: incidentStateName(t, moved.state) })),
                  onError: failed,
                },
              )
            }
            onDispatch={sendUnits}
            onNote={(text) =>
              addNote.mutateAsync(
                { incident: current, text },
                { onSuccess: () => done(t("card.noteSaved")), onError: failed },
              )
            }
          />
        )}
      </Box>
      <Box w={430} miw={360} h="100%" style={{ borderLeft: "1px solid var(--mantine-color-dark-6)" }}>
        <UnitBoard units={units.data} loading={units.isPending} highlight={new Set(current?.unit_ids ?? [])} />
      </Box>
      <Modal opened={keysOpen} onClose={() => setKeysOpen(false)} title={t("incidents.keys")} centered>
        <Table>
          <Table.Tbody>
            {KEYS.map(([key, what]) => (
              <Table.Tr key={what}>
                <Table.Td>
                  <Kbd>{key}</Kbd>
                </Table.Td>
                <Table.Td>{t(`incidents.key.${what}`)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Modal>
    </Group>
  );
}
