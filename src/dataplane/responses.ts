// What a client gets back when a request is not served: the service's own denial (status, headers and body
// exactly as the engine's denial registry has them, with a fresh request id and time), a dropped connection
// (reset, or silence until the client gives up), or vnetlab's own refusal, which says why.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ServiceResponse } from "../engine/firewalls/types.js";

/** How a connection the network drops ends: a TCP reset now, or no answer at all (the client times out). */
export type DropMode = "reset" | "timeout";

/** vnetlab's reasons for not serving a request, in its `x-vnetlab-refused` header. */
export type RefusalCode =
  "no-emulator" | "not-a-service" | "name-not-resolved" | "resource-gone" | "upstream-failed";

/** Sends a service firewall's denial as the service does. */
export function sendServiceResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: ServiceResponse,
): void {
  const body = response.body ?? response.message;
  const headers: Record<string, string> = {
    ...(response.contentType ? { "content-type": response.contentType } : {}),
    ...response.headers,
  };
  headers["content-length"] ??= String(Buffer.byteLength(body));
  // Azure services echo the client's request id on every response, errors included [learn/rest/api/storageservices/common-rest-api-headers].
  const clientRequestId = req.headers["x-ms-client-request-id"];
  if (typeof clientRequestId === "string") headers["x-ms-client-request-id"] = clientRequestId;
  res.writeHead(response.status, headers);
  res.end(body);
}

/** vnetlab's own answer (not a service's): plain text that says why, and a header naming the reason. */
export function sendRefusal(res: ServerResponse, status: number, code: RefusalCode, message: string): void {
  const body = `vnetlab: ${message}\n`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    "x-vnetlab-refused": code,
  });
  res.end(body);
}

/** The answer to a CONNECT (or a request on a raw socket) that is refused: status line, reason, close. */
export function writeSocketRefusal(socket: Socket, status: number, code: RefusalCode, message: string): void {
  const body = `vnetlab: ${message}\n`;
  const reason = status === 400 ? "Bad Request" : status === 502 ? "Bad Gateway" : "Service Unavailable";
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-vnetlab-refused: ${code}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Drops a connection as the network would. A dropped packet gets no answer, so an NSG or route drop shows as a
 * connection timeout [S4] (semantics §0 steps 1-2); `reset` ends it at once instead, which tests and impatient
 * users prefer. A held socket is released after `holdMs` (a client's own timeout is usually shorter).
 */
export function dropConnection(socket: Socket, mode: DropMode, holdMs: number): void {
  if (mode === "reset") {
    if (socket.destroyed) return;
    // resetAndDestroy sends a TCP RST (Node ≥ 18.3); a socket whose handle TLS took over is just closed.
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
    return;
  }
  socket.pause();
  socket.setTimeout(holdMs, () => socket.destroy());
}
