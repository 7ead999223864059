/** Screens behind sign-in: wait for `GET /api/auth/me`, send the signed-out to /signin. */
import { Button, Center, Loader, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";

import { useSession } from "../api/queries/session";

export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const session = useSession();
  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t("app.loading")} />
      </Center>
    );
  }
  if (session.isError) {
    return (
      <Center h="100vh">
        <Stack align="center">
          <Text c="red">{t("app.failed", { detail: session.error.message })}</Text>
          <Button onClick={() => void session.refetch()}>{t("app.retry")}</Button>
        </Stack>
      </Center>
    );
  }
  if (session.data === null) {
    return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  }
  return children;
}
