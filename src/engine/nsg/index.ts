export type { CompiledNsg, CompiledRule, NsgStageTexts } from "./compile.js";
export { DEFAULT_RULES } from "./defaultRules.js";
export {
  type EffectiveNetworkSecurityGroup,
  type EffectiveNetworkSecurityGroupList,
  type EffectiveSecurityRule,
  effectiveSecurityRules,
} from "./effective.js";
export {
  evaluateNsgs,
  firstMatch,
  firstMatchIndex,
  type IpFlowVerifyRequest,
  type IpFlowVerifyResult,
  ipFlowVerify,
  type NsgPoint,
  nsgPointOf,
  nsgVerdict,
} from "./evaluate.js";
export type { Access, Association, Direction, NsgEvaluation, NsgFlow } from "./types.js";
export { type VirtualNetworkTag, virtualNetworkTag } from "./virtualNetworkTag.js";
