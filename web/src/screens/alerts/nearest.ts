/** The cameras nearest an alert, from the camera list's positions (great-circle distance). */
const EARTH_RADIUS_M = 6_371_000;

export interface Located {
  id: string;
  lat: number | null;
  lon: number | null;
}

export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function nearestCameras<T extends Located>(
  cameras: readonly T[],
  lat: number,
  lon: number,
  { limit = 4, withinM = 1000, exclude }: { limit?: number; withinM?: number; exclude?: string | null } = {},
): { camera: T; meters: number }[] {
  const found: { camera: T; meters: number }[] = [];
  for (const camera of cameras) {
    if (camera.lat === null || camera.lon === null || camera.id === exclude) continue;
    const meters = distanceM(lat, lon, camera.lat, camera.lon);
    if (meters <= withinM) found.push({ camera, meters });
  }
  return found.sort((a, b) => a.meters - b.meters).slice(0, limit);
}
