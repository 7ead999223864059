/**
 * One incident: its state with the moves the state machine allows as buttons, the units the server
 * recommends by road ETA with one button to send the first, any other available unit, the units sent
 * and their live status, notes, sub-incidents, closure and the alerts taken into it.
 */
import {
  Anchor,
  Badge,
  Box,
  Button,
  Center,
  Divider,
  Group,
  Loader,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { IconSend } from "@tabler/icons-react";
import { useState, type ReactNode, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import type { Unit } from "../../api/queries/cameras";
import type { Incident, IncidentState, Recommendation } from "../../api/queries/incidents";
import type { Alert } from "../../api/queries/alertCache";
import { priorityColor, statusColor } from "../../app/theme";
import { closureName, incidentStateName, offenseName, statusName, unitStatusName } from "../../i18n/labels";
import { stateColor, unitColor } from "./colors";
import { allowedMoves, canDispatch, CLOSURE_CODES, etaParts, needsClosureCode, type ClosureCode } from "./workflow";

interface Props {
  incident: Incident;
  subIncidents: Incident[];
  units: Unit[];
  recommendations: Recommendation[] | undefined;
  recommendationsLoading: boolean;
  linkedAlerts: Alert[] | undefined;
  canWrite: boolean;
  canDispatchUnits: boolean;
  busy: boolean;
  noteField: RefObject<HTMLTextAreaElement | null>;
  onMove: (to: IncidentState, closureCode?: ClosureCode) => void;
  onDispatch: (unitIds: string[]) => void;
  onNote: (text: string) => Promise<unknown>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </>
  );
}

function Eta({ seconds }: { seconds: number }) {
  const { t } = useTranslation();
  const parts = etaParts(seconds);
  return <>{parts === null ? t("dispatch.noRoute") : t("dispatch.eta", parts)}</>;
}

export function IncidentCard(props: Props) {
  const { t, i18n } = useTranslation();
  const { incident, units } = props;
  const [closure, setClosure] = useState<ClosureCode | null>(null);
  const [other, setOther] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const time = (iso: string) => new Date(iso).toLocaleString(i18n.resolvedLanguage);
  const unitById = new Map(units.map((u) => [u.id, u]));
  const moves = allowedMoves(incident);
  const dispatchable = props.canDispatchUnits && canDispatch(incident);
  const recommended = props.recommendations?.[0];
  const available = units.filter((u) => u.status === "available");
  const submitNote = () => {
    const text = note.trim();
    if (text === "" || props.busy) return;
    void props.onNote(text).then(
      () => setNote(""),
      () => undefined, // told in a notification; the text stays to try again
    );
  };

  return (
    <ScrollArea h="100%" type="auto">
      <Stack p="md" gap="md" data-testid="incident-card" data-incident={incident.id} data-state={incident.state}>
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Badge color={priorityColor(incident.priority)} size="lg" variant="filled">
              {t("priority.p", { priority: incident.priority })}
            </Badge>
            <Title order={3}>{offenseName(t, incident.code)}</Title>
          </Group>
          <Badge color={stateColor(incident.state)} size="lg" variant="light" data-testid="incident-state">
            {incidentStateName(t, incident.state)}
          </Badge>
        </Group>
        {incident.summary !== "" && <Text>{incident.summary}</Text>}

        <SimpleGrid cols={4} spacing="xs" verticalSpacing={4}>
          <Fact label={t("card.id")}>
            <Text span ff="monospace" size="sm">
              {incident.id}
            </Text>
          </Fact>
          <Fact label={t("card.openedBy")}>{incident.created_by || t("pane.none")}</Fact>
          <Fact label={t("card.openedAt")}>{time(incident.created_at)}</Fact>
          <Fact label={t("pane.place")}>
            {incident.lat !== null && incident.lon !== null
              ? `${incident.lat.toFixed(5)}, ${incident.lon.toFixed(5)}`
              : t("pane.none")}
          </Fact>
          <Fact label={t("card.closure")}>
            {incident.closure_code ? closureName(t, incident.closure_code) : t("pane.none")}
          </Fact>
          {incident.parent_id !== null && (
            <Fact label={t("card.parent")}>
              <Anchor component={Link} to={`/incidents/${incident.parent_id}`} size="sm" ff="monospace">
                {incident.parent_id}
              </Anchor>
            </Fact>
          )}
        </SimpleGrid>

        <Divider label={t("card.moves")} labelPosition="left" />
        {moves.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("card.noMoves")}
          </Text>
        ) : (
          <Group gap="sm" align="flex-end">
            {moves.map((to) =>
              to === "closed" ? (
                <Group key={to} gap="xs" align="flex-end" wrap="nowrap">
                  {needsClosureCode(incident, to) && (
                    <Select
                      label={t("card.closureCode")}
                      placeholder={t("card.chooseClosure")}
                      data={CLOSURE_CODES.map((code) => ({ value: code, label: closureName(t, code) }))}
                      value={closure}
                      onChange={(value) => setClosure(value as ClosureCode | null)}
                      w={260}
                      comboboxProps={{ withinPortal: true }}
                    />
                  )}
                  <Button
                    color={stateColor(to)}
                    variant="light"
                    disabled={!props.canWrite || props.busy || (needsClosureCode(incident, to) && closure === null)}
                    onClick={() => props.onMove(to, closure ?? undefined)}
                  >
                    {t("card.moveTo", { state: incidentStateName(t, to) })}
                  </Button>
                </Group>
              ) : (
                <Button
                  key={to}
                  color={stateColor(to)}
                  variant="light"
                  disabled={!props.canWrite || props.busy}
                  onClick={() => props.onMove(to)}
                >
                  {t("card.moveTo", { state: incidentStateName(t, to) })}
                </Button>
              ),
            )}
          </Group>
        )}

        <Divider label={t("dispatch.title")} labelPosition="left" />
        {!props.canDispatchUnits ? (
          <Text size="sm" c="dimmed">
            {t("dispatch.noPermission")}
          </Text>
        ) : !canDispatch(incident) ? (
          <Text size="sm" c="dimmed">
            {t("dispatch.notNow")}
          </Text>
        ) : props.recommendationsLoading ? (
          <Loader size="sm" aria-label={t("app.loading")} />
        ) : (props.recommendations ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("dispatch.noneAvailable")}
          </Text>
        ) : (
          <Stack gap="xs">
            {recommended && (
              <Button
                leftSection={<IconSend size={16} />}
                color="orange"
                autoContrast
                disabled={!dispatchable || props.busy}
                onClick={() => props.onDispatch([recommended.unit_id])}
                data-testid="dispatch-recommended"
                data-unit={recommended.unit_id}
              >
                {t("dispatch.recommended", { callSign: recommended.call_sign })}
              </Button>
            )}
            <Table fz="sm" aria-label={t("dispatch.recommendations")} data-testid="recommendations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("units.callSign")}</Table.Th>
                  <Table.Th>{t("dispatch.kind")}</Table.Th>
                  <Table.Th>{t("dispatch.etaLabel")}</Table.Th>
                  <Table.Th>{t("dispatch.distance")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(props.recommendations ?? []).map((r, index) => (
                  <Table.Tr key={r.unit_id} data-unit={r.unit_id}>
                    <Table.Td fw={index === 0 ? 700 : undefined}>{r.call_sign}</Table.Td>
                    <Table.Td>{r.kind}</Table.Td>
                    <Table.Td>
                      <Eta seconds={r.eta_s} />
                    </Table.Td>
                    <Table.Td>{t("dispatch.metres", { meters: Math.round(r.straight_m) })}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="default"
                        disabled={!dispatchable || props.busy}
                        onClick={() => props.onDispatch([r.unit_id])}
                        aria-label={t("dispatch.send", { callSign: r.call_sign })}
                      >
                        {t("dispatch.sendShort")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed">
              {t("dispatch.straightNote")}
            </Text>
          </Stack>
        )}
        {dispatchable && (
          <Group gap="xs" align="flex-end">
            <Select
              label={t("dispatch.other")}
              placeholder={t("dispatch.chooseUnit")}
              searchable
              data={available.map((u) => ({ value: u.id, label: `${u.call_sign} · ${u.district_id}` }))}
              value={other}
              onChange={setOther}
              w={260}
              nothingFoundMessage={t("dispatch.noneAvailable")}
            />
            <Button
              variant="default"
              disabled={other === null || props.busy}
              onClick={() => {
                if (other !== null) props.onDispatch([other]);
                setOther(null);
              }}
            >
              {t("dispatch.sendShort")}
            </Button>
          </Group>
        )}

        <Divider label={t("card.units")} labelPosition="left" />
        {incident.unit_ids.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("card.noUnits")}
          </Text>
        ) : (
          <Group gap="xs" data-testid="assigned-units">
            {incident.unit_ids.map((id) => {
              const unit = unitById.get(id);
              return (
                <Badge key={id} variant="light" color={unitColor(unit?.status ?? "")} size="lg" data-unit={id}>
                  {unit?.call_sign ?? id} · {unit ? unitStatusName(t, unit.status) : t("pane.none")}
                </Badge>
              );
            })}
          </Group>
        )}

        <Divider label={t("card.notes")} labelPosition="left" />
        <Stack gap={6}>
          {(incident.notes ?? []).length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("card.noNotes")}
            </Text>
          ) : (
            (incident.notes ?? []).map((n, index) => (
              <Box key={`${n.at}-${index}`}>
                <Text size="xs" c="dimmed">
                  {time(n.at)} · {n.author}
                </Text>
                <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                  {n.text}
                </Text>
              </Box>
            ))
          )}
          {props.canWrite && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                submitNote();
              }}
            >
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <Textarea
                  ref={props.noteField}
                  label={t("card.addNote")}
                  description={t("card.noteHint")}
                  autosize
                  minRows={1}
                  maxLength={4000}
                  flex={1}
                  value={note}
                  onChange={(event) => setNote(event.currentTarget.value)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
                      event.preventDefault();
                      submitNote();
                    }
                    if (event.key === "Escape") event.currentTarget.blur();
                  }}
                />
                <Button type="submit" variant="default" disabled={note.trim() === "" || props.busy}>
                  {t("card.saveNote")}
                </Button>
              </Group>
            </form>
          )}
        </Stack>

        <Divider label={t("card.subIncidents")} labelPosition="left" />
        {props.subIncidents.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("card.noSubIncidents")}
          </Text>
        ) : (
          <Stack gap={2}>
            {props.subIncidents.map((child) => (
              <Group key={child.id} gap="xs">
                <Anchor component={Link} to={`/incidents/${child.id}`} size="sm" ff="monospace">
                  {child.id}
                </Anchor>
                <Text size="sm">{offenseName(t, child.code)}</Text>
                <Badge size="xs" variant="light" color={stateColor(child.state)}>
                  {incidentStateName(t, child.state)}
                </Badge>
              </Group>
            ))}
          </Stack>
        )}

        <Divider label={t("card.alerts")} labelPosition="left" />
        {props.linkedAlerts === undefined ? (
          <Text size="sm" c="dimmed">
            {t("app.loading")}
          </Text>
        ) : props.linkedAlerts.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("card.noAlerts")}
          </Text>
        ) : (
          <Stack gap={2} data-testid="linked-alerts">
            {props.linkedAlerts.map((alert) => (
              <Group key={alert.id} gap="xs">
                <Text size="sm" ff="monospace">
                  {alert.id}
                </Text>
                <Text size="sm">{offenseName(t, alert.code)}</Text>
                <Text size="xs" c="dimmed">
                  {alert.camera_id ?? ""} · {time(alert.first_at)}
                </Text>
                <Badge size="xs" variant="light" color={statusColor(alert.status)}>
                  {statusName(t, alert.status)}
                </Badge>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </ScrollArea>
  );
}

export function CardPlaceholder({ text, loading }: { text: string; loading?: boolean }) {
  return (
    <Center h="100%">
      {loading ? <Loader size="sm" aria-label={text} /> : <Text c="dimmed">{text}</Text>}
    </Center>
  );
}
