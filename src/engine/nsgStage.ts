// The NSG stages of a trace: the rule of each NSG on the path that decides, with the sentences a trace shows
// built once per (NSG, association, direction, rule) instead of once per flow.
import type { IpAddress } from "../net/index.js";
import type { Flow } from "./flow.js";
import { type CompiledNsg, firstMatchIndex, type NsgPoint, type NsgStageTexts } from "./nsg/index.js";
import type { TraceBuilder } from "./traceBuilder.js";

/** Source port used for NSG matching when the flow names none: the first IANA ephemeral port. */
export const EPHEMERAL_PORT = 49152;

type Direction = "Inbound" | "Outbound";
type Association = "networkInterface" | "subnet";

function textsOf(
  nsg: CompiledNsg,
  association: Association,
  direction: Direction,
  index: number,
): NsgStageTexts {
  const byRule = nsg.stageTexts[(association === "subnet" ? 2 : 0) + (direction === "Inbound" ? 1 : 0)]!;
  let t = byRule[index + 1];
  if (!t) {
    const rule = index < 0 ? undefined : (direction === "Outbound" ? nsg.outbound : nsg.inbound)[index];
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
    byRule[index + 1] = t;
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
  const index = firstMatchIndex(
    nsg,
    outbound,
    flow.protocol,
    sourceIp,
    flow.sourcePort ?? EPHEMERAL_PORT,
    destinationIp,
    flow.destination.port,
    vnet,
  );
  emit(b, nsg, association, direction, index, hop);
}

/** The stage and decision of one NSG whose rule `index` (-1: none, platform traffic) decided. */
function emit(
  b: TraceBuilder,
  nsg: CompiledNsg,
  association: Association,
  direction: Direction,
  index: number,
  hop: number,
): void {
  const t = textsOf(nsg, association, direction, index);
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
