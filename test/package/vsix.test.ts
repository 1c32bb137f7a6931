/**
 * `npm run package:vsix` (the second half of `npm run package`) on the hub that `npm run build` made.
 * Runs tfx for real, offline, and reads the archive it writes.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import JSZip from "jszip";
import { CONSUMER_CONTRIBUTION_TYPE, HUB_CONTRIBUTION_TYPE, manifest } from "../../src/contract";

const run = promisify(execFile);
const root = join(__dirname, "../..");
const tfx = join(root, "node_modules/.bin/tfx");

describe("the .vsix package", () => {
  let zip: JSZip;

  beforeAll(async () => {
    expect(existsSync(join(root, "dist/hub/hub.html"))).toBe(true); // `npm run build` comes first
    const sourceManifest = readFileSync(join(root, "vss-extension.json"), "utf8");
    await run("npm", ["run", "--silent", "package:vsix"], { cwd: root });
    expect(readFileSync(join(root, "vss-extension.json"), "utf8")).toBe(sourceManifest); // no version bump
    const vsix = join(root, "dist", `${manifest.publisher}.${manifest.id}-${manifest.version}.vsix`);
    zip = await JSZip.loadAsync(readFileSync(vsix));
  }, 120_000);

  it("embeds a manifest with the consumer and the hub contributions and the scopes", async () => {
    const embedded = JSON.parse(await zip.file("extension.vsomanifest")!.async("string"));
    const types = embedded.contributions.map((c: { type: string }) => c.type).sort();
    expect(types).toEqual([CONSUMER_CONTRIBUTION_TYPE, HUB_CONTRIBUTION_TYPE].sort());
    expect(embedded.scopes).toEqual(manifest.scopes);
    const hub = embedded.contributions.find((c: { type: string }) => c.type === HUB_CONTRIBUTION_TYPE);
    expect(zip.file(hub.properties.uri)).not.toBeNull();
  });

  it("ships the hub page, its bundle, the icon and the overview", async () => {
    for (const file of ["dist/hub/hub.html", "dist/hub/hub.js", "images/logo.png", "overview.md"]) {
      expect(zip.file(file)).not.toBeNull();
    }
    const html = await zip.file("dist/hub/hub.html")!.async("string");
    expect(html).toMatch(/<script[^>]+src="[^"]*hub\.js"/);
    expect(await zip.file("extension.vsixmanifest")!.async("string")).toContain(`Id="${manifest.id}"`);
  });

  it("ships every image overview.md shows, at a path relative to the package that the Marketplace resolves", async () => {
    const images = imagesReferencedBy(readFileSync(join(root, "overview.md"), "utf8"));
    expect(images).toEqual(expect.arrayContaining(["images/hub-table.png", "images/hub-history.png", "images/hub-connect.png", "images/endpoint-events.png"]));
    for (const image of images) {
      expect(image).toMatch(/^[\w-]+(\/[\w.-]+)+$/); // relative, no scheme, no "..", no leading "/"
      const packaged = zip.file(image);
      expect({ image, packaged: packaged !== null }).toEqual({ image, packaged: true });
      const bytes = await packaged!.async("uint8array");
      expect(Buffer.from(bytes.subarray(1, 4)).toString("latin1")).toBe("PNG");
      expect(bytes.length).toBeLessThanOrEqual(300 * 1024);
    }
  });

  it("finds the images of Markdown and HTML image syntax in an overview", () => {
    const markdown = '![a](images/a.png)\n![b](images/b.png "title")\n<img alt="c" src="images/c.png">\n[not an image](https://x.example/d.png)';
    expect(imagesReferencedBy(markdown)).toEqual(["images/a.png", "images/b.png", "images/c.png"]);
  });

  it("fails with tfx's own message and a non-zero exit when the manifest is broken", async () => {
    const broken = mkdtempSync(join(tmpdir(), "hookrelay-broken-"));
    for (const dir of ["images", "dist/hub"]) mkdirSync(join(broken, dir), { recursive: true });
    copyFileSync(join(root, "images/logo.png"), join(broken, "images/logo.png"));
    copyFileSync(join(root, "overview.md"), join(broken, "overview.md"));
    writeFileSync(join(broken, "dist/hub/hub.html"), "<!DOCTYPE html>");
    const { categories: _dropped, ...withoutCategories } = JSON.parse(readFileSync(join(root, "vss-extension.json"), "utf8"));
    writeFileSync(join(broken, "vss-extension.json"), JSON.stringify(withoutCategories));

    const args = ["extension", "create", "--root", broken, "--manifest-globs", "vss-extension.json", "--output-path", join(broken, "out"), "--no-prompt", "--no-color"];
    const failure = await run(tfx, args).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure!.code).not.toBe(0);
    expect(failure!.stdout + failure!.stderr).toContain("One or more 'categories' must be provided.");
    expect(existsSync(join(broken, "out")) && readdirSync(join(broken, "out")).length).toBeFalsy();
  }, 60_000);
});

/** The image paths an overview shows, from `![alt](path "title")` and `<img src="path">`. */
function imagesReferencedBy(markdown: string): string[] {
  const markdownImages = Array.from(markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^\s)>]+)/g), (m) => m[1]);
  const htmlImages = Array.from(markdown.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/gi), (m) => m[1]);
  return [...markdownImages, ...htmlImages];
}
