// The NSG stages of a trace: the rule of each NSG on the path that decides, with the sentences a trace shows
// built once per (NSG, association, direction, rule) instead of once per flow.
import type { IpAddress } from "../net/index.js";
import type { Flow } from "./flow.js";
import { type CompiledNsg, type CompiledRule, firstMatch, type NsgPoint } from "./nsg/index.js";
import type { TraceBuilder } from "./traceBuilder.js";

/** Source port used for NSG matching when the flow names none: the first IANA ephemeral port. */
export const EPHEMERAL_PORT = 49152;

type Direction = "Inbound" | "Outbound";
type Association = "networkInterface" | "subnet";

interface RuleTexts {
  readonly rule: string;
  readonly priority: number;
  readonly access: "Allow" | "Deny";
  readonly summary: string;
  readonly reason: string;
}

/** Texts per rule; the key `null` stands for platform traffic that no rule filters. */
type TextsByRule = Map<CompiledRule | null, RuleTexts>;

/** Per NSG: [NIC outbound, NIC inbound, subnet outbound, subnet inbound]. */
const textsByNsg = new WeakMap<CompiledNsg, TextsByRule[]>();

function textsOf(
  nsg: CompiledNsg,
  association: Association,
  direction: Direction,
  rule: CompiledRule | undefined,
): RuleTexts {
  let all = textsByNsg.get(nsg);
  if (!all) {
    all = [new Map(), new Map(), new Map(), new Map()];
    textsByNsg.set(nsg, all);
  }
  const byRule = all[(association === "subnet" ? 2 : 0) + (direction === "Inbound" ? 1 : 0)]!;
  const key = rule ?? null;
  let t = byRule.get(key);
  if (!t) {
    const name = rule ? rule.name : "AzurePlatform";
    const priority = rule ? rule.priority : 0;
    const access = rule ? rule.access : "Allow";
    const nsgName = nsg.id.split("/").pop();
    t = {
      rule: name,
      priority,
      access,
      summary: `${direction.toLowerCase()} ${association === "networkInterface" ? "NIC" : "subnet"} NSG ${nsgName}: ${access} by ${name} (priority ${priority})`,
      reason: `${direction} rule ${name} of NSG ${nsgName} ${access === "Deny" ? "denies" : "allows"} the flow`,
    };
    byRule.set(key, t);
  }
  return t;
}

function nsgStage(
  b: TraceBuilder,
  nsg: CompiledNsg,
  association: Association,
  direction: Direction,
  flow: Flow,
  sourceIp: IpAddress,
  destinationIp: IpAddress,
  vnet: NsgPoint["vnet"],
  hop: number,
): void {
  const outbound = direction === "Outbound";
  const rule = firstMatch(
    nsg,
    outbound,
    flow.protocol,
    sourceIp,
    flow.sourcePort ?? EPHEMERAL_PORT,
    destinationIp,
    flow.destination.port,
    vnet,
  );
  const t = textsOf(nsg, association, direction, rule);
  b.push({
    stage: "nsg",
    hop,
    summary: t.summary,
    direction,
    association,
    nsgId: nsg.id,
    rule: t.rule,
    priority: t.priority,
    access: t.access,
  });
  const decision = { stage: "nsg" as const, resourceId: nsg.id, rule: t.rule, reason: t.reason };
  if (t.access === "Deny") b.block(decision);
  else b.allowBy(decision);
}

/**
 * One stage per NSG at a point of the path, in evaluation order [S5]: outbound the NIC's NSG then the
 * subnet's, inbound the subnet's then the NIC's. Every NSG is evaluated, so a trace lists each blocker.
 */
export function nsgStages(
  b: TraceBuilder,
  point: NsgPoint,
  flow: Flow,
  direction: Direction,
  sourceIp: IpAddress,
  destinationIp: IpAddress,
  hop: number,
): void {
  const { nic, subnet, vnet } = point;
  if (direction === "Outbound") {
    if (nic) nsgStage(b, nic, "networkInterface", direction, flow, sourceIp, destinationIp, vnet, hop);
    if (subnet) nsgStage(b, subnet, "subnet", direction, flow, sourceIp, destinationIp, vnet, hop);
  } else {
    if (subnet) nsgStage(b, subnet, "subnet", direction, flow, sourceIp, destinationIp, vnet, hop);
    if (nic) nsgStage(b, nic, "networkInterface", direction, flow, sourceIp, destinationIp, vnet, hop);
  }
}
