// Plain HTTPS against a harness server, for providers without an Azure SDK in the dev dependencies: a bearer
// token, JSON in and out, the harness certificate as CA.
import { request } from "node:https";
import type { Harness } from "./harness.js";

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

/** `path` is the ARM path with its query (`/subscriptions/...?api-version=...`). */
export function armRequest(
  h: Pick<Harness, "endpoint" | "ca">,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<HttpResult> {
  return armTextRequest(h, method, path, body === undefined ? undefined : JSON.stringify(body), extraHeaders);
}

/** As armRequest, with the body sent as given (malformed JSON included). */
export function armTextRequest(
  h: Pick<Harness, "endpoint" | "ca">,
  method: string,
  path: string,
  payload: string | undefined,
  extraHeaders: Record<string, string> = {},
): Promise<HttpResult> {
  const url = new URL(path, h.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: h.ca,
        headers: {
          authorization: "Bearer vnetlab-test-token",
          accept: "application/json",
          ...extraHeaders,
          ...(payload !== undefined
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text ? JSON.parse(text) : undefined,
            });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The ARM error code of a reply, if it is an error. */
export function errorCode(r: HttpResult): string | undefined {
  return (r.body as { error?: { code?: string } } | undefined)?.error?.code;
}
