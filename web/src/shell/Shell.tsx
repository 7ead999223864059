/**
 * The frame around every screen: navigation by permission, the live feed's state, the language, who
 * is signed in and the way out. The live feed runs here, once, for all screens.
 */
import { AppShell, Button, Group, NavLink, Stack, Text, Title } from "@mantine/core";
import { IconBell, IconHeartRateMonitor, IconLogout, IconMap2, IconMovie, IconPhoneCall, IconUrgent } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation, useNavigate } from "react-router";

import { FeedProvider } from "../api/feed/FeedProvider";
import { useUnitFeedSync } from "../api/queries/cameras";
import { can, useSession, useSignOut, type Permission, type Session } from "../api/queries/session";
import type { Catalogue } from "../i18n/locales/en";
import { FeedIndicator } from "./FeedIndicator";
import { LanguageSwitch } from "./LanguageSwitch";

interface Screen {
  path: string;
  label: keyof Catalogue["shell"]["nav"];
  icon: ReactNode;
  needs: Permission[];
}

export const SCREENS: Screen[] = [
  { path: "/alerts", label: "alerts", icon: <IconBell size={18} />, needs: ["alerts:read"] },
  {
    path: "/incidents",
    label: "incidents",
    icon: <IconUrgent size={18} />,
    needs: ["incidents:read"],
  },
  { path: "/map", label: "map", icon: <IconMap2 size={18} />, needs: ["districts:read", "cameras:read"] },
  { path: "/archive", label: "archive", icon: <IconMovie size={18} />, needs: ["archive:read", "cameras:read"] },
  { path: "/health", label: "health", icon: <IconHeartRateMonitor size={18} />, needs: ["camera_health:read"] },
  { path: "/calls", label: "calls", icon: <IconPhoneCall size={18} />, needs: ["calls:write"] },
];

export function screensFor(session: Session | null | undefined): Screen[] {
  return SCREENS.filter((screen) => screen.needs.every((permission) => can(session, permission)));
}

function FeedSubscribers() {
  useUnitFeedSync();
  return null;
}

export function Shell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { data: session } = useSession();
  const signOut = useSignOut();
  const role = session ? t(`role.${session.role as keyof Catalogue["role"]}`, { defaultValue: session.role }) : "";
  return (
    <FeedProvider enabled={can(session, "feed:read")}>
      <FeedSubscribers />
      <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} padding={0}>
        <AppShell.Header px="md">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Title order={3} c="blue.4">
                {t("app.name")}
              </Title>
              <Text size="sm" c="dimmed" visibleFrom="md">
                {t("app.tagline")}
              </Text>
              <FeedIndicator />
            </Group>
            <Group gap="md" wrap="nowrap">
              <LanguageSwitch />
              {session && (
                <Text size="sm" data-testid="signed-in-as">
                  {t("shell.signedInAs", { username: session.full_name || session.username, role })}
                </Text>
              )}
              <Button
                variant="subtle"
                size="xs"
                leftSection={<IconLogout size={16} />}
                loading={signOut.isPending}
                onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate("/signin") })}
              >
                {t("shell.signOut")}
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <Stack gap={4} component="nav">
            {screensFor(session).map((screen) => (
              <NavLink
                key={screen.path}
                component={Link}
                to={screen.path}
                active={location.pathname.startsWith(screen.path)}
                label={t(`shell.nav.${screen.label}`)}
                leftSection={screen.icon}
              />
            ))}
          </Stack>
        </AppShell.Navbar>
        <AppShell.Main h="100vh">
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </FeedProvider>
  );
}
