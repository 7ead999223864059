/** Every unit with its status, district and last known position, live with the feed. */
import { Badge, Center, Loader, ScrollArea, Stack, Table, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import type { Unit } from "../../api/queries/cameras";
import { unitStatusName } from "../../i18n/labels";
import { unitColor } from "./colors";

const STATUS_ORDER = ["available", "dispatched", "busy", "off_duty"];

export function unitBoardOrder(units: readonly Unit[]): Unit[] {
  const rank = (unit: Unit) => {
    const index = STATUS_ORDER.indexOf(unit.status);
    return index < 0 ? STATUS_ORDER.length : index;
  };
  return [...units].sort((a, b) => rank(a) - rank(b) || a.call_sign.localeCompare(b.call_sign));
}

interface Props {
  units: Unit[] | undefined;
  loading: boolean;
  highlight: ReadonlySet<string>;
}

export function UnitBoard({ units, loading, highlight }: Props) {
  const { t } = useTranslation();
  const ordered = useMemo(() => unitBoardOrder(units ?? []), [units]);
  const available = ordered.filter((u) => u.status === "available").length;
  return (
    <Stack gap={0} h="100%">
      <Stack px="sm" py={6} gap={0}>
        <Title order={5}>{t("units.title")}</Title>
        <Text size="xs" c="dimmed">
          {t("units.available", { count: available, total: ordered.length })}
        </Text>
      </Stack>
      {loading ? (
        <Center flex={1}>
          <Loader size="sm" aria-label={t("app.loading")} />
        </Center>
      ) : (
        <ScrollArea flex={1} type="auto">
          <Table striped highlightOnHover fz="xs" horizontalSpacing={6} aria-label={t("units.title")} data-testid="unit-board">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("units.callSign")}</Table.Th>
                <Table.Th>{t("units.status")}</Table.Th>
                <Table.Th>{t("units.district")}</Table.Th>
                <Table.Th>{t("units.lastFix")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ordered.map((unit) => (
                <Table.Tr
                  key={unit.id}
                  data-unit={unit.id}
                  data-status={unit.status}
                  bg={highlight.has(unit.id) ? "var(--mantine-color-dark-5)" : undefined}
                >
                  <Table.Td fw={600} title={`${unit.id} · ${unit.kind}`} style={{ whiteSpace: "nowrap" }}>
                    {unit.call_sign}
                  </Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="light" color={unitColor(unit.status)}>
                      {unitStatusName(t, unit.status)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{unit.district_id}</Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: "nowrap" }}>
                    {unit.lat !== null && unit.lon !== null
                      ? `${unit.lat.toFixed(4)}, ${unit.lon.toFixed(4)}`
                      : t("pane.none")}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Stack>
  );
}
