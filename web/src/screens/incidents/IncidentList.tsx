/** The board's list: a listbox of incidents, the selected one its active descendant. */
import { Badge, Box, Group, Stack, Text, UnstyledButton } from "@mantine/core";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";

import type { Incident } from "../../api/queries/incidentCache";
import { priorityColor } from "../../app/theme";
import { incidentStateName, offenseName } from "../../i18n/labels";
import { stateColor } from "./colors";

export const incidentRowId = (id: string) => `incident-row-${id}`;

interface Props {
  incidents: Incident[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function IncidentList({ incidents, selectedId, onSelect }: Props) {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    if (selectedId !== null) document.getElementById(incidentRowId(selectedId))?.scrollIntoView({ block: "nearest" });
  }, [selectedId]);
  const selectedListed = selectedId !== null && incidents.some((i) => i.id === selectedId);
  return (
    <Box
      h="100%"
      style={{ overflowY: "auto" }}
      role="listbox"
      tabIndex={0}
      aria-label={t("incidents.title")}
      aria-activedescendant={selectedListed ? incidentRowId(selectedId) : undefined}
    >
      {incidents.map((incident) => {
        const selected = incident.id === selectedId;
        return (
          <UnstyledButton
            key={incident.id}
            id={incidentRowId(incident.id)}
            role="option"
            aria-selected={selected}
            data-state={incident.state}
            tabIndex={-1}
            onClick={() => onSelect(incident.id)}
            w="100%"
            px="sm"
            py={6}
            bg={selected ? "dark.5" : undefined}
            style={{ borderBottom: "1px solid var(--mantine-color-dark-6)" }}
          >
            <Stack gap={2}>
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <Group gap="xs" wrap="nowrap" miw={0}>
                  <Badge color={priorityColor(incident.priority)} variant="filled" size="sm">
                    {t("priority.p", { priority: incident.priority })}
                  </Badge>
                  <Text size="sm" fw={600} truncate>
                    {offenseName(t, incident.code)}
                  </Text>
                </Group>
                <Badge color={stateColor(incident.state)} variant="light" size="sm">
                  {incidentStateName(t, incident.state)}
                </Badge>
              </Group>
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <Text size="xs" c="dimmed" ff="monospace" truncate>
                  {incident.id}
                </Text>
                <Text size="xs" c="dimmed">
                  {new Date(incident.created_at).toLocaleTimeString(i18n.resolvedLanguage)}
                  {incident.unit_ids.length > 0 && ` · ${t("incidents.unitsCount", { count: incident.unit_ids.length })}`}
                </Text>
              </Group>
            </Stack>
          </UnstyledButton>
        );
      })}
    </Box>
  );
}
