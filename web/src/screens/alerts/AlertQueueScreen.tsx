/**
 * The alert queue: open alerts live over the feed, most urgent first, with the verification pane for
 * the selected one. Operated from the keyboard (KeysModal lists the keys), with a sound for P1–P2.
 */
import { ActionIcon, Box, Button, Center, Group, Loader, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useHotkeys, useLocalStorage } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconKeyboard, IconVolume, IconVolumeOff } from "@tabler/icons-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { ApiError } from "../../api/client";
import {
  ALERT_LIST_LIMIT,
  useAcknowledge,
  useActiveAlerts,
  useAlertFeedSync,
  useCompleteStep,
  useDismiss,
  useOpenIncident,
  type Alert,
} from "../../api/queries/alerts";
import { can, useSession } from "../../api/queries/session";
import { priorityColor } from "../../app/theme";
import { AlertList } from "./AlertList";
import { DismissModal } from "./DismissModal";
import { IncidentModal } from "./IncidentModal";
import { KeysModal } from "./KeysModal";
import { nextSelection, queueOrder } from "./order";
import { AlertSound, priorityToSound } from "./sound";
import { useNow } from "./useNow";
import { VerificationPane } from "./VerificationPane";

type Dialog = "dismiss" | "incident" | "keys" | null;

function useQueueSelection(ordered: Alert[]) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const lastIndex = useRef(0);
  const index = selectedId === null ? -1 : ordered.findIndex((a) => a.id === selectedId);
  // The selected alert left the queue (dismissed, taken into an incident): take the one now in its place.
  const effectiveId = index >= 0 ? selectedId : nextSelection(ordered, lastIndex.current);
  const effectiveIndex = effectiveId === null ? -1 : ordered.findIndex((a) => a.id === effectiveId);
  useEffect(() => {
    if (effectiveIndex >= 0) lastIndex.current = effectiveIndex;
  }, [effectiveIndex]);
  const move = (step: number) => {
    if (ordered.length === 0) return;
    const next = Math.min(Math.max((effectiveIndex < 0 ? 0 : effectiveIndex) + step, 0), ordered.length - 1);
    setSelectedId(ordered[next]?.id ?? null);
  };
  const jump = (to: "first" | "last") => setSelectedId(ordered[to === "first" ? 0 : ordered.length - 1]?.id ?? null);
  const selected = effectiveIndex >= 0 ? (ordered[effectiveIndex] ?? null) : null;
  return { selected, select: setSelectedId, move, jump };
}

export function AlertQueueScreen() {
  const { t } = useTranslation();
  const { data: session } = useSession();
  const mayRead = can(session, "alerts:read");
  const mayAct = can(session, "alerts:write");
  const mayOpenIncident = can(session, "incidents:write");
  const alerts = useActiveAlerts(mayRead);
  const now = useNow(1000);
  const ordered = useMemo(() => queueOrder(alerts.data ?? []), [alerts.data]);
  const { selected, select, move, jump } = useQueueSelection(ordered);
  const [dialog, setDialog] = useState<Dialog>(null);
  const navigate = useNavigate();
  /** The incident this operator just opened: G (or the notification's button) goes to it. */
  const [openedIncident, setOpenedIncident] = useState<string | null>(null);
  const goToIncident = (id: string) => {
    notifications.hide(`incident-opened-${id}`);
    void navigate(`/incidents/${id}`);
  };

  const [soundOn, setSoundOn] = useLocalStorage<boolean>({ key: "kuzet.sound", defaultValue: true });
  const sound = useRef<AlertSound | null>(null);
  sound.current ??= new AlertSound();
  useEffect(() => {
    const unlock = () => sound.current?.unlock();
    window.addEventListener("pointerdown", unlock);
    window.addEventListener("keydown", unlock);
    return () => {
      window.removeEventListener("pointerdown", unlock);
      window.removeEventListener("keydown", unlock);
    };
  }, []);
  const onRaised = useCallback(
    (raised: Alert[]) => {
      const priority = priorityToSound(raised.map((a) => a.priority));
      if (soundOn && priority !== null) sound.current?.play(priority);
    },
    [soundOn],
  );
  useAlertFeedSync(onRaised);

  const acknowledge = useAcknowledge();
  const dismiss = useDismiss();
  const completeStep = useCompleteStep();
  const openIncident = useOpenIncident();
  const busy = acknowledge.isPending || dismiss.isPending || completeStep.isPending || openIncident.isPending;

  const failed = (error: Error) =>
    notifications.show({
      color: error instanceof ApiError && error.isConflict ? "yellow" : "red",
      message:
        error instanceof ApiError && error.isConflict ? t("action.conflict") : t("action.failed", { detail: error.message }),
    });
  const done = (message: string) => notifications.show({ color: "teal", message, autoClose: 2000 });

  const actions = {
    acknowledge: () => {
      if (!selected || !mayAct || busy || !["open", "escalated"].includes(selected.status)) return;
      acknowledge.mutate(selected, { onSuccess: () => done(t("action.acknowledged")), onError: failed });
    },
    dismiss: (reason: string) => {
      if (!selected) return;
      dismiss.mutate(
        { alert: selected, reason },
        {
          onSuccess: () => {
            setDialog(null);
            done(t("action.dismissed"));
          },
          onError: failed,
        },
      );
    },
    step: (step: number) => {
      if (!selected || !mayAct || busy) return;
      const target = selected.procedure.find((s) => s.index === step);
      if (!target || target.done) return;
      completeStep.mutate({ alert: selected, step }, { onSuccess: () => done(t("action.stepDone")), onError: failed });
    },
    openIncident: (summary: string) => {
      if (!selected) return;
      openIncident.mutate(
        { alert: selected, summary },
        {
          onSuccess: (incident) => {
            setDialog(null);
            setOpenedIncident(incident.id);
            notifications.show({
              id: `incident-opened-${incident.id}`,
              color: "grape",
              autoClose: 15_000,
              message: (
                <Stack gap={6} align="flex-start">
                  <Text size="sm">{t("incident.opened", { id: incident.id })}</Text>
                  <Button size="compact-sm" color="grape" onClick={() => goToIncident(incident.id)}>
                    {t("incident.goTo")} (G)
                  </Button>
                </Stack>
              ),
            });
          },
          onError: failed,
        },
      );
    },
  };

  const closed = dialog === null;
  const when = (run: () => void) => () => {
    if (closed) run();
  };
  const physical = { usePhysicalKeys: true };
  useHotkeys(
    [
      ["j", when(() => move(1)), physical],
      ["ArrowDown", when(() => move(1)), physical],
      ["k", when(() => move(-1)), physical],
      ["ArrowUp", when(() => move(-1)), physical],
      ["Home", when(() => jump("first")), physical],
      ["End", when(() => jump("last")), physical],
      ["a", when(actions.acknowledge), physical],
      ["d", when(() => selected && mayAct && setDialog("dismiss")), physical],
      ["i", when(() => selected && mayOpenIncident && setDialog("incident")), physical],
      ["m", when(() => setSoundOn((on) => !on)), physical],
      ["g", when(() => openedIncident !== null && goToIncident(openedIncident)), physical],
      ["shift+slash", () => setDialog((open) => (open === "keys" ? null : closed ? "keys" : open)), physical],
      ...Array.from({ length: 9 }, (_, n): [string, () => void, typeof physical] => [
        `digit${n + 1}`,
        when(() => actions.step(n)),
        physical,
      ]),
    ],
    ["INPUT", "TEXTAREA", "SELECT"],
  );

  if (!mayRead) {
    return (
      <Center h="100%">
        <Text c="dimmed">{t("queue.noPermission")}</Text>
      </Center>
    );
  }

  const byPriority = [1, 2, 3, 4, 5].map((p) => ({ p, n: ordered.filter((a) => a.priority === p).length }));
  return (
    <Group h="100%" gap={0} align="stretch" wrap="nowrap">
      <Stack w={460} miw={360} gap={0} h="100%">
        <Stack px="sm" py={6} gap={2}>
          <Group justify="space-between" wrap="nowrap">
            <Title order={4}>{t("queue.title")}</Title>
            <Group gap={4} wrap="nowrap">
              <Tooltip label={soundOn ? t("queue.soundOn") : t("queue.soundOff")}>
                <ActionIcon
                  variant="subtle"
                  aria-label={soundOn ? t("queue.soundOn") : t("queue.soundOff")}
                  onClick={() => {
                    sound.current?.unlock();
                    setSoundOn(!soundOn);
                  }}
                >
                  {soundOn ? <IconVolume size={18} /> : <IconVolumeOff size={18} />}
                </ActionIcon>
              </Tooltip>
              <Tooltip label={t("queue.keys")}>
                <ActionIcon variant="subtle" aria-label={t("queue.keys")} onClick={() => setDialog("keys")}>
                  <IconKeyboard size={18} />
                </ActionIcon>
              </Tooltip>
            </Group>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" c="dimmed">
              {t("queue.open", { count: ordered.length })}
            </Text>
            {byPriority
              .filter(({ n }) => n > 0)
              .map(({ p, n }) => (
                <Text key={p} size="xs" fw={700} c={`${priorityColor(p)}.5`}>
                  {t("priority.p", { priority: p })}: {n}
                </Text>
              ))}
          </Group>
        </Stack>
        <Box flex={1} mih={0}>
          {alerts.isPending ? (
            <Center h="100%">
              <Loader aria-label={t("app.loading")} />
            </Center>
          ) : alerts.isError ? (
            <Center h="100%">
              <Text c="red">{t("app.failed", { detail: alerts.error.message })}</Text>
            </Center>
          ) : ordered.length === 0 ? (
            <Center h="100%">
              <Text c="dimmed">{t("queue.empty")}</Text>
            </Center>
          ) : (
            <AlertList alerts={ordered} selectedId={selected?.id ?? null} now={now} onSelect={select} />
          )}
        </Box>
        {(alerts.data?.length ?? 0) >= ALERT_LIST_LIMIT && (
          <Text size="xs" c="dimmed" px="sm" py={4}>
            {t("queue.limited", { limit: ALERT_LIST_LIMIT })}
          </Text>
        )}
      </Stack>
      <Box flex={1} miw={0} h="100%" bg="dark.8">
        <VerificationPane
          alert={selected}
          now={now}
          canAct={mayAct}
          canOpenIncident={mayOpenIncident}
          busy={busy}
          onAcknowledge={actions.acknowledge}
          onDismiss={() => setDialog("dismiss")}
          onOpenIncident={() => setDialog("incident")}
          onStep={actions.step}
        />
      </Box>
      <DismissModal
        opened={dialog === "dismiss"}
        busy={dismiss.isPending}
        onClose={() => setDialog(null)}
        onSubmit={actions.dismiss}
      />
      <IncidentModal
        alert={selected}
        opened={dialog === "incident"}
        busy={openIncident.isPending}
        onClose={() => setDialog(null)}
        onSubmit={actions.openIncident}
      />
      <KeysModal opened={dialog === "keys"} onClose={() => setDialog(null)} />
    </Group>
  );
}
