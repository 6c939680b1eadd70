// A service endpoint policy for one subnet, built from the storage accounts it legitimately reaches today,
// and a what-if: the subnet against every storage account (the attacker's included) before and after the
// policy is attached, so that one can see it closes the endpoint path and breaks no flow that works now.
import type { ArmResource } from "../../model/arm.js";
import { deriveEstate } from "../../model/compileEstate.js";
import type { Estate } from "../../model/estate.js";
import { parseResourceId } from "../../model/resourceId.js";
import { NetworkTypes as N, type SubnetProperties } from "../../model/resources/network.js";
import { ServiceTypes as T } from "../../model/resources/services.js";
import { type MatrixResource, type MatrixSource, matrixResources } from "../matrix/endpoints.js";
import { Matrix } from "../matrix/matrix.js";
import type { CellOutcome } from "../matrix/outcome.js";
import type { RogueResource } from "./rogue.js";

/** [S2] S8: at most 200 service resources per policy definition. */
const MAX_RESOURCES_PER_DEFINITION = 200;

export interface FlowChange {
  resourceId: string;
  before: CellOutcome;
  after: CellOutcome;
}

export interface PolicyProposal {
  subnetId: string;
  /** What to do, in a sentence. */
  recommendation: string;
  /** The policy to create, and the subnet as it would be with the policy attached (ARM JSON). */
  policy?: ArmResource;
  subnet?: ArmResource;
  /** The accounts the policy lists: those the subnet reaches today among the trusted ones. */
  accounts: string[];
  whatIf?: {
    /** Trusted accounts still reached. */
    kept: string[];
    /** Trusted accounts reached before and not after: the proposal would break these flows. */
    broken: FlowChange[];
    /** Attacker's accounts reached before and not after. */
    closed: FlowChange[];
    /** Attacker's accounts still reached after (by a path the policy does not filter). */
    stillOpen: FlowChange[];
  };
}

function row(m: Matrix): Map<string, CellOutcome> {
  const out = new Map<string, CellOutcome>();
  for (const cell of m.cells()) out.set(cell.resource.resource.id, cell.outcome);
  return out;
}

export function proposePolicy(
  estate: Estate,
  withRogues: Estate,
  source: MatrixSource,
  storage: readonly MatrixResource[],
  trusted: (r: ArmResource) => boolean,
  rogues: readonly RogueResource[],
): PolicyProposal {
  const subnet = estate.get<SubnetProperties>(source.subnetId)!;
  const vnet = estate.get(subnet.id.split("/subnets/")[0]);
  const rogueStorage = new Set(rogues.filter((r) => r.service === "storage").map((r) => r.resource.id));
  const columns = (e: Estate): MatrixResource[] =>
    matrixResources(e).filter(
      (r) => r.resource.type === T.storageAccount && (rogueStorage.has(r.resource.id) || trusted(r.resource)),
    );
  const storageColumns = columns(withRogues);
  const before = row(new Matrix(withRogues, [source], storageColumns));
  const accounts = storage
    .filter((r) => trusted(r.resource) && before.get(r.resource.id)?.verdict === "Allow")
    .map((r) => r.resource.id)
    .sort();
  if (accounts.length === 0) {
    return {
      subnetId: subnet.id,
      accounts,
      recommendation: `${subnet.name} reaches no trusted storage account, and a policy that lists none has no effect [S2 S4]: remove the Microsoft.Storage endpoint from the subnet instead.`,
    };
  }
  const where = parseResourceId(subnet.id)!;
  const vnetName = vnet?.name ?? "vnet";
  const name = `sep-${vnetName}-${subnet.name}`.slice(0, 80);
  const policyId = `/subscriptions/${where.subscriptionId}/resourceGroups/${where.resourceGroup}/providers/${N.serviceEndpointPolicy}/${name}`;
  const definitions: ArmResource[] = [];
  for (let k = 0; k < accounts.length; k += MAX_RESOURCES_PER_DEFINITION) {
    const defName = `allow-current-${definitions.length + 1}`;
    definitions.push({
      id: `${policyId}/serviceEndpointPolicyDefinitions/${defName}`,
      name: defName,
      type: `${N.serviceEndpointPolicy}/serviceEndpointPolicyDefinitions`,
      properties: {
        description: `Storage accounts ${subnet.name} reaches today (vnetlab audit)`.slice(0, 140),
        service: "Microsoft.Storage",
        serviceResources: accounts.slice(k, k + MAX_RESOURCES_PER_DEFINITION),
      },
    });
  }
  // [S2] S6: the policy lives in the VNet's region.
  const policy: ArmResource = {
    id: policyId,
    name,
    type: N.serviceEndpointPolicy,
    location: vnet?.location,
    properties: { serviceEndpointPolicyDefinitions: definitions },
  };
  const attached: ArmResource = subnetWithPolicy(subnet, policyId);
  const after = row(new Matrix(deriveEstate(withRogues, [policy, attached]), [source], storageColumns));
  const change = (id: string): FlowChange => ({
    resourceId: id,
    before: before.get(id)!,
    after: after.get(id)!,
  });
  const allowedBefore = [...before].filter(([, o]) => o.verdict === "Allow").map(([id]) => id);
  const kept = allowedBefore.filter((id) => !rogueStorage.has(id) && after.get(id)?.verdict === "Allow");
  const broken = allowedBefore.filter((id) => !rogueStorage.has(id) && after.get(id)?.verdict !== "Allow");
  const closed = allowedBefore.filter((id) => rogueStorage.has(id) && after.get(id)?.verdict !== "Allow");
  const open = allowedBefore.filter((id) => rogueStorage.has(id) && after.get(id)?.verdict === "Allow");
  const recommendation =
    broken.length > 0
      ? `attach ${name} to ${subnet.name} only after fixing the ${broken.length} flow(s) it would break (see the what-if)`
      : `create ${name} and attach it to ${subnet.name}: it keeps all ${kept.length} storage flow(s) that work today and closes ${closed.length} path(s) to accounts outside the trusted set`;
  return {
    subnetId: subnet.id,
    recommendation,
    policy,
    subnet: attached,
    accounts,
    whatIf: {
      kept: kept.sort(),
      broken: broken.map(change),
      closed: closed.map(change),
      stillOpen: open.map(change),
    },
  };
}

/** The subnet as a resource of its own, with the policy attached. */
function subnetWithPolicy(subnet: ArmResource<SubnetProperties>, policyId: string): ArmResource {
  const props = subnet.properties ?? {};
  return {
    id: subnet.id,
    name: subnet.name,
    type: N.subnet,
    properties: {
      ...props,
      serviceEndpointPolicies: [...(props.serviceEndpointPolicies ?? []), { id: policyId }],
    },
  };
}
