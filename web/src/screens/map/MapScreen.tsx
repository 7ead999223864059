/**
 * The city map, drawn from Kuzet's own data with MapLibre GL: district areas and streets as the base
 * (no tile or glyph server: a control room has no internet, so no text labels until glyphs are
 * bundled), cameras coloured by health, units by status, moving live with the feed.
 */
import "maplibre-gl/dist/maplibre-gl.css";

import { Box, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { Map as MapLibre, setWorkerUrl, type GeoJSONSource, type MapLayerMouseEvent } from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { useCameras, useCamerasDown, useUnits } from "../../api/queries/cameras";
import { useDistrictAreas, useStreets, type DistrictAreas, type Streets } from "../../api/queries/map";
import { can, useSession } from "../../api/queries/session";
import { unitStatusName } from "../../i18n/labels";
import { cameraFeatures, unitFeatures } from "./features";
import { CAMERA_COLORS, mapStyle, UNIT_COLORS } from "./style";

setWorkerUrl(workerUrl);

type Selected = { kind: "camera"; id: string; name: string; health: string } | { kind: "unit"; id: string; callSign: string; status: string };

function setData(map: MapLibre, source: string, data: GeoJSON.GeoJSON): void {
  (map.getSource(source) as GeoJSONSource | undefined)?.setData(data);
}

function useBaseMap(container: React.RefObject<HTMLDivElement | null>, streets?: Streets, districts?: DistrictAreas) {
  const [map, setMap] = useState<MapLibre | null>(null);
  useEffect(() => {
    if (!container.current || !streets || !districts) return undefined;
    const [west = 0, south = 0, east = 0, north = 0] = streets.bbox;
    const instance = new MapLibre({
      container: container.current,
      style: mapStyle(streets, districts),
      bounds: [west, south, east, north],
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
    instance.on("load", () => setMap(instance));
    return () => {
      setMap(null);
      instance.remove();
    };
  }, [container, streets, districts]);
  return map;
}

export function MapScreen() {
  const { t } = useTranslation();
  const { data: session } = useSession();
  const container = useRef<HTMLDivElement>(null);
  const streets = useStreets(can(session, "districts:read"));
  const districts = useDistrictAreas(can(session, "districts:read"));
  const cameras = useCameras(can(session, "cameras:read"));
  const down = useCamerasDown(can(session, "camera_health:read"));
  const units = useUnits(can(session, "units:read"));
  const map = useBaseMap(container, streets.data, districts.data);
  const [selected, setSelected] = useState<Selected | null>(null);

  useEffect(() => {
    if (map && cameras.data) setData(map, "cameras", cameraFeatures(cameras.data, down.data ?? []));
  }, [map, cameras.data, down.data]);
  useEffect(() => {
    if (map && units.data) setData(map, "units", unitFeatures(units.data));
  }, [map, units.data]);
  useEffect(() => {
    if (!map) return undefined;
    const pick = (event: MapLayerMouseEvent) => {
      const feature = event.features?.[0];
      const p = feature?.properties as Record<string, string> | undefined;
      if (!feature || !p) return;
      setSelected(
        feature.layer.id === "units"
          ? { kind: "unit", id: p["id"] ?? "", callSign: p["call_sign"] ?? "", status: p["status"] ?? "" }
          : { kind: "camera", id: p["id"] ?? "", name: p["name"] ?? "", health: p["health"] ?? "" },
      );
    };
    const pointer = () => (map.getCanvas().style.cursor = "pointer");
    const plain = () => (map.getCanvas().style.cursor = "");
    map.on("click", ["units", "cameras"], pick);
    map.on("mouseenter", ["units", "cameras"], pointer);
    map.on("mouseleave", ["units", "cameras"], plain);
    return () => {
      map.off("click", ["units", "cameras"], pick);
      map.off("mouseenter", ["units", "cameras"], pointer);
      map.off("mouseleave", ["units", "cameras"], plain);
    };
  }, [map]);

  const failed = streets.error ?? districts.error;
  if (failed) {
    return (
      <Center h="100%">
        <Text c="red">{t("app.failed", { detail: failed.message })}</Text>
      </Center>
    );
  }
  return (
    <Box pos="relative" h="100%">
      <Box ref={container} h="100%" w="100%" aria-label={t("map.title")} role="region" />
      {!map && (
        <Center pos="absolute" inset={0}>
          <Group>
            <Loader size="sm" />
            <Text c="dimmed">{t("map.loading")}</Text>
          </Group>
        </Center>
      )}
      <Paper pos="absolute" top={12} left={12} p="sm" withBorder shadow="md" opacity={0.92}>
        <Stack gap={4}>
          <Title order={5}>{t("map.title")}</Title>
          <Text size="xs" fw={700}>
            {t("map.cameras")}
          </Text>
          <Legend color={CAMERA_COLORS.up} label={t("map.cameraUp")} />
          <Legend color={CAMERA_COLORS.down} label={t("map.cameraDown")} />
          <Text size="xs" fw={700} mt={4}>
            {t("map.units")}
          </Text>
          {Object.entries(UNIT_COLORS).map(([status, color]) => (
            <Legend key={status} color={color} label={unitStatusName(t, status)} />
          ))}
        </Stack>
      </Paper>
      {selected && (
        <Paper pos="absolute" top={12} right={12} p="sm" withBorder shadow="md" miw={220}>
          {selected.kind === "camera" ? (
            <Stack gap={2}>
              <Text fw={700} ff="monospace">
                {selected.id}
              </Text>
              <Text size="sm">{selected.name}</Text>
              <Text size="sm" c={selected.health === "down" ? "red" : "teal"}>
                {selected.health === "down" ? t("map.cameraDown") : t("map.cameraUp")}
              </Text>
            </Stack>
          ) : (
            <Stack gap={2}>
              <Text fw={700}>{selected.callSign}</Text>
              <Text size="sm">{unitStatusName(t, selected.status)}</Text>
            </Stack>
          )}
        </Paper>
      )}
    </Box>
  );
}

function Legend({ color, label }: { color: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Box w={10} h={10} bg={color} bdrs="xl" />
      <Text size="xs">{label}</Text>
    </Group>
  );
}
