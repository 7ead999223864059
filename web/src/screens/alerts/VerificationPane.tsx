/**
 * What the operator checks before acting: the snapshot the analytics took (an <img> on the same
 * origin, so the session cookie authenticates it), the alert's facts, its procedure as a checklist
 * (each tick recorded by the API), the nearest cameras, and the actions.
 */
import {
  Badge,
  Box,
  Button,
  Center,
  Checkbox,
  Divider,
  Group,
  Image,
  ScrollArea,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { IconCheck, IconFlag, IconX } from "@tabler/icons-react";
import { lazy, Suspense, useMemo, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { Alert } from "../../api/queries/alertCache";
import { useCameras } from "../../api/queries/cameras";
import { can, useSession } from "../../api/queries/session";

// The clip's player (hls.js) loads with the first alert that has a camera, not with the queue.
const AlertClip = lazy(async () => ({ default: (await import("../archive/AlertClip")).AlertClip }));
import { priorityColor, statusColor } from "../../app/theme";
import { offenseName, priorityName, statusName } from "../../i18n/labels";
import { nearestCameras } from "./nearest";
import { formatWaited, waitedSeconds } from "./order";
import classes from "./AlertQueue.module.css";

const NEAREST_WITHIN_M = 1000;

interface Props {
  alert: Alert | null;
  now: number;
  canAct: boolean;
  canOpenIncident: boolean;
  busy: boolean;
  onAcknowledge: () => void;
  onDismiss: () => void;
  onOpenIncident: () => void;
  onStep: (step: number) => void;
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

function Snapshot({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState<string | null>(null);
  if (alert.snapshot_url === null) {
    return (
      <Center h={240} bg="dark.8">
        <Text c="dimmed">{t("pane.noSnapshot")}</Text>
      </Center>
    );
  }
  if (failed === alert.snapshot_url) {
    return (
      <Center h={240} bg="dark.8">
        <Text c="dimmed">{t("pane.snapshotGone")}</Text>
      </Center>
    );
  }
  return (
    <Image
      src={alert.snapshot_url}
      alt={t("pane.snapshot")}
      h={320}
      className={classes.snapshot}
      onError={() => setFailed(alert.snapshot_url)}
    />
  );
}

export function VerificationPane(props: Props) {
  const { t, i18n } = useTranslation();
  const { alert, now } = props;
  const cameras = useCameras(alert !== null);
  const { data: session } = useSession();
  const canPlay = can(session, "archive:read");
  const nearest = useMemo(
    () =>
      alert && alert.lat !== null && alert.lon !== null && cameras.data
        ? nearestCameras(cameras.data, alert.lat, alert.lon, {
            withinM: NEAREST_WITHIN_M,
            exclude: alert.camera_id,
          })
        : [],
    [alert, cameras.data],
  );
  if (alert === null) {
    return (
      <Center h="100%">
        <Text c="dimmed">{t("pane.nothingSelected")}</Text>
      </Center>
    );
  }
  const time = (iso: string | null) =>
    iso === null ? t("pane.none") : new Date(iso).toLocaleTimeString(i18n.resolvedLanguage);
  const waited = formatWaited(waitedSeconds(alert, now));
  const open = alert.status === "open" || alert.status === "escalated";
  return (
    <ScrollArea h="100%" type="auto">
      <Stack p="md" gap="md">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Badge color={priorityColor(alert.priority)} size="lg" variant="filled">
              {t("priority.p", { priority: alert.priority })} · {priorityName(t, alert.priority)}
            </Badge>
            <Title order={3}>{offenseName(t, alert.code)}</Title>
          </Group>
          <Badge color={statusColor(alert.status)} variant="light" size="lg">
            {statusName(t, alert.status)}
          </Badge>
        </Group>

        <Snapshot key={alert.id} alert={alert} />
        {alert.camera_id !== null && canPlay && (
          <Suspense fallback={null}>
            <AlertClip key={`clip-${alert.id}`} cameraId={alert.camera_id} firstAt={alert.first_at} />
          </Suspense>
        )}

        <Group gap="sm">
          <Button
            leftSection={<IconCheck size={16} />}
            color="teal"
            autoContrast
            disabled={!props.canAct || !open || props.busy}
            onClick={props.onAcknowledge}
          >
            {t("pane.acknowledge")}
          </Button>
          <Button
            leftSection={<IconX size={16} />}
            variant="default"
            disabled={!props.canAct || props.busy}
            onClick={props.onDismiss}
          >
            {t("pane.dismiss")}
          </Button>
          <Button
            leftSection={<IconFlag size={16} />}
            color="grape"
            disabled={!props.canOpenIncident || props.busy}
            onClick={props.onOpenIncident}
          >
            {t("pane.openIncident")}
          </Button>
        </Group>

        <SimpleGrid cols={4} spacing="xs" verticalSpacing={4}>
          <Fact label={t("pane.camera")}>{alert.camera_id ?? t("pane.none")}</Fact>
          <Fact label={t("pane.place")}>
            {alert.lat !== null && alert.lon !== null
              ? `${alert.lat.toFixed(5)}, ${alert.lon.toFixed(5)}`
              : t("pane.none")}
          </Fact>
          <Fact label={t("pane.raisedAt")}>{time(alert.first_at)}</Fact>
          <Fact label={t("pane.waited")}>{t(`queue.waited.${waited.unit}`, { value: waited.value })}</Fact>
          <Fact label={t("pane.lastAt")}>{time(alert.last_at)}</Fact>
          <Fact label={t("pane.count")}>{alert.count}</Fact>
          <Fact label={t("pane.acknowledgedBy")}>{alert.acknowledged_by ?? t("pane.none")}</Fact>
          <Fact label={t("pane.escalatedAt")}>{time(alert.escalated_at)}</Fact>
          {alert.incident_id !== null && <Fact label={t("pane.incident")}>{alert.incident_id}</Fact>}
          {alert.detail !== "" && <Fact label={t("pane.detail")}>{alert.detail}</Fact>}
        </SimpleGrid>

        <Divider label={t("pane.procedure")} labelPosition="left" />
        {alert.procedure.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("pane.noProcedure")}
          </Text>
        ) : (
          <Stack gap={6}>
            {alert.procedure.map((step) => (
              <Checkbox
                key={step.index}
                checked={step.done}
                disabled={!props.canAct || step.done || props.busy}
                onChange={() => props.onStep(step.index)}
                label={`${step.index + 1}. ${step.text}`}
              />
            ))}
            <Text size="xs" c="dimmed">
              {t("pane.stepHint")}
            </Text>
          </Stack>
        )}

        <Divider label={t("pane.nearest")} labelPosition="left" />
        {nearest.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("pane.noNearest", { meters: NEAREST_WITHIN_M })}
          </Text>
        ) : (
          <Stack gap={2} component="ul" m={0} p={0}>
            {nearest.map(({ camera, meters }) => (
              <Box component="li" key={camera.id} display="block">
                <Group gap="xs" wrap="nowrap">
                  <Text size="sm" ff="monospace">
                    {camera.id}
                  </Text>
                  <Text size="sm" truncate>
                    {camera.name}
                  </Text>
                  <Box flex={1} />
                  <Text size="sm" c="dimmed">
                    {t("pane.distance", { meters: Math.round(meters) })}
                  </Text>
                </Group>
              </Box>
            ))}
          </Stack>
        )}
      </Stack>
    </ScrollArea>
  );
}
