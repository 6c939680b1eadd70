export { DEFAULT_RULES } from "./defaultRules.js";
export {
  type EffectiveNetworkSecurityGroup,
  type EffectiveNetworkSecurityGroupList,
  type EffectiveSecurityRule,
  effectiveSecurityRules,
} from "./effective.js";
export {
  evaluateNsgs,
  type IpFlowVerifyRequest,
  type IpFlowVerifyResult,
  ipFlowVerify,
  nsgVerdict,
} from "./evaluate.js";
export type { Access, Association, Direction, NsgEvaluation, NsgFlow } from "./types.js";
export { type VirtualNetworkTag, virtualNetworkTag } from "./virtualNetworkTag.js";
