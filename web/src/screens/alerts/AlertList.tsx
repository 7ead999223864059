/**
 * The queue, virtualised: only the rows on screen are in the DOM, so a thousand open alerts scroll
 * and tick as smoothly as ten. The list is a listbox; the selected row is its active descendant.
 */
import { Box } from "@mantine/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import type { Alert } from "../../api/queries/alertCache";
import { AlertRow, ROW_HEIGHT, rowId } from "./AlertRow";
import classes from "./AlertQueue.module.css";

interface Props {
  alerts: Alert[];
  selectedId: string | null;
  now: number;
  onSelect: (alertId: string) => void;
}

export function AlertList({ alerts, selectedId, now, onSelect }: Props) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: alerts.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => alerts[index]?.id ?? index,
  });
  const selectedIndex = selectedId === null ? -1 : alerts.findIndex((a) => a.id === selectedId);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);

  return (
    <Box
      ref={scroller}
      className={classes.list}
      h="100%"
      role="listbox"
      tabIndex={0}
      aria-label={t("queue.title")}
      aria-activedescendant={selectedId !== null && selectedIndex >= 0 ? rowId(selectedId) : undefined}
    >
      <Box pos="relative" w="100%" h={virtualizer.getTotalSize()}>
        {virtualizer.getVirtualItems().map((item) => {
          const alert = alerts[item.index];
          if (alert === undefined) return null;
          return (
            <Box
              key={item.key}
              pos="absolute"
              top={0}
              left={0}
              w="100%"
              // The virtualiser places each row; no kit prop takes a transform.
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <AlertRow alert={alert} selected={alert.id === selectedId} now={now} onSelect={onSelect} />
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}
