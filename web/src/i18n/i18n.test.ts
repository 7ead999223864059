import { describe, expect, it } from "vitest";

import { en } from "./locales/en";
import { kk } from "./locales/kk";
import { ru } from "./locales/ru";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? "").sort();
}

const reference = flatten(en);

describe.each([
  ["ru", ru],
  ["kk", kk],
])("the %s catalogue", (_, catalogue) => {
  const translated = flatten(catalogue as Tree);

  it("has every English key", () => {
    expect([...reference.keys()].filter((key) => !translated.has(key))).toEqual([]);
  });

  it("has no key English lacks", () => {
    expect([...translated.keys()].filter((key) => !reference.has(key))).toEqual([]);
  });

  it("fills in the same values ({{…}}) as English", () => {
    const mismatched = [...reference].filter(
      ([key, text]) => placeholders(text).join() !== placeholders(translated.get(key) ?? "").join(),
    );
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });

  it("leaves no string empty", () => {
    expect([...translated].filter(([, text]) => text.trim() === "").map(([key]) => key)).toEqual([]);
  });
});
