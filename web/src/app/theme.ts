/** A dark theme for a control room: low glare, system fonts (nothing fetched), priority colours. */
import { createTheme, type MantineColor } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "sm",
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif' },
  cursorType: "pointer",
});

/** P1 … P5, as the queue, the pane and the map draw them. */
export function priorityColor(priority: number): MantineColor {
  switch (priority) {
    case 1:
      return "red";
    case 2:
      return "orange";
    case 3:
      return "yellow";
    case 4:
      return "blue";
    default:
      return "gray";
  }
}

export function statusColor(status: string): MantineColor {
  switch (status) {
    case "escalated":
      return "red";
    case "acknowledged":
      return "teal";
    case "in_incident":
      return "grape";
    default:
      return "gray";
  }
}
