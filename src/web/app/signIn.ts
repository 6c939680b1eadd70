/// <reference lib="dom" />
// `serve --auth`: the sign-in panel. The server is its own Entra: the page asks the tenant's v2.0 token endpoint
// for an ARM token with the client-credentials grant (a service principal's id and secret, as the CLI and SDKs
// do), keeps it in sessionStorage (gone with the tab, never sent anywhere but this server) and hands it to
// client.ts. Without --auth no call is ever refused, so the panel never shows and the page is as it was.
import { type ApiFailure, session } from "./client.js";
import { $ } from "./dom.js";

const STORAGE_KEY = "vnetlab.token";
const ARM_SCOPE = "https://management.azure.com/.default";

interface Claims {
  appid?: string;
  tid?: string;
  exp?: number;
}

/** A JWT's claims, unverified: only to say who is signed in and when the token runs out (the server checks it). */
function claimsOf(token: string): Claims | undefined {
  try {
    const payload = token.split(".")[1] ?? "";
    return JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Claims;
  } catch {
    return undefined;
  }
}

/** What a refusal says: Entra's `error_description` up to its trace ids, or ARM's `error.message`. */
function reasonOf(body: unknown, status: number): string {
  const b = body as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof b?.error_description === "string") return b.error_description.replace(/\s*Trace ID:.*$/s, "");
  const arm = b?.error as { message?: unknown } | undefined;
  return typeof arm?.message === "string" ? arm.message : `the token endpoint answered HTTP ${status}`;
}

export interface SignInHooks {
  /** A token is in place: load the estate. */
  signedIn(): void;
  /** The token is gone: stop what uses it. */
  signedOut(): void;
}

export class SignIn {
  private readonly panel = $("#signin");
  private readonly form = $<HTMLFormElement>("#signin-form");
  private readonly error = $("#signin-error");

  constructor(private readonly hooks: SignInHooks) {
    const stored = sessionStorage.getItem(STORAGE_KEY) ?? undefined;
    const exp = stored ? claimsOf(stored)?.exp : undefined;
    // An expired token would only fetch a 401: start from the panel instead.
    if (stored && exp !== undefined && exp * 1000 > Date.now()) session.token = stored;
    else sessionStorage.removeItem(STORAGE_KEY);
    session.refused = (failure) => this.refused(failure);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submit();
    });
    $("#sign-out").addEventListener("click", () => {
      this.forget();
      this.show("");
    });
    if (session.token) void this.account(session.token);
  }

  /** The server refused the token (401) or its principal (403): say why, unless there was no token to refuse. */
  private refused(failure: ApiFailure): void {
    const why = session.token ? failure.message : "";
    this.forget();
    this.show(why);
  }

  private forget(): void {
    session.token = undefined;
    sessionStorage.removeItem(STORAGE_KEY);
    $("#account").hidden = true;
    this.hooks.signedOut();
  }

  private show(message: string): void {
    this.error.textContent = message;
    document.body.dataset.auth = "signed-out";
    if (!this.panel.hidden) return;
    this.panel.hidden = false;
    const tenant = $<HTMLInputElement>("#signin-tenant");
    (tenant.value ? $<HTMLInputElement>("#signin-secret") : tenant).focus();
  }

  private async submit(): Promise<void> {
    const value = (id: string): string => $<HTMLInputElement>(id).value.trim();
    const button = $<HTMLButtonElement>("#signin-submit");
    button.disabled = true;
    this.error.textContent = "";
    try {
      const res = await fetch(`/${encodeURIComponent(value("#signin-tenant"))}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { accept: "application/json" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: value("#signin-client"),
          client_secret: $<HTMLInputElement>("#signin-secret").value,
          scope: ARM_SCOPE,
        }),
      });
      const body: unknown = await res.json().catch(() => undefined);
      const token = (body as { access_token?: unknown } | undefined)?.access_token;
      if (!res.ok || typeof token !== "string") {
        this.error.textContent = `Sign-in failed: ${reasonOf(body, res.status)}`;
        return;
      }
      session.token = token;
      sessionStorage.setItem(STORAGE_KEY, token);
      $<HTMLInputElement>("#signin-secret").value = "";
      this.panel.hidden = true;
      document.body.dataset.auth = "signed-in";
      void this.account(token);
      this.hooks.signedIn();
    } catch (e) {
      this.error.textContent = `Sign-in failed: ${(e as Error).message}`;
    } finally {
      button.disabled = false;
    }
  }

  /** Who is signed in: the principal's display name where the server lists it, else its client id. */
  private async account(token: string): Promise<void> {
    const claims = claimsOf(token);
    let name = claims?.appid ?? "unknown client";
    try {
      const res = await fetch("/vnetlab/principals", { headers: { authorization: `Bearer ${token}` } });
      const listed = res.ok
        ? ((await res.json()) as { value?: { clientId: string; displayName?: string }[] })
        : {};
      name = listed.value?.find((p) => p.clientId === claims?.appid)?.displayName ?? name;
    } catch {
      // The client id says who it is well enough.
    }
    if (session.token !== token) return;
    $("#who").textContent = `Signed in as ${name} (tenant ${claims?.tid ?? "?"})`;
    $("#account").hidden = false;
    document.body.dataset.auth = "signed-in";
  }
}
