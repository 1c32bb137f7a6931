import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { extractFacts, gitEventTypes } from "../../src/contract";
import { loadSample, loadTestSample, sampleFile, samplesDirectory } from "../../src/contract/samples";

/**
 * The team's reference copy of Microsoft's sample payloads, beside the repository. Only this check
 * of the vendored copy reads it; a user's clone has no ../shared.
 */
const sharedPayloadsDirectory = resolve(__dirname, "../../../shared/payloads");

const vendoredFiles = [
  ...gitEventTypes.map((eventType) => `${eventType}.json`),
  join("test-notification", "git.push.json"),
  join("other-publishers", "build.complete.json"),
  join("other-publishers", "workitem.created.json"),
];

describe("vendored sample payloads", () => {
  it.each(vendoredFiles)("%s is in the repository and parses", (file) => {
    expect(() => JSON.parse(readFileSync(join(samplesDirectory, file), "utf8"))).not.toThrow();
  });

  it("are byte-identical to the team's reference copy, when it is beside the repository", () => {
    if (!existsSync(join(sharedPayloadsDirectory, "README.md"))) {
      // A user's clone stands alone: there is nothing to compare with, and nothing else reads ../shared.
      console.info(`No reference copy at ${sharedPayloadsDirectory}; the vendored samples were not compared.`);
      return;
    }
    for (const file of vendoredFiles) {
      const reference = join(sharedPayloadsDirectory, file.replace(/^other-publishers[\\/]/, ""));
      expect({ file, bytes: readFileSync(join(samplesDirectory, file)) }).toEqual({ file, bytes: readFileSync(reference) });
    }
  });

  it("sampleFile points into the vendored folder", () => {
    expect(sampleFile("git.push")).toBe(join(samplesDirectory, "git.push.json"));
  });

  it("loadTestSample returns the Fabrikam Test-button body for git.push and the doc sample otherwise", () => {
    expect(loadTestSample("git.push").message?.text).toMatch(/Fabrikam/);
    expect(loadTestSample("git.pullrequest.created")).toEqual(loadSample("git.pullrequest.created"));
  });
});

describe("extractFacts on the official samples", () => {
  it("reads a push: repository, every updated ref, the pusher and the project", () => {
    const facts = extractFacts(loadSample("git.push"));
    const push = loadSample("git.push").resource!;
    expect(facts).toMatchObject({
      eventType: "git.push",
      known: true,
      repositoryId: push.repository.id,
      repositoryName: push.repository.name,
      refs: push.refUpdates.map((u) => u.name),
      actor: push.pushedBy.uniqueName,
    });
    expect(facts.projectId).toBe(loadSample("git.push").resourceContainers.project.id);
    expect(facts.pullRequestId).toBeUndefined();
  });

  it.each(["git.pullrequest.created", "git.pullrequest.updated", "git.pullrequest.merged"] as const)(
    "reads %s: pull request id, target then source ref, author",
    (eventType) => {
      const event = loadSample(eventType);
      const pr = event.resource!;
      expect(extractFacts(event)).toMatchObject({
        known: true,
        pullRequestId: pr.pullRequestId,
        repositoryId: pr.repository.id,
        repositoryName: pr.repository.name,
        refs: [pr.targetRefName, pr.sourceRefName],
        actor: pr.createdBy.uniqueName,
      });
    },
  );

  it("reads a pull request comment from its nested pull request, with the comment's author as actor", () => {
    const event = loadSample("ms.vss-code.git-pullrequest-comment-event");
    const { comment, pullRequest } = event.resource!;
    expect(extractFacts(event)).toMatchObject({
      pullRequestId: pullRequest.pullRequestId,
      repositoryName: pullRequest.repository.name,
      actor: comment.author.uniqueName,
    });
  });

  it("flags unknown event types and survives hostile shapes", () => {
    expect(extractFacts({ id: "x", eventType: "build.complete", resource: { id: 1 } })).toEqual({
      eventType: "build.complete",
      known: false,
      refs: [],
      projectId: undefined,
      createdDate: undefined,
    });
    const odd = extractFacts({ eventType: "git.push", resource: { refUpdates: "nope", repository: 5, pushedBy: null } });
    expect(odd).toMatchObject({ known: true, refs: [] });
    expect(extractFacts({ eventType: "git.pullrequest.created", resource: { pullRequestId: "12" } }).pullRequestId).toBeUndefined();
  });
});
