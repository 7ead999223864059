/** The window's recorded ranges (green) and gaps (red), the playhead, and click-to-play. */
import { Box, Group, Text, Tooltip } from "@mantine/core";
import type { MouseEvent } from "react";
import { useTranslation } from "react-i18next";

import { fractionOf, timeAt, type Range } from "./timeline";

interface Props {
  window: Range;
  recorded: readonly Range[];
  gaps: readonly Range[];
  playhead: number | null;
  onPick: (wall: number) => void;
}

function Bar({ window, range, color, testId }: { window: Range; range: Range; color: string; testId: string }) {
  const left = fractionOf(window, range.start) * 100;
  const width = fractionOf(window, range.end) * 100 - left;
  return (
    <Box
      data-testid={testId}
      pos="absolute"
      top={0}
      bottom={0}
      style={{ left: `${left}%`, width: `${Math.max(width, 0.2)}%`, background: color }}
    />
  );
}

export function Timeline({ window, recorded, gaps, playhead, onPick }: Props) {
  const { t, i18n } = useTranslation();
  const clock = (ms: number) =>
    new Date(ms).toLocaleTimeString(i18n.resolvedLanguage, { hour12: false, hour: "2-digit", minute: "2-digit" });
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    onPick(timeAt(window, (event.clientX - box.left) / box.width));
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => timeAt(window, f));
  return (
    <Box>
      <Tooltip label={t("archive.timelineHint")} openDelay={500}>
        <Box
          data-testid="archive-timeline"
          role="slider"
          aria-label={t("archive.timeline")}
          aria-valuemin={window.start}
          aria-valuemax={window.end}
          aria-valuenow={playhead ?? window.start}
          pos="relative"
          h={36}
          bg="dark.6"
          style={{ cursor: "pointer", borderRadius: 4, overflow: "hidden" }}
          onClick={onClick}
        >
          {gaps.map((g) => (
            <Bar key={`g${g.start}`} window={window} range={g} color="rgba(250, 82, 82, 0.25)" testId="archive-gap" />
          ))}
          {recorded.map((r) => (
            <Bar key={`r${r.start}`} window={window} range={r} color="var(--mantine-color-teal-7)" testId="archive-recorded" />
          ))}
          {playhead !== null && playhead >= window.start && playhead <= window.end && (
            <Box
              pos="absolute"
              top={0}
              bottom={0}
              w={2}
              bg="yellow.4"
              style={{ left: `${fractionOf(window, playhead) * 100}%` }}
            />
          )}
        </Box>
      </Tooltip>
      <Group justify="space-between" mt={2}>
        {ticks.map((tick) => (
          <Text key={tick} size="xs" c="dimmed" ff="monospace">
            {clock(tick)}
          </Text>
        ))}
      </Group>
    </Box>
  );
}
