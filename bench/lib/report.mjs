/** The machine a run happened on, and bench/RESULTS.md, where each benchmark keeps its own section. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { projectRoot } from "./paths.mjs";

export const resultsFile = join(projectRoot, "bench", "RESULTS.md");

export function machine() {
  const cores = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cores[0]?.model ?? "unknown",
    nproc: cores.length,
    memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    loadAverage: loadavg().map((n) => n.toFixed(2)).join(" "),
  };
}

export function describeMachine(m) {
  return `${m.date} · ${m.cpu} · nproc ${m.nproc} · ${m.memoryGiB} GiB · Node ${m.node} · load average at start ${m.loadAverage}`;
}

const HEADER = "# Benchmark results\n\nWritten by `npm run bench:ingest`, `npm run bench:query` and `node bench/hub.mjs`; each keeps its own section.\n";

/** Replaces (or appends) the section between `<!-- name -->` markers, leaving the others alone. */
export function writeSection(name, markdown) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(resultsFile, next);
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
