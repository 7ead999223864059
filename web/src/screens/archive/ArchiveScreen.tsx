/**
 * The archive: pick a camera and a time, see the window's recorded ranges and gaps, click to play from
 * that wall-clock time. The camera and time live in the URL (``?camera=…&at=…``) so a link opens the
 * same footage. Keys: space play/pause, ←/→ ten seconds back/forward.
 */
import { ActionIcon, Center, Group, Loader, SegmentedControl, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconChevronLeft, IconChevronRight } from "@tabler/icons-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { useSegments } from "../../api/queries/archive";
import { useCameras } from "../../api/queries/cameras";
import { ArchivePlayer, type PlayerHandle } from "./ArchivePlayer";
import { Timeline } from "./Timeline";
import {
  DEFAULT_SPAN,
  fromLocalInput,
  gaps,
  HOUR,
  MINUTE,
  recordedRanges,
  shift,
  SPANS,
  toLocalInput,
  windowAround,
  type Range,
} from "./timeline";

const SPAN_KEYS: Record<number, "span10m" | "span1h" | "span6h"> = {
  [10 * MINUTE]: "span10m",
  [HOUR]: "span1h",
  [6 * HOUR]: "span6h",
};
const NUDGE_S = 10;

function typingIn(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function ArchiveScreen() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const cameraId = params.get("camera");
  const atParam = params.get("at");
  const parsed = atParam === null ? Number.NaN : Date.parse(atParam);
  const initialAt = useMemo(() => (Number.isFinite(parsed) ? parsed : Date.now() - HOUR / 2), [parsed]);
  const [window, setWindow] = useState<Range>(() => windowAround(initialAt, DEFAULT_SPAN));
  const [startAt, setStartAt] = useState(initialAt);
  const [wall, setWall] = useState<number | null>(null);
  const player = useRef<PlayerHandle>(null);

  useEffect(() => {
    setWindow((w) => windowAround(initialAt, w.end - w.start));
    setStartAt(initialAt);
  }, [initialAt]);

  const cameras = useCameras();
  const options = useMemo(
    () => (cameras.data ?? []).map((c) => ({ value: c.id, label: `${c.id} · ${c.name}` })),
    [cameras.data],
  );
  const segments = useSegments(cameraId, window.start, window.end);
  const recorded = useMemo(() => recordedRanges(segments.data ?? [], window), [segments.data, window]);
  const holes = useMemo(() => gaps(recorded, window), [recorded, window]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingIn(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === " ") player.current?.togglePlay();
      else if (event.key === "ArrowLeft") player.current?.nudge(-NUDGE_S);
      else if (event.key === "ArrowRight") player.current?.nudge(NUDGE_S);
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const setParam = (key: string, value: string | null) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  const pick = (at: number) => {
    setStartAt(at);
    player.current?.seekWall(at);
  };

  const hasVideo = (segments.data?.length ?? 0) > 0;
  return (
    <Stack p="md" gap="sm" h="100%">
      <Title order={3}>{t("archive.title")}</Title>
      <Group align="end" gap="sm">
        <Select
          label={t("archive.camera")}
          placeholder={t("archive.cameraPlaceholder")}
          data={options}
          value={cameraId}
          onChange={(value) => setParam("camera", value)}
          searchable
          nothingFoundMessage={t("archive.noCameras")}
          w={360}
          data-testid="archive-camera"
        />
        <TextInput
          label={t("archive.time")}
          type="datetime-local"
          step={1}
          value={toLocalInput(startAt)}
          onChange={(event) => {
            const at = fromLocalInput(event.currentTarget.value);
            if (at !== null) setParam("at", new Date(at).toISOString());
          }}
          data-testid="archive-time"
        />
        <SegmentedControl
          aria-label={t("archive.zoom")}
          value={String(window.end - window.start)}
          onChange={(value) => setWindow((w) => windowAround((w.start + w.end) / 2, Number(value)))}
          data={SPANS.map((span) => ({ value: String(span), label: t(`archive.${SPAN_KEYS[span] ?? "span1h"}`) }))}
        />
        <ActionIcon variant="default" size="lg" aria-label={t("archive.earlier")} onClick={() => setWindow((w) => shift(w, -0.5))}>
          <IconChevronLeft size={18} />
        </ActionIcon>
        <ActionIcon variant="default" size="lg" aria-label={t("archive.later")} onClick={() => setWindow((w) => shift(w, 0.5))}>
          <IconChevronRight size={18} />
        </ActionIcon>
      </Group>

      {cameraId === null ? (
        <Center flex={1}>
          <Text c="dimmed">{t("archive.pickCamera")}</Text>
        </Center>
      ) : (
        <>
          <Timeline window={window} recorded={recorded} gaps={holes} playhead={wall} onPick={pick} />
          {segments.isPending ? (
            <Center h={200}>
              <Loader />
            </Center>
          ) : segments.isError ? (
            <Text c="red.4">{t("app.failed", { detail: segments.error.message })}</Text>
          ) : hasVideo ? (
            <ArchivePlayer
              ref={player}
              cameraId={cameraId}
              range={window}
              segments={segments.data}
              startAt={startAt}
              height={480}
              onWallTime={setWall}
            />
          ) : (
            <Center h={200} bg="dark.8">
              <Text c="dimmed">{t("archive.noRecording")}</Text>
            </Center>
          )}
          <Text size="xs" c="dimmed">
            {t("archive.keys")}
          </Text>
        </>
      )}
    </Stack>
  );
}
