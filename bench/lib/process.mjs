/** Starting a server as a child process on loopback, waiting for it, sampling its memory, stopping it. */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";

export async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A kB field of a live process's /proc/<pid>/status, or undefined once it has exited. */
function procStatusKb(pid, field) {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size in KiB (VmHWM). */
export const peakRssKb = (pid) => procStatusKb(pid, "VmHWM");

/** Current resident set size in KiB (VmRSS). */
export const currentRssKb = (pid) => procStatusKb(pid, "VmRSS");

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU time (user + system) a live process has used so far, in milliseconds. */
export function cpuMs(pid) {
  // The command name (field 2) may contain spaces; the fields after it are fixed.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers `status` or the child exits or `timeoutMs` passes. */
export async function waitForStatus(url, child, { status = 200, timeoutMs = 15000, headers } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before ${url} answered`);
    }
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      if (response.status === status) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
}

/**
 * Spawns `node <nodeFlags> <script>` in `workDir` with PORT and HOST set; resolves once
 * `readyPath` answers `readyStatus`. The server's output goes to workDir/server.log.
 */
export async function startServer({ script, nodeFlags = [], workDir, env = {}, readyPath = "/", readyStatus = 200 }) {
  const port = await freePort();
  // Output goes to a file, not a pipe, so the benchmark process does not pay for reading logs.
  const logFile = join(workDir, "server.log");
  const logFd = openSync(logFile, "a");
  const child = spawn(process.execPath, [...nodeFlags, script], {
    cwd: workDir,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  const output = () => readFileSync(logFile, "utf8").slice(-20000);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForStatus(url + readyPath, child, { status: readyStatus });
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${error.message}\n--- server output ---\n${output()}`);
  }
  return {
    url,
    port,
    child,
    pid: child.pid,
    output,
    peakRssKb: () => peakRssKb(child.pid),
    rssKb: () => currentRssKb(child.pid),
    cpuMs: () => cpuMs(child.pid),
    exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}
