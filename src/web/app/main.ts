/// <reference lib="dom" />
// The web app: loads the laid-out topology, draws it, and ties the toolbar, the canvas and the panels to one
// state. Live updates: the server's event stream says when the estate's version moves, and the topology,
// the overlay and any open list are fetched again. Under `serve --auth` the sign-in panel (signIn.ts) starts the
// app once a principal has signed in and stops it when the server refuses the token or the user signs out.
import type { VersionEvent } from "../api.js";
import { nodesNaming, type ViewOptions } from "../diagram/types.js";
import { Canvas } from "./canvas.js";
import { api, ApiFailure, eventsUrl } from "./client.js";
import { DetailsPane } from "./details.js";
import { $ } from "./dom.js";
import { AuditPanel, FindingsPanel, type Highlighter } from "./findingsPanel.js";
import { SignIn } from "./signIn.js";
import { Store } from "./state.js";
import { type TabName, Tabs } from "./tabs.js";
import { Toolbar } from "./toolbar.js";
import { TracePanel } from "./tracePanel.js";
import { WhatIfPanel } from "./whatIfPanel.js";

class App implements Highlighter {
  readonly store = new Store();
  readonly canvas: Canvas;
  readonly tabs: Tabs;
  readonly trace: TracePanel;
  private readonly findings: FindingsPanel;
  private readonly audit: AuditPanel;
  private readonly toolbar: Toolbar;
  private shown: TabName = "details";
  private firstRender = true;
  private events: EventSource | undefined;

  constructor() {
    this.canvas = new Canvas($("#canvas"), this.store, {
      activate: (id) => this.activate(id),
      clear: () =>
        this.store.set({ selected: undefined, highlighted: new Set(), highlightReason: undefined }),
    });
    this.canvas.onRender = () => this.rendered();
    this.trace = new TracePanel($("#pane-trace"), this.store);
    this.findings = new FindingsPanel($("#pane-findings"), this.store, this);
    this.audit = new AuditPanel($("#pane-audit"), this.store, this);
    new WhatIfPanel($("#pane-whatif"), this);
    new DetailsPane($("#pane-details"), this.store, {
      trace: (from, to) => this.openTrace(from, to),
      useAsSource: (source) => void this.setSource(source),
    });
    this.toolbar = new Toolbar(this.store, this.canvas, {
      setSource: (source) => void this.setSource(source),
      setView: (view) => void this.load(view),
    });
    this.tabs = new Tabs($("#panel"));
    this.tabs.onShow = (name) => {
      this.shown = name;
      this.refreshList();
    };
  }

  async load(view: ViewOptions = this.store.state.view): Promise<void> {
    const r = await api.topology(view);
    this.store.set({
      version: r.version,
      diagram: r.diagram,
      sources: r.sources,
      targets: r.targets,
      view: r.view,
    });
  }

  async setSource(source: string | undefined): Promise<void> {
    if (!source) {
      this.store.set({ source: undefined, overlay: undefined });
      return;
    }
    this.store.set({ source });
    const r = await api.reach(source);
    if (this.store.state.source === source) this.store.set({ overlay: r.overlay });
  }

  /** A box was clicked or Enter pressed on it. */
  private activate(id: string): void {
    const node = this.store.state.diagram?.nodes.find((n) => n.id === id);
    if (!node) return;
    if (node.collapsible) {
      const view = this.store.state.view;
      // "*" (collapse all) becomes the list of groups it stands for, so that one of them can open.
      const now = view.collapsed.includes("*")
        ? (this.store.state.diagram?.nodes.filter((n) => n.collapsible).map((n) => n.id) ?? [])
        : view.collapsed;
      const collapsed = now.includes(id) ? now.filter((c) => c !== id) : [...now, id];
      void this.load({ ...view, collapsed });
      return;
    }
    this.store.set({ selected: id });
    const source = node.sources?.[0];
    if (source) void this.setSource(source);
    else if (node.kind === "paas" && this.store.state.source) this.openTrace(this.store.state.source, id);
    else this.tabs.show("details");
  }

  openTrace(from: string, to: string): void {
    this.tabs.show("trace");
    void this.trace.run(from, to);
  }

  highlight(ids: string[], reason: string): void {
    const d = this.store.state.diagram;
    if (!d) return;
    const nodes = nodesNaming(d, ids);
    this.store.set({ highlighted: new Set(nodes), highlightReason: reason });
    $("#status").textContent = `${reason}: ${nodes.length} highlighted`;
    if (nodes[0]) requestAnimationFrame(() => this.canvas.focus(nodes[0]!, true));
  }

  private refreshList(): void {
    if (this.shown === "findings") void this.findings.show();
    if (this.shown === "audit") void this.audit.show();
  }

  /** The estate changed: fetch what is shown again, keeping the view, the source and the selection. */
  private async changed(version: number): Promise<void> {
    if (version === this.store.state.version) return;
    await this.load();
    if (this.store.state.source) await this.setSource(this.store.state.source);
    this.refreshList();
    this.toolbar.live(`live · estate version ${this.store.state.version}`, true);
  }

  /** Loads the topology and follows the estate's changes. */
  start(): void {
    $("#status").textContent = "";
    void this.load().then(
      () => this.listen(),
      (e: Error) => {
        // A refused token is the sign-in panel's to explain (signIn.ts), not the status line's.
        if (e instanceof ApiFailure && (e.status === 401 || e.status === 403)) return;
        $("#status").textContent = `Could not load the topology: ${e.message}`;
      },
    );
  }

  /** Signed out: no more live updates (the stream's token is no longer the page's). */
  stop(): void {
    this.events?.close();
    this.events = undefined;
    this.toolbar.live("signed out", false);
  }

  listen(): void {
    this.events?.close();
    const events = new EventSource(eventsUrl());
    this.events = events;
    events.addEventListener("version", (e) => {
      const { version } = JSON.parse((e as MessageEvent<string>).data) as VersionEvent;
      void this.changed(version);
    });
    events.addEventListener("open", () =>
      this.toolbar.live(`live · estate version ${this.store.state.version}`, true),
    );
    events.addEventListener("error", () => this.toolbar.live("reconnecting…", false));
  }

  private rendered(): void {
    if (!this.firstRender) return;
    this.firstRender = false;
    performance.mark("vnetlab:first-render");
    document.documentElement.dataset.rendered = "true";
  }
}

const app = new App();
new SignIn({ signedIn: () => app.start(), signedOut: () => app.stop() });
app.start();
