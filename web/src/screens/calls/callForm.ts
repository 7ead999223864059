/** The call-intake form's values and their checks (the same rules as the API's CallCreate). */
import type { CallCategory, CallCreate } from "../../api/queries/calls";

/** Every category the API accepts; tsc fails when the document adds one this list lacks. */
export const CALL_CATEGORIES = [
  "citizen_report", "sos_button", "fight", "harassment", "bag_snatch", "vandalism", "graffiti", "intoxication",
  "public_drinking", "littering", "illegal_dumping", "loitering", "crowd", "intrusion", "abandoned_object",
  "suspicious_stash", "bullying", "person_down", "missing_person", "wanted_person", "wanted_vehicle",
  "intercept_hit", "illegal_parking", "bus_lane", "no_plate", "no_yield_pedestrian", "phone_use", "red_light",
  "seatbelt", "speeding", "stop_line", "wrong_way", "streetlight_out", "road_defect", "icicles", "utility_failure",
  "snow_not_cleared", "camera_offline", "camera_frozen", "camera_covered", "camera_defocused", "camera_moved",
  "camera_too_dark",
] as const satisfies readonly CallCategory[];
type Missing = Exclude<CallCategory, (typeof CALL_CATEGORIES)[number]>;
export const allCategoriesListed: [Missing] extends [never] ? true : Missing = true;

export interface CallValues {
  callerName: string;
  callerPhone: string;
  address: string;
  description: string;
  category: CallCategory;
  lat: string;
  lon: string;
}

export type CallField = "callerName" | "callerPhone" | "address" | "description" | "lat" | "lon";
export type CallProblem = "required" | "phone" | "latitude" | "longitude";

const PHONE = /^\+?[0-9 ()-]{5,20}$/;

function coordinate(text: string, limit: number): number | null {
  const value = Number(text.trim().replace(",", "."));
  return text.trim() !== "" && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

/** The problems with ``values`` by field (empty: the form may be sent). */
export function checkCall(values: CallValues): Partial<Record<CallField, CallProblem>> {
  const problems: Partial<Record<CallField, CallProblem>> = {};
  if (values.callerName.trim() === "") problems.callerName = "required";
  if (values.callerPhone.trim() === "") problems.callerPhone = "required";
  else if (!PHONE.test(values.callerPhone.trim())) problems.callerPhone = "phone";
  if (values.address.trim() === "") problems.address = "required";
  if (values.description.trim() === "") problems.description = "required";
  if (coordinate(values.lat, 90) === null) problems.lat = "latitude";
  if (coordinate(values.lon, 180) === null) problems.lon = "longitude";
  return problems;
}

/** The request body for checked ``values`` (a comma is accepted as the decimal mark). */
export function toCallBody(values: CallValues): CallCreate {
  return {
    caller_name: values.callerName.trim(),
    caller_phone: values.callerPhone.trim(),
    address: values.address.trim(),
    description: values.description.trim(),
    category: values.category,
    lat: coordinate(values.lat, 90) ?? Number.NaN,
    lon: coordinate(values.lon, 180) ?? Number.NaN,
  };
}
