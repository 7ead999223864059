/**
 * The archive's arithmetic, free of React and the player: the timeline's window (its span, zoom and
 * shift), the recorded ranges and gaps inside it from the segments list, and the mapping between the
 * player's media time and wall-clock time. The HLS playlist lists the same segments in the same order
 * (a gap becomes a discontinuity, not missing time), so media time is the sum of the segments'
 * durations before the one playing.
 */

/** What the timeline and the player need of a segment (the API's SegmentPublic has these fields). */
export interface SegmentTimes {
  start: string;
  end: string;
  seconds: number;
}

/** A stretch of wall-clock time in epoch milliseconds, end exclusive. */
export interface Range {
  start: number;
  end: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** The timeline's zoom steps, narrowest first. */
export const SPANS = [10 * MINUTE, HOUR, 6 * HOUR] as const;
export const DEFAULT_SPAN = HOUR;
/** Two segments closer than this are one recorded range (the playlist's discontinuity rule). */
export const JOIN_MS = 1000;
/** The clip around an alert: from 10 s before its first sighting to 20 s after. */
export const CLIP_BEFORE_MS = 10_000;
export const CLIP_AFTER_MS = 20_000;

/** The window of ``span`` ms centred on ``center``, on whole seconds. */
export function windowAround(center: number, span: number): Range {
  const start = Math.floor((center - span / 2) / 1000) * 1000;
  return { start, end: start + span };
}

/** The next wider (``+1``) or narrower (``-1``) zoom step, kept centred on ``anchor``. */
export function zoom(window: Range, direction: 1 | -1, anchor = (window.start + window.end) / 2): Range {
  const span = window.end - window.start;
  const index = SPANS.findIndex((s) => s >= span);
  const current = index === -1 ? SPANS.length - 1 : index;
  const next = SPANS[Math.min(SPANS.length - 1, Math.max(0, current + direction))] ?? span;
  return windowAround(anchor, next);
}

/** The window moved by ``fraction`` of its span (−0.5: half a window back). */
export function shift(window: Range, fraction: number): Range {
  const by = Math.round((window.end - window.start) * fraction);
  return { start: window.start + by, end: window.end + by };
}

/** Where ``at`` falls in the window, 0 … 1 (clamped). */
export function fractionOf(window: Range, at: number): number {
  const span = window.end - window.start;
  if (span <= 0) return 0;
  return Math.min(1, Math.max(0, (at - window.start) / span));
}

/** The wall-clock time at ``fraction`` of the window (a click on the timeline). */
export function timeAt(window: Range, fraction: number): number {
  return Math.round(window.start + (window.end - window.start) * Math.min(1, Math.max(0, fraction)));
}

/** The clip around an alert first seen at ``firstAt``. */
export function clipWindow(firstAt: number): Range {
  return { start: firstAt - CLIP_BEFORE_MS, end: firstAt + CLIP_AFTER_MS };
}

/** The recorded ranges inside the window: segments joined across gaps under JOIN_MS, clipped. */
export function recordedRanges(segments: readonly SegmentTimes[], window: Range): Range[] {
  const spans = segments
    .map((s) => ({ start: Date.parse(s.start), end: Date.parse(s.end) }))
    .filter((r) => Number.isFinite(r.start) && Number.isFinite(r.end) && r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start - last.end <= JOIN_MS) {
      last.end = Math.max(last.end, span.end);
    } else {
      merged.push({ ...span });
    }
  }
  return merged
    .map((r) => ({ start: Math.max(r.start, window.start), end: Math.min(r.end, window.end) }))
    .filter((r) => r.end > r.start);
}

/** The parts of the window with no recording (the complement of ``recorded``, which is sorted). */
export function gaps(recorded: readonly Range[], window: Range): Range[] {
  const out: Range[] = [];
  let cursor = window.start;
  for (const r of recorded) {
    if (r.start > cursor) out.push({ start: cursor, end: Math.min(r.start, window.end) });
    cursor = Math.max(cursor, r.end);
  }
  if (cursor < window.end) out.push({ start: cursor, end: window.end });
  return out.filter((g) => g.end > g.start);
}

/** One playlist entry: its wall-clock start and where it begins in the player's media time. */
export interface PlaybackEntry {
  wallStart: number;
  seconds: number;
  offset: number;
}

/** The playlist's entries in its order (by start time), with their media-time offsets. */
export function playbackMap(segments: readonly SegmentTimes[]): PlaybackEntry[] {
  const sorted = [...segments].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  let offset = 0;
  return sorted.map((s) => {
    const entry = { wallStart: Date.parse(s.start), seconds: s.seconds, offset };
    offset += s.seconds;
    return entry;
  });
}

/** The wall-clock time (ms) of media time ``t`` seconds, or null before the map has entries. */
export function wallAt(map: readonly PlaybackEntry[], t: number): number | null {
  if (map.length === 0) return null;
  let entry = map[0] as PlaybackEntry;
  for (const e of map) {
    if (e.offset <= t) entry = e;
    else break;
  }
  const into = Math.min(Math.max(0, t - entry.offset), entry.seconds);
  return entry.wallStart + Math.round(into * 1000);
}

/**
 * The media time (s) that shows wall-clock ``wall``: inside a segment, its place there; in a gap, the
 * start of the next recording; null after the last recording ends.
 */
export function mediaAt(map: readonly PlaybackEntry[], wall: number): number | null {
  for (const e of map) {
    const end = e.wallStart + e.seconds * 1000;
    if (wall < e.wallStart) return e.offset;
    if (wall < end) return e.offset + (wall - e.wallStart) / 1000;
  }
  return null;
}

/** ``2026-05-03T14:05`` for an <input type="datetime-local"> in the browser's zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** The instant an <input type="datetime-local"> value names in the browser's zone, or null. */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const ms = new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, Number.isNaN(s) ? 0 : s).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** ISO 8601 with a zone, as the archive routes want their ``start``/``end``. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
