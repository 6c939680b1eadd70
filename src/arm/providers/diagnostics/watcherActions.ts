// Network Watcher's per-VM diagnostics (§10): POST .../networkWatchers/{nw}/ipFlowVerify, nextHop and
// securityGroupView. All three are long-running in Azure (202, the result at the Location URL) [S25] and run
// only against resources in the watcher's region [S27].
import type { ArmResource } from "../../../model/arm.js";
import type { Estate } from "../../../model/estate.js";
import type {
  NetworkInterfaceProperties,
  NetworkSecurityGroupProperties,
  SecurityRuleProperties,
  SubnetProperties,
} from "../../../model/resources/network.js";
import { formatIp } from "../../../net/index.js";
import { effectiveSecurityRules, subnetRoutes } from "../../../engine/index.js";
import { DEFAULT_RULES, type EffectiveSecurityRule, ipFlowVerify } from "../../../engine/nsg/index.js";
import type { ActionHandler } from "../../resourceType.js";
import { bodyObject, oneOf, optionalString, requiredIp, requiredPort, requiredString } from "./requests.js";
import { checkWatcherRegion, nicIdsOf, nicSource, resolveTarget } from "./targets.js";

/**
 * IP flow verify: NSGs (and AVNM admin rules) only, never routes, firewalls or policies [S27]. Request
 * `{targetResourceId, direction, protocol: TCP|UDP, localPort, remotePort, localIPAddress, remoteIPAddress,
 * targetNicResourceId?}`; response `{access, ruleName}` with the rule as effective views name it
 * (`securityRules/<name>`, `defaultSecurityRules/<name>`), no ruleName when no NSG applies.
 */
export function verifyIpFlow(estate: Estate, watcher: ArmResource, body: unknown): object {
  const b = bodyObject(body, "ipFlowVerify");
  const targetId = requiredString(b, "targetResourceId", "targetResourceId");
  const direction = oneOf(b, "direction", "direction", ["Inbound", "Outbound"] as const);
  const protocol = oneOf(b, "protocol", "protocol", ["TCP", "UDP"] as const);
  const outbound = direction === "Outbound";
  // [S27] `*` is accepted for the source side's port only: local when outbound, remote when inbound.
  const localPort = requiredPort(b, "localPort", "localPort", outbound);
  const remotePort = requiredPort(b, "remotePort", "remotePort", !outbound);
  const localIp = requiredIp(b, "localIPAddress", "localIPAddress");
  const remoteIp = requiredIp(b, "remoteIPAddress", "remoteIPAddress");
  const nicId = optionalString(b, "targetNicResourceId", "targetNicResourceId");
  const target = resolveTarget(estate, targetId, watcher, { nicId, ip: localIp, ipPath: "localIPAddress" });
  checkWatcherRegion(estate, watcher, target.resource);
  const result = ipFlowVerify(estate, {
    nicId: target.source.nicId,
    direction,
    protocol: protocol === "UDP" ? "Udp" : "Tcp",
    localIp,
    localPort,
    remoteIp,
    remotePort,
  });
  return { access: result.access, ...(result.ruleName !== undefined ? { ruleName: result.ruleName } : {}) };
}

/**
 * Next hop: §2.4 route selection on the effective routes of the NIC's subnet [S26]. Response `{nextHopType,
 * nextHopIpAddress?, routeTableId}`; routeTableId is the UDR's route table, else the string `System Route`.
 * nextHopType uses the effective-route names (VnetLocal, VNetPeering, VirtualNetworkServiceEndpoint, ...): the
 * REST enum is modelAsString and the next-hop overview lists the service endpoint [S25][S26] (§2.5, §12).
 */
export function nextHop(estate: Estate, watcher: ArmResource, body: unknown): object {
  const b = bodyObject(body, "nextHop");
  const targetId = requiredString(b, "targetResourceId", "targetResourceId");
  const sourceIp = requiredIp(b, "sourceIPAddress", "sourceIPAddress");
  const destinationIp = requiredIp(b, "destinationIPAddress", "destinationIPAddress");
  const nicId = optionalString(b, "targetNicResourceId", "targetNicResourceId");
  const target = resolveTarget(estate, targetId, watcher, { nicId, ip: sourceIp, ipPath: "sourceIPAddress" });
  checkWatcherRegion(estate, watcher, target.resource);
  const decision = subnetRoutes(estate, target.source.subnetId).select(destinationIp);
  if (!decision) return { nextHopType: "None", routeTableId: "System Route" };
  const r = decision.route;
  return {
    nextHopType: r.nextHopType,
    ...(r.nextHopIpAddress ? { nextHopIpAddress: formatIp(r.nextHopIpAddress) } : {}),
    routeTableId: r.source === "User" && r.routeTableId ? r.routeTableId : "System Route",
  };
}

interface SecurityRuleView {
  name: string;
  id: string;
  properties: SecurityRuleProperties & { provisioningState: string };
}

function ruleViews(
  nsgId: string,
  kind: string,
  rules: readonly { name: string; id?: string; properties?: SecurityRuleProperties }[],
): SecurityRuleView[] {
  return rules.map((r) => ({
    name: r.name,
    id: r.id ?? `${nsgId}/${kind}/${r.name}`,
    properties: { ...(r.properties as SecurityRuleProperties), provisioningState: "Succeeded" },
  }));
}

/** The subnet of a NIC's primary IP configuration; undefined for a NIC outside any subnet (only its NSG applies). */
function subnetOf(estate: Estate, nic: ArmResource): string | undefined {
  try {
    return nicSource(estate, nic.id, nic).subnetId;
  } catch {
    return undefined;
  }
}

function nsgOf(
  estate: Estate,
  id: string | undefined,
): ArmResource<NetworkSecurityGroupProperties> | undefined {
  return estate.get<NetworkSecurityGroupProperties>(id);
}

/**
 * Security group view of a VM (or NIC): per NIC, the custom rules of the NIC's and the subnet's NSG, the
 * default rules, and the effective rules of both NSGs as `effectiveNetworkSecurityGroups` computes them [S25].
 */
export function securityGroupView(estate: Estate, watcher: ArmResource, body: unknown): object {
  const b = bodyObject(body, "securityGroupView");
  const targetId = requiredString(b, "targetResourceId", "targetResourceId");
  const target = resolveTarget(estate, targetId, watcher);
  checkWatcherRegion(estate, watcher, target.resource);
  const nicIds =
    target.resource.id === target.source.nicId ? [target.source.nicId] : nicIdsOf(estate, target.resource);
  const networkInterfaces = nicIds.map((nicId) => {
    const nic = estate.get<NetworkInterfaceProperties>(nicId);
    const subnetId = nic ? subnetOf(estate, nic) : undefined;
    const nicNsg = nsgOf(estate, nic?.properties?.networkSecurityGroup?.id);
    const subnetNsg = nsgOf(
      estate,
      estate.get<SubnetProperties>(subnetId)?.properties?.networkSecurityGroup?.id,
    );
    const anyNsg = nicNsg ?? subnetNsg;
    const effective: EffectiveSecurityRule[] = effectiveSecurityRules(estate, nicId).value.flatMap(
      (g) => g.effectiveSecurityRules,
    );
    return {
      id: nic?.id ?? nicId,
      securityRuleAssociations: {
        ...(nicNsg
          ? {
              networkInterfaceAssociation: {
                id: nic!.id,
                securityRules: ruleViews(nicNsg.id, "securityRules", nicNsg.properties?.securityRules ?? []),
              },
            }
          : {}),
        ...(subnetNsg && subnetId
          ? {
              subnetAssociation: {
                id: subnetId,
                securityRules: ruleViews(
                  subnetNsg.id,
                  "securityRules",
                  subnetNsg.properties?.securityRules ?? [],
                ),
              },
            }
          : {}),
        defaultSecurityRules: anyNsg
          ? ruleViews(
              anyNsg.id,
              "defaultSecurityRules",
              anyNsg.properties?.defaultSecurityRules ?? DEFAULT_RULES,
            )
          : [],
        effectiveSecurityRules: effective,
      },
    };
  });
  return { networkInterfaces };
}

function watcherAction(run: (estate: Estate, watcher: ArmResource, body: unknown) => object): ActionHandler {
  return (watcher, body, ctx) => ({ status: 202, asyncResult: true, body: run(ctx.estate, watcher, body) });
}

export const ipFlowVerifyAction = watcherAction(verifyIpFlow);
export const nextHopAction = watcherAction(nextHop);
export const securityGroupViewAction = watcherAction(securityGroupView);
