// Keys of ``t`` are checked against the English catalogue at build time.
import "i18next";

import type { Catalogue } from "./locales/en";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: Catalogue };
  }
}
