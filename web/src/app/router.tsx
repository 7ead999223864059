/** One route per screen; each screen is a folder under src/screens/. The map loads on demand. */
import { Center, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { createBrowserRouter, Navigate } from "react-router";

import { AlertQueueScreen } from "../screens/alerts/AlertQueueScreen";
import { SignInScreen } from "../screens/signin/SignInScreen";
import { RequireSession } from "../shell/RequireSession";
import { Shell } from "../shell/Shell";

function NotFound() {
  const { t } = useTranslation();
  return (
    <Center h="100%">
      <Text c="dimmed">{t("app.notFound")}</Text>
    </Center>
  );
}

export function makeRouter() {
  return createBrowserRouter([
    { path: "/signin", element: <SignInScreen /> },
    {
      path: "/",
      element: (
        <RequireSession>
          <Shell />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Navigate to="/alerts" replace /> },
        { path: "alerts", element: <AlertQueueScreen /> },
        {
          path: "map",
          lazy: async () => ({ Component: (await import("../screens/map/MapScreen")).MapScreen }),
        },
        {
          path: "incidents/:id?",
          lazy: async () => ({
            Component: (await import("../screens/incidents/IncidentsScreen")).IncidentsScreen,
          }),
        },
        {
          path: "archive",
          lazy: async () => ({ Component: (await import("../screens/archive/ArchiveScreen")).ArchiveScreen }),
        },
        {
          path: "health",
          lazy: async () => ({ Component: (await import("../screens/health/HealthScreen")).HealthScreen }),
        },
        {
          path: "calls",
          lazy: async () => ({ Component: (await import("../screens/calls/CallsScreen")).CallsScreen }),
        },
        { path: "*", element: <NotFound /> },
      ],
    },
  ]);
}
