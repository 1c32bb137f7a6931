/** Confidential consumer inputs are stored in clear and shown as "********" on every read, as the service does. */
import { MASKED_INPUT_VALUE } from "../../contract/manifest";
import { confidentialIdsOf } from "./consumers";

export const MASK = MASKED_INPUT_VALUE;

export function maskInputs(consumerId: string, inputs: Record<string, string>): Record<string, string> {
  const confidential = confidentialIdsOf(consumerId);
  const masked: Record<string, string> = {};
  for (const [id, value] of Object.entries(inputs)) masked[id] = confidential.includes(id) ? MASK : value;
  return masked;
}
