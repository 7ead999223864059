import { SegmentedControl } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { LANGUAGES, type Language } from "../i18n";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t("language.label")}
      value={i18n.resolvedLanguage ?? "ru"}
      onChange={(value) => void i18n.changeLanguage(value)}
      data={LANGUAGES.map((language: Language) => ({ value: language, label: t(`language.${language}`) }))}
    />
  );
}
