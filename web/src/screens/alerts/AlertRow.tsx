import { Badge, Group, Stack, Text, UnstyledButton } from "@mantine/core";
import { memo } from "react";
import { useTranslation } from "react-i18next";

import type { Alert } from "../../api/queries/alertCache";
import { priorityColor, statusColor } from "../../app/theme";
import { offenseName, statusName } from "../../i18n/labels";
import { formatWaited, waitedSeconds } from "./order";
import classes from "./AlertQueue.module.css";

export const ROW_HEIGHT = 60;

export function rowId(alertId: string): string {
  return `alert-row-${alertId}`;
}

interface Props {
  alert: Alert;
  selected: boolean;
  now: number;
  onSelect: (alertId: string) => void;
}

export const AlertRow = memo(function AlertRow({ alert, selected, now, onSelect }: Props) {
  const { t } = useTranslation();
  const waited = formatWaited(waitedSeconds(alert, now));
  return (
    <UnstyledButton
      id={rowId(alert.id)}
      role="option"
      aria-selected={selected}
      tabIndex={-1}
      className={classes.row}
      data-priority={alert.priority}
      data-selected={selected || undefined}
      data-status={alert.status}
      h={ROW_HEIGHT}
      w="100%"
      px="sm"
      onClick={() => onSelect(alert.id)}
    >
      <Group wrap="nowrap" gap="sm" h="100%">
        <Badge color={priorityColor(alert.priority)} variant="filled" w={40} radius="sm">
          {t("priority.p", { priority: alert.priority })}
        </Badge>
        <Stack gap={0} flex={1} miw={0}>
          <Text fw={600} truncate>
            {offenseName(t, alert.code)}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {alert.camera_id ?? t("pane.none")}
            {alert.count > 1 ? ` · ${t("queue.times", { count: alert.count })}` : ""}
          </Text>
        </Stack>
        <Stack gap={2} align="flex-end">
          <Text ff="monospace" fw={600} size="sm" c={alert.status === "open" ? undefined : "dimmed"}>
            {t(`queue.waited.${waited.unit}`, { value: waited.value })}
          </Text>
          {alert.status !== "open" && (
            <Badge size="xs" variant="light" color={statusColor(alert.status)}>
              {statusName(t, alert.status)}
            </Badge>
          )}
        </Stack>
      </Group>
    </UnstyledButton>
  );
});
