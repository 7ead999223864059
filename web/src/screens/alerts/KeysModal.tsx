import { Kbd, Modal, Table } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { Catalogue } from "../../i18n/locales/en";

type Action = Exclude<keyof Catalogue["keys"], "title">;

export const KEYS: [string[], Action][] = [
  [["J", "↓"], "next"],
  [["K", "↑"], "previous"],
  [["Home", "End"], "first"],
  [["A"], "acknowledge"],
  [["D"], "dismiss"],
  [["I"], "incident"],
  [["G"], "goToIncident"],
  [["1…9"], "step"],
  [["M"], "sound"],
  [["?"], "help"],
];

export function KeysModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t("keys.title")} centered>
      <Table>
        <Table.Tbody>
          {KEYS.map(([keys, action]) => (
            <Table.Tr key={action}>
              <Table.Td>
                {keys.map((key) => (
                  <Kbd key={key} mr={4}>
                    {key}
                  </Kbd>
                ))}
              </Table.Td>
              <Table.Td>{t(`keys.${action}`)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
