import { describe, expect, it } from "vitest";

import { priorityToSound, toneFor } from "./sound";

describe("the alarm", () => {
  it("sounds for the most urgent new alert when it is P1 or P2", () => {
    expect(priorityToSound([3, 2, 4])).toBe(2);
    expect(priorityToSound([2, 1])).toBe(1);
  });
  it("stays quiet for P3 and below, and for nothing", () => {
    expect(priorityToSound([3, 5])).toBeNull();
    expect(priorityToSound([])).toBeNull();
  });
  it("has a more insistent tone for P1 than for P2", () => {
    expect(toneFor(1)?.tones.length).toBeGreaterThan(toneFor(2)?.tones.length ?? 0);
    expect(toneFor(3)).toBeNull();
  });
});
