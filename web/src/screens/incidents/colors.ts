/** Colours for incident states and unit statuses on the board. */
import type { MantineColor } from "@mantine/core";

export function stateColor(state: string): MantineColor {
  switch (state) {
    case "new":
      return "red";
    case "dispatched":
      return "orange";
    case "en_route":
      return "yellow";
    case "on_scene":
      return "grape";
    case "resolved":
      return "teal";
    default:
      return "gray";
  }
}

export function unitColor(status: string): MantineColor {
  switch (status) {
    case "available":
      return "green";
    case "dispatched":
      return "orange";
    case "busy":
      return "yellow";
    default:
      return "gray";
  }
}
