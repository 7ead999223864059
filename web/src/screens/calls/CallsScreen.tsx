/**
 * Citizen call intake: who called, where (address and coordinates; a map pick is a later step), what
 * kind of offence, what they said. Sending opens an incident; the screen then offers to go to it.
 */
import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { can, useSession } from "../../api/queries/session";
import { useTakeCall, type CallCategory, type CallTaken } from "../../api/queries/calls";
import { offenseName } from "../../i18n/labels";
import { TicketBoard } from "./TicketBoard";
import { CALL_CATEGORIES, checkCall, toCallBody, type CallField, type CallValues } from "./callForm";

const EMPTY: CallValues = {
  callerName: "",
  callerPhone: "",
  address: "",
  description: "",
  category: "citizen_report",
  lat: "",
  lon: "",
};

export function CallsScreen() {
  const { t } = useTranslation();
  const [values, setValues] = useState<CallValues>(EMPTY);
  const [tried, setTried] = useState(false);
  const [taken, setTaken] = useState<CallTaken | null>(null);
  const take = useTakeCall();
  const { data: session } = useSession();
  const problems = useMemo(() => checkCall(values), [values]);
  const categories = useMemo(
    () => CALL_CATEGORIES.map((code) => ({ value: code, label: offenseName(t, code) })),
    [t],
  );

  const set = (field: keyof CallValues) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((previous) => ({ ...previous, [field]: value }));
  };
  const error = (field: CallField) => {
    const problem = problems[field];
    return tried && problem !== undefined ? t(`calls.problem.${problem}`) : undefined;
  };

  const submit = () => {
    setTried(true);
    if (Object.keys(problems).length > 0) return;
    take.mutate(toCallBody(values), {
      onSuccess: (result) => {
        setTaken(result);
        setValues(EMPTY);
        setTried(false);
      },
    });
  };

  return (
    <Stack p="md" gap="sm" h="100%" style={{ overflowY: "auto" }} maw={1100}>
      <Title order={3}>{t("calls.title")}</Title>
      {taken !== null && (
        <Alert color="green" title={t("calls.taken")} data-testid="call-taken" withCloseButton onClose={() => setTaken(null)}>
          <Group gap="sm">
            <Text size="sm">{t("calls.incidentOpened", { id: taken.incident.id })}</Text>
            <Button component={Link} to={`/incidents/${encodeURIComponent(taken.incident.id)}`} size="xs">
              {t("calls.goToIncident")}
            </Button>
          </Group>
        </Alert>
      )}
      <Paper p="sm" withBorder>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Stack gap="sm">
            <SimpleGrid cols={2}>
              <TextInput label={t("calls.callerName")} value={values.callerName} onChange={set("callerName")} error={error("callerName")} required />
              <TextInput label={t("calls.callerPhone")} value={values.callerPhone} onChange={set("callerPhone")} error={error("callerPhone")} required type="tel" />
            </SimpleGrid>
            <Select
              label={t("calls.category")}
              data={categories}
              value={values.category}
              onChange={(value) => value !== null && setValues((previous) => ({ ...previous, category: value as CallCategory }))}
              searchable
              allowDeselect={false}
            />
            <TextInput label={t("calls.address")} value={values.address} onChange={set("address")} error={error("address")} required />
            <SimpleGrid cols={2}>
              <TextInput label={t("calls.lat")} value={values.lat} onChange={set("lat")} error={error("lat")} inputMode="decimal" required />
              <TextInput label={t("calls.lon")} value={values.lon} onChange={set("lon")} error={error("lon")} inputMode="decimal" required />
            </SimpleGrid>
            <Textarea label={t("calls.description")} value={values.description} onChange={set("description")} error={error("description")} autosize minRows={3} required />
            {take.isError && (
              <Text c="red.4" size="sm">
                {t("calls.failed", { detail: take.error.message })}
              </Text>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={take.isPending}>
                {t("calls.submit")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {can(session, "tickets:read") && <TicketBoard canMove={can(session, "tickets:write")} />}
    </Stack>
  );
}
