import { describe, expect, it } from "vitest";

import {
  clipWindow,
  fractionOf,
  fromLocalInput,
  gaps,
  HOUR,
  mediaAt,
  MINUTE,
  playbackMap,
  recordedRanges,
  shift,
  timeAt,
  toLocalInput,
  wallAt,
  windowAround,
  zoom,
} from "./timeline";

const T0 = Date.parse("2026-05-03T12:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const seg = (from: number, to: number) => ({ start: at(from), end: at(to), seconds: to - from });

describe("the timeline's window", () => {
  it("is centred on the chosen time, on whole seconds", () => {
    expect(windowAround(T0 + 500, HOUR)).toEqual({ start: T0 - HOUR / 2, end: T0 + HOUR / 2 });
  });

  it("zooms through 10 min, 1 h and 6 h and stops at the ends", () => {
    const hour = windowAround(T0, HOUR);
    expect(zoom(hour, -1)).toEqual(windowAround(T0, 10 * MINUTE));
    expect(zoom(hour, 1)).toEqual(windowAround(T0, 6 * HOUR));
    expect(zoom(zoom(hour, 1), 1)).toEqual(windowAround(T0, 6 * HOUR));
    expect(zoom(zoom(hour, -1), -1)).toEqual(windowAround(T0, 10 * MINUTE));
  });

  it("shifts by a fraction of its span", () => {
    expect(shift({ start: T0, end: T0 + HOUR }, -0.5)).toEqual({ start: T0 - HOUR / 2, end: T0 + HOUR / 2 });
  });

  it("maps clicks to times and times to places, clamped", () => {
    const w = { start: T0, end: T0 + HOUR };
    expect(timeAt(w, 0.25)).toBe(T0 + HOUR / 4);
    expect(timeAt(w, 2)).toBe(T0 + HOUR);
    expect(fractionOf(w, T0 + HOUR / 2)).toBe(0.5);
    expect(fractionOf(w, T0 - 1)).toBe(0);
  });

  it("takes 10 s before and 20 s after an alert for its clip", () => {
    expect(clipWindow(T0)).toEqual({ start: T0 - 10_000, end: T0 + 20_000 });
  });
});

describe("recorded ranges and gaps", () => {
  const window = { start: T0, end: T0 + 100_000 };

  it("joins touching segments, splits at gaps and clips to the window", () => {
    const ranges = recordedRanges([seg(20, 30), seg(-5, 10), seg(10, 20.5), seg(50, 120)], window);
    expect(ranges).toEqual([
      { start: T0, end: T0 + 30_000 },
      { start: T0 + 50_000, end: T0 + 100_000 },
    ]);
    expect(gaps(ranges, window)).toEqual([{ start: T0 + 30_000, end: T0 + 50_000 }]);
  });

  it("makes the whole window a gap when nothing was recorded", () => {
    expect(recordedRanges([seg(200, 210)], window)).toEqual([]);
    expect(gaps([], window)).toEqual([window]);
  });

  it("finds gaps at both ends", () => {
    const ranges = recordedRanges([seg(10, 20)], window);
    expect(gaps(ranges, window)).toEqual([
      { start: T0, end: T0 + 10_000 },
      { start: T0 + 20_000, end: T0 + 100_000 },
    ]);
  });
});

describe("the player's media time on the wall clock", () => {
  // Two recordings with a 60 s gap: media time runs 0-10 s, then 10-20 s for the second.
  const map = playbackMap([seg(100, 110), seg(0, 10)]);

  it("orders the playlist's entries and sums their durations", () => {
    expect(map.map((e) => e.offset)).toEqual([0, 10]);
  });

  it("gives each frame's wall-clock time, across the gap", () => {
    expect(wallAt(map, 0)).toBe(T0);
    expect(wallAt(map, 4.5)).toBe(T0 + 4500);
    expect(wallAt(map, 12)).toBe(T0 + 102_000);
    expect(wallAt(map, 99)).toBe(T0 + 110_000);
    expect(wallAt([], 3)).toBeNull();
  });

  it("finds the media time of a wall-clock time, skipping a gap to the next recording", () => {
    expect(mediaAt(map, T0 + 3000)).toBe(3);
    expect(mediaAt(map, T0 + 50_000)).toBe(10);
    expect(mediaAt(map, T0 + 105_000)).toBe(15);
    expect(mediaAt(map, T0 - 5000)).toBe(0);
    expect(mediaAt(map, T0 + 200_000)).toBeNull();
  });
});

describe("the date-time input", () => {
  it("round-trips a time in the browser's zone", () => {
    expect(fromLocalInput(toLocalInput(T0 + 7000))).toBe(T0 + 7000);
    expect(fromLocalInput("2026-05-03T14:05")).toBe(new Date(2026, 4, 3, 14, 5).getTime());
    expect(fromLocalInput("yesterday")).toBeNull();
  });
});
