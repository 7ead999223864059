/** A dark theme for a control room: low glare, system fonts (nothing fetched), priority colours. */
import { Badge, createTheme, type CSSVariablesResolver, type MantineColor } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "sm",
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif' },
  cursorType: "pointer",
  // Filled badges pick black or white text by their colour's luminance, so the orange and yellow
  // priorities keep a WCAG AA contrast (axe: color-contrast); 0.2 puts orange's text in black.
  luminanceThreshold: 0.2,
  components: { Badge: Badge.extend({ defaultProps: { autoContrast: true } }) },
});

/** Dimmed text a little lighter than Mantine's dark-2 (#828282, 4.0:1 on the dark body): 4.5:1 or more
 * on the body and on the selected row (#3b3b3b). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {},
  dark: { "--mantine-color-dimmed": "#b0b0b0" },
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
