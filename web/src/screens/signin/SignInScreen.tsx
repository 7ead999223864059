/** Sign-in: the password goes to `POST /api/auth/session`; the answer is cookies the page cannot read. */
import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";

import { ApiError } from "../../api/client";
import { useSession, useSignIn } from "../../api/queries/session";
import { LanguageSwitch } from "../../shell/LanguageSwitch";

function fromOf(state: unknown): string {
  if (typeof state === "object" && state !== null && "from" in state) {
    const from = (state as { from: unknown }).from;
    if (typeof from === "string" && from.startsWith("/") && !from.startsWith("/signin")) return from;
  }
  return "/alerts";
}

export function SignInScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useSession();
  const signIn = useSignIn();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const target = fromOf(location.state);

  if (session.data) return <Navigate to={target} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(
      { username, password },
      {
        onSuccess: () => void navigate(target, { replace: true }),
        onSettled: () => setPassword(""),
      },
    );
  };
  const error = signIn.error;
  const message =
    error instanceof ApiError && error.status === 429
      ? t("signIn.throttled")
      : error
        ? t("signIn.failed", { detail: error.message })
        : null;

  return (
    <Center h="100vh">
      <Paper withBorder shadow="md" p="xl" w={380}>
        <form onSubmit={submit}>
          <Stack>
            <Group justify="space-between" align="flex-start">
              <div>
                <Title order={2} c="blue.4">
                  {t("app.name")}
                </Title>
                <Text size="sm" c="dimmed">
                  {t("app.tagline")}
                </Text>
              </div>
              <LanguageSwitch />
            </Group>
            <Title order={4}>{t("signIn.title")}</Title>
            <TextInput
              label={t("signIn.username")}
              name="username"
              autoComplete="username"
              autoFocus
              required
              value={username}
              onChange={(event) => setUsername(event.currentTarget.value)}
            />
            <PasswordInput
              label={t("signIn.password")}
              name="password"
              autoComplete="current-password"
              visibilityToggleButtonProps={{ "aria-label": t("signIn.showPassword") }}
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
            />
            {message && (
              <Alert color="red" variant="light" role="alert">
                {message}
              </Alert>
            )}
            <Button type="submit" loading={signIn.isPending} fullWidth>
              {t("signIn.submit")}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
