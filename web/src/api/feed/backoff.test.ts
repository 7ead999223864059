import { describe, expect, it } from "vitest";

import { backoffDelay, type BackoffPolicy } from "./backoff";

const policy: BackoffPolicy = { baseMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

describe("backoffDelay", () => {
  it("doubles from the base without jitter", () => {
    const none = () => 0;
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, none))).toEqual([500, 1000, 2000, 4000]);
  });

  it("never waits longer than the cap", () => {
    expect(backoffDelay(20, policy, () => 0)).toBe(30_000);
    expect(backoffDelay(1000, policy, () => 0)).toBe(30_000);
  });

  it("jitters down by at most the jitter share", () => {
    expect(backoffDelay(3, policy, () => 1)).toBe(3200);
    for (let i = 0; i < 100; i += 1) {
      const delay = backoffDelay(2, policy);
      expect(delay).toBeGreaterThanOrEqual(1600);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it("treats a negative attempt as the first", () => {
    expect(backoffDelay(-3, policy, () => 0)).toBe(500);
  });
});
