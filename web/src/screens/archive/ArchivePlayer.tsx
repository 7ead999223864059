/**
 * HLS playback of a camera's archive on wall-clock time, shared by the archive screen and the alert
 * pane's clip. hls.js plays the playlist of ``range`` (same-origin requests, cookie-authenticated);
 * the wall-clock time of the frame on screen comes from the segments' start times (playbackMap).
 */
import { Box, Group, Text } from "@mantine/core";
import Hls from "hls.js";
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from "react";
import { useTranslation } from "react-i18next";

import { playlistUrl, type Segment } from "../../api/queries/archive";
import { mediaAt, playbackMap, wallAt, type Range } from "./timeline";

export interface PlayerHandle {
  /** Play from wall-clock ``wall`` (ms); a gap skips to the next recording. */
  seekWall: (wall: number) => void;
  togglePlay: () => void;
  /** Move by ``seconds`` of media time. */
  nudge: (seconds: number) => void;
}

interface Props {
  cameraId: string;
  range: Range;
  segments: readonly Segment[];
  /** Where to start, wall-clock ms (default: the start of the recording). */
  startAt?: number;
  autoPlay?: boolean;
  height?: number;
  onWallTime?: (wall: number | null) => void;
  ref?: Ref<PlayerHandle>;
}

export function ArchivePlayer({ cameraId, range, segments, startAt, autoPlay = false, height = 360, onWallTime, ref }: Props) {
  const { t, i18n } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const map = useMemo(() => playbackMap(segments), [segments]);
  const [wall, setWall] = useState<number | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const pendingSeek = useRef<number | undefined>(startAt);
  pendingSeek.current = startAt;

  const url = playlistUrl(cameraId, range.start, range.end);

  useEffect(() => {
    const element = video.current;
    if (element === null) return;
    setFailed(null);
    const seekToStart = () => {
      const at = pendingSeek.current === undefined ? null : mediaAt(map, pendingSeek.current);
      if (at !== null) element.currentTime = at;
      if (autoPlay) void element.play().catch(() => undefined);
    };
    if (Hls.isSupported()) {
      const hls = new Hls({ enableWorker: true, lowLatencyMode: false });
      hls.on(Hls.Events.MANIFEST_PARSED, seekToStart);
      hls.on(Hls.Events.ERROR, (_, data) => {
        if (data.fatal) setFailed(data.details);
      });
      hls.loadSource(url);
      hls.attachMedia(element);
      return () => hls.destroy();
    }
    if (element.canPlayType("application/vnd.apple.mpegurl") !== "") {
      element.src = url;
      element.addEventListener("loadedmetadata", seekToStart, { once: true });
      return () => {
        element.removeAttribute("src");
        element.load();
      };
    }
    setFailed("unsupported");
    return undefined;
    // The playlist is reloaded only when its URL changes; the start is read when it has loaded.
  }, [url]);

  useImperativeHandle(
    ref,
    () => ({
      seekWall: (target) => {
        const element = video.current;
        const at = mediaAt(map, target);
        if (element === null || at === null) return;
        element.currentTime = at;
        void element.play().catch(() => undefined);
      },
      togglePlay: () => {
        const element = video.current;
        if (element === null) return;
        if (element.paused) void element.play().catch(() => undefined);
        else element.pause();
      },
      nudge: (seconds) => {
        const element = video.current;
        if (element === null) return;
        element.currentTime = Math.max(0, element.currentTime + seconds);
      },
    }),
    [map],
  );

  const onTime = () => {
    const element = video.current;
    if (element === null) return;
    const now = wallAt(map, element.currentTime);
    setWall(now);
    onWallTime?.(now);
  };

  return (
    <Box>
      <video
        ref={video}
        controls
        muted
        playsInline
        data-testid="archive-video"
        onTimeUpdate={onTime}
        onSeeked={onTime}
        style={{ width: "100%", height, background: "black", display: "block" }}
      />
      <Group justify="space-between" mt={4}>
        <Text size="sm" ff="monospace" data-testid="archive-wall-time" data-wall={wall ?? ""}>
          {wall === null
            ? t("archive.noFrame")
            : t("archive.frameAt", {
                time: new Date(wall).toLocaleString(i18n.resolvedLanguage, { hour12: false }),
              })}
        </Text>
        {failed !== null && (
          <Text size="sm" c="red.4">
            {t("archive.playbackFailed", { detail: failed })}
          </Text>
        )}
      </Group>
    </Box>
  );
}
