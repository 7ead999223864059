/** Names for the codes the server sends (offense codes, statuses, roles), with a readable fallback
 * for a code this build does not know yet. */
import type { TFunction } from "i18next";

import { en, type Catalogue } from "./locales/en";

function known<K extends string>(table: Record<K, string>, code: string): code is K {
  return Object.prototype.hasOwnProperty.call(table, code);
}

export function offenseName(t: TFunction, code: string): string {
  return known(en.offense, code) ? t(`offense.${code}`) : code.replaceAll("_", " ");
}

export function statusName(t: TFunction, status: string): string {
  return known(en.status, status) ? t(`status.${status}`) : status.replaceAll("_", " ");
}

export function unitStatusName(t: TFunction, status: string): string {
  return known(en.unitStatus, status) ? t(`unitStatus.${status}`) : status.replaceAll("_", " ");
}

export function priorityName(t: TFunction, priority: number): string {
  const key = String(priority);
  return known(en.priority, key) ? t(`priority.${key as Exclude<keyof Catalogue["priority"], "p">}`) : key;
}

export function incidentStateName(t: TFunction, state: string): string {
  return known(en.incidentState, state) ? t(`incidentState.${state}`) : state.replaceAll("_", " ");
}

export function closureName(t: TFunction, code: string): string {
  return known(en.closure, code) ? t(`closure.${code}`) : code.replaceAll("_", " ");
}
