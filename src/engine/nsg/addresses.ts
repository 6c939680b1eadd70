// Address vocabulary of NSG rules beyond prefixes: platform tags, the host's virtual IPs, and turning
// address ranges back into CIDR prefixes for the effective views.
import { type IpAddress, type Prefix, PrefixSet, parsePrefix } from "../../net/index.js";

const p = (t: string): Prefix => parsePrefix(t)!;

/** The virtual IPs of the host node: DNS, DHCP, health probes (168.63.129.16) and IMDS (169.254.169.254) [S4]. */
export const PLATFORM_IPS = PrefixSet.of([p("168.63.129.16/32"), p("169.254.169.254/32")]);

/**
 * Tags that opt platform traffic into NSG filtering [S4][S6]. They are not in the downloadable tag file.
 * AzurePlatformLKM is the Windows KMS service: azkms.core.windows.net and kms.core.windows.net [INF].
 */
export const PLATFORM_TAGS: ReadonlyMap<string, readonly Prefix[]> = new Map([
  ["azureplatformdns", [p("168.63.129.16/32")]],
  ["azureplatformimds", [p("169.254.169.254/32")]],
  ["azureplatformlkm", [p("20.118.99.224/32"), p("40.83.235.53/32"), p("23.102.135.246/32")]],
]);

/** [S6] AzureLoadBalancer is the host's health-probe address; the public tag file omits it. */
export const AZURE_LOAD_BALANCER: readonly Prefix[] = [p("168.63.129.16/32")];

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

/** The fewest CIDR prefixes covering exactly [first, last] (one family). */
export function rangeToPrefixes(first: IpAddress, last: IpAddress): Prefix[] {
  const family = first.family;
  const bits = family === 4 ? 32n : 128n;
  const max = family === 4 ? V4_MAX : V6_MAX;
  let cur = BigInt(first.value);
  const end = BigInt(last.value);
  const out: Prefix[] = [];
  while (cur <= end) {
    let size = 1n;
    // Grow the block while it stays aligned on `cur` and inside the range.
    while (size < max && cur % (size * 2n) === 0n && cur + size * 2n - 1n <= end) size *= 2n;
    let hostBits = 0n;
    while (1n << hostBits < size) hostBits++;
    const length = Number(bits - hostBits);
    out.push(
      family === 4 ? { family: 4, network: Number(cur), length } : { family: 6, network: cur, length },
    );
    cur += size;
    if (cur > max) break;
  }
  return out;
}

/** IPv4 space outside the set, as CIDR prefixes (the `Internet` tag's expansion). */
export function complementV4(set: PrefixSet): Prefix[] {
  const out: Prefix[] = [];
  let next = 0;
  for (const [a, b] of set.ranges()) {
    if (a.family !== 4 || b.family !== 4) continue;
    if (a.value > next)
      out.push(...rangeToPrefixes({ family: 4, value: next }, { family: 4, value: a.value - 1 }));
    next = b.value + 1;
  }
  if (next <= 0xffffffff)
    out.push(...rangeToPrefixes({ family: 4, value: next }, { family: 4, value: 0xffffffff }));
  return out;
}
