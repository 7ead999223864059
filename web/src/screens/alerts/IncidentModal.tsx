/** Open an incident from the alert: its code and place go with it; the operator writes the summary. */
import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { Alert } from "../../api/queries/alertCache";
import { offenseName } from "../../i18n/labels";

interface Props {
  alert: Alert | null;
  opened: boolean;
  busy: boolean;
  onClose: () => void;
  onSubmit: (summary: string) => void;
}

export function IncidentModal({ alert, opened, busy, onClose, onSubmit }: Props) {
  const { t } = useTranslation();
  const [summary, setSummary] = useState("");
  const [forAlert, setForAlert] = useState<string | null>(null);
  if (opened && alert && forAlert !== alert.id) {
    setForAlert(alert.id);
    setSummary(`${offenseName(t, alert.code)}${alert.camera_id ? ` — ${alert.camera_id}` : ""}`);
  }
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t("incident.title")}
      onExitTransitionEnd={() => setForAlert(null)}
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) onSubmit(summary.trim());
        }}
      >
        <Stack>
          {alert && (
            <Text fw={600}>
              {t("priority.p", { priority: alert.priority })} · {offenseName(t, alert.code)}
            </Text>
          )}
          <Textarea
            label={t("incident.summary")}
            data-autofocus
            autosize
            minRows={2}
            maxLength={2000}
            value={summary}
            onChange={(event) => setSummary(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !busy) {
                event.preventDefault();
                onSubmit(summary.trim());
              }
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("incident.cancel")}
            </Button>
            <Button type="submit" color="grape" loading={busy}>
              {t("incident.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
