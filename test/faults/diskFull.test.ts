/**
 * Disk full: the SQLite file lives on a 2 MiB tmpfs that a filler file then fills up (as root), or,
 * where mounting is not permitted, the endpoint runs under a file-size limit (ulimit -f) with
 * SIGXFSZ ignored, so its writes fail with EFBIG. Either way the endpoint answers 503 with
 * Retry-After, stays up, and /readyz stops answering 200.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEndpoint, type RunningEndpoint } from "./support/endpoint";
import { Sender } from "./support/sender";
import { rowsPerEventId } from "./support/store";

type Mode = "tmpfs" | "file-size limit";

function tryMountTmpfs(dir: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Writes zeros to `file` until the filesystem refuses. */
function fillUp(file: string): void {
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

async function readyStatus(url: string): Promise<number> {
  return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status);
}

describe("SQLite on a full disk", () => {
  let root: string;
  let storeDir: string;
  let mode: Mode;
  let endpoint: RunningEndpoint | undefined;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "hookrelay-faults-disk-"));
    storeDir = join(root, "store");
    mkdirSync(storeDir);
    // FAULTS_DISK=limit exercises the fallback where mounting is allowed too.
    mode = process.env.FAULTS_DISK !== "limit" && tryMountTmpfs(storeDir) ? "tmpfs" : "file-size limit";
    console.log(`disk-full simulation: ${mode}`);
  });

  afterAll(async () => {
    await endpoint?.kill();
    if (mode === "tmpfs") execFileSync("umount", [storeDir]);
    rmSync(root, { recursive: true, force: true });
  });

  test("answers 503 with Retry-After, stays up, turns /readyz red, and loses nothing it acknowledged", async () => {
    const db = `sqlite:${join(storeDir, "hookrelay.db")}`;
    endpoint = await startEndpoint({
      db,
      dataDir: root,
      // sh's ulimit -f counts 512-byte blocks: 1 MiB. An ignored signal stays ignored across exec.
      wrapper: mode === "file-size limit" ? ["sh", "-c", 'trap "" XFSZ; ulimit -f 2048; exec "$0" "$@"'] : undefined,
    });
    const sender = new Sender(endpoint.url);
    const filler = join(storeDir, "filler");
    if (mode === "tmpfs") fillUp(filler);

    const firstRefusal = () => sender.answers.find((a) => a.status !== 200);
    for (let i = 0; i < 3000 && !firstRefusal(); i += 8) {
      await sender.run(8, Promise.resolve(), 2000);
    }
    const refusal = firstRefusal();
    expect(refusal).toMatchObject({ status: 503, body: { error: { code: expect.any(String) } } });
    expect(Number(refusal!.retryAfter)).toBeGreaterThan(0);
    expect(sender.statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(endpoint.alive()).toBe(true);
    expect((await fetch(`${endpoint.url}/healthz`)).status).toBe(200);
    expect(await readyStatus(endpoint.url)).not.toBe(200);

    if (mode === "tmpfs") {
      // Space comes back: the same process takes deliveries again, retries included.
      rmSync(filler);
      await sender.drain();
      expect(sender.unanswered.size).toBe(0);
      expect(await readyStatus(endpoint.url)).toBe(200);
    }
    await endpoint.kill("SIGKILL");
    const rows = await rowsPerEventId(db);
    expect([...sender.acknowledged].filter((id) => rows.get(id) !== 1)).toEqual([]);
  });
});
