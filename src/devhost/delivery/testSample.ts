/**
 * The canned event a test notification sends (ServiceHooksPublisher.GetSampleEvent): the official
 * sample with its fixed id, createdDate now, fixed resource containers when the sample has none,
 * and `data` always present ({"status":"Approved"} for pull request created/updated, else {}).
 */
import { isGitEventType } from "../../contract/events";
import { loadTestSample } from "../../contract/samples";
import { serviceTimestamp } from "../core/dates";

const SAMPLE_CONTAINERS = {
  collection: { id: "c12d0eb8-e382-443b-9f9c-c52cba5014c2" },
  account: { id: "f844ec47-a9db-4511-8281-8b63f4eaf94e" },
  project: { id: "be9b3917-87e6-42a4-a549-2bc06a7a878f" },
};

const APPROVED_DATA_EVENTS = new Set(["git.pullrequest.created", "git.pullrequest.updated"]);

export function testSampleEvent(eventType: string, now: Date): Record<string, unknown> {
  if (!isGitEventType(eventType)) throw new Error(`There is no sample event for event type '${eventType}'.`);
  const sample = loadTestSample(eventType) as unknown as Record<string, unknown>;
  return {
    ...sample,
    createdDate: serviceTimestamp(now),
    resourceContainers: sample.resourceContainers ?? SAMPLE_CONTAINERS,
    data: APPROVED_DATA_EVENTS.has(eventType) ? { status: "Approved" } : {},
  };
}
