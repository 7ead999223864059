/** Dismissing needs a reason (kept in the audit log): a preset or the operator's own words. */
import { Button, Chip, Group, Modal, Stack, Textarea } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { Catalogue } from "../../i18n/locales/en";

const PRESETS: (keyof Catalogue["dismiss"]["presets"])[] = ["false_alarm", "duplicate", "handled", "test"];
export const MIN_REASON = 3;

interface Props {
  opened: boolean;
  busy: boolean;
  onClose: () => void;
  onSubmit: (reason: string) => void;
}

export function DismissModal({ opened, busy, onClose, onSubmit }: Props) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const valid = reason.trim().length >= MIN_REASON;
  const submit = () => {
    if (valid && !busy) onSubmit(reason.trim());
  };
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t("dismiss.title")}
      onExitTransitionEnd={() => setReason("")}
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          <Group gap="xs">
            {PRESETS.map((preset) => {
              const text = t(`dismiss.presets.${preset}`);
              return (
                <Chip key={preset} checked={reason === text} onChange={() => setReason(text)} size="sm">
                  {text}
                </Chip>
              );
            })}
          </Group>
          <Textarea
            label={t("dismiss.reason")}
            description={t("dismiss.reasonHint")}
            data-autofocus
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey) {
                event.preventDefault();
                submit();
              }
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dismiss.cancel")}
            </Button>
            <Button type="submit" color="red" disabled={!valid} loading={busy}>
              {t("dismiss.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
