/** The archive around an alert (−10 s … +20 s of its first sighting) in the archive's own player. */
import { Center, Divider, Loader, Stack, Text } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { useSegments } from "../../api/queries/archive";
import { ArchivePlayer } from "./ArchivePlayer";
import { clipWindow } from "./timeline";

export function AlertClip({ cameraId, firstAt }: { cameraId: string; firstAt: string }) {
  const { t } = useTranslation();
  const range = useMemo(() => clipWindow(Date.parse(firstAt)), [firstAt]);
  const segments = useSegments(cameraId, range.start, range.end, Number.isFinite(range.start));
  let body;
  if (segments.isPending) {
    body = (
      <Center h={80}>
        <Loader size="sm" />
      </Center>
    );
  } else if (segments.isError || segments.data.length === 0) {
    // A 404 (no such camera in this archive) is "no recording" to the operator as well.
    body = (
      <Center h={80} bg="dark.8" data-testid="alert-clip-none">
        <Text c="dimmed" size="sm">
          {t("pane.noRecording")}
        </Text>
      </Center>
    );
  } else {
    body = (
      <ArchivePlayer cameraId={cameraId} range={range} segments={segments.data} startAt={range.start} height={240} />
    );
  }
  return (
    <Stack gap={4} data-testid="alert-clip">
      <Divider label={t("pane.clip")} labelPosition="left" />
      {body}
    </Stack>
  );
}
