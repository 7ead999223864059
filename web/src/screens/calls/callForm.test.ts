import { describe, expect, it } from "vitest";

import { checkCall, toCallBody, type CallValues } from "./callForm";

const good: CallValues = {
  callerName: " Aigerim ",
  callerPhone: "+7 (701) 555-12-34",
  address: "Abay ave 10",
  description: "A fight near the bus stop",
  category: "fight",
  lat: "43,238",
  lon: "76.889",
};

describe("checkCall", () => {
  it("accepts a complete call", () => {
    expect(checkCall(good)).toEqual({});
  });
  it("names each missing or malformed field", () => {
    expect(
      checkCall({ ...good, callerName: " ", callerPhone: "call me", address: "", description: "", lat: "91", lon: "x" }),
    ).toEqual({
      callerName: "required",
      callerPhone: "phone",
      address: "required",
      description: "required",
      lat: "latitude",
      lon: "longitude",
    });
    expect(checkCall({ ...good, callerPhone: "", lat: "", lon: "-181" })).toEqual({
      callerPhone: "required",
      lat: "latitude",
      lon: "longitude",
    });
  });
});

describe("toCallBody", () => {
  it("trims and reads a comma as the decimal mark", () => {
    expect(toCallBody(good)).toEqual({
      caller_name: "Aigerim",
      caller_phone: "+7 (701) 555-12-34",
      address: "Abay ave 10",
      description: "A fight near the bus stop",
      category: "fight",
      lat: 43.238,
      lon: 76.889,
    });
  });
});
