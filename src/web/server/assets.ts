// The browser app: TypeScript in src/web/app, bundled by esbuild (tsx's own dependency, so nothing more to
// install) in memory the first time it is asked for, and kept for the life of the process — every server in
// it serves the same bundle.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { VnetlabError } from "../../model/errors.js";

const APP_DIR = join(import.meta.dirname, "..", "app");

export interface Asset {
  type: string;
  body: string;
}

let bundle: Promise<Asset> | undefined;

async function bundleApp(): Promise<Asset> {
  const out = await build({
    entryPoints: [join(APP_DIR, "main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const js = out.outputFiles[0];
  if (!js) throw new VnetlabError("WebAppUnavailable", "esbuild produced no bundle for the web app");
  return { type: "text/javascript; charset=utf-8", body: js.text };
}

export function appScript(): Promise<Asset> {
  bundle ??= bundleApp();
  // A failed build is not kept: fix the source, reload the page.
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

const files: Record<string, { file: string; type: string }> = {
  "index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};
const cache = new Map<string, Promise<Asset>>();

/** A static file of the app (the page and its stylesheet), read once. */
export function staticAsset(name: keyof typeof files): Promise<Asset> {
  let asset = cache.get(name);
  if (!asset) {
    const f = files[name]!;
    asset = readFile(join(APP_DIR, f.file), "utf8").then((body) => ({ type: f.type, body }));
    cache.set(name, asset);
  }
  return asset;
}
