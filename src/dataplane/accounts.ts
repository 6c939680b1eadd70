// Azurite's accounts follow the estate: one per storage account, with the keys the ARM API's listKeys returns
// (derived from the account, see arm/providers/paas/storageKeys.ts), so a client that read its keys from ARM
// signs requests Azurite accepts. An unchanged account set costs nothing; a changed one is sent to Azurite,
// and requests forwarded afterwards wait until Azurite has it (Azurite.ready).
import { storageAccountKeys } from "../arm/providers/paas/storageKeys.js";
import type { Estate } from "../model/estate.js";
import { ServiceTypes } from "../model/resources/services.js";
import { accountsVariable, type Azurite, type AzuriteAccount } from "./azurite.js";

/** The Azurite account of every storage account in the estate, by name (names are global in Azure). */
export function azuriteAccountsOf(estate: Estate): AzuriteAccount[] {
  const byName = new Map<string, AzuriteAccount>();
  for (const account of estate.ofType(ServiceTypes.storageAccount)) {
    const name = account.name.toLowerCase();
    // Storage account names are globally unique [learn/storage/common/storage-account-overview]; an estate
    // that repeats one (two subscriptions exported together) keeps the first.
    if (byName.has(name)) continue;
    const [key1, key2] = storageAccountKeys(account);
    byName.set(name, { name, key1: key1!.value, key2: key2?.value });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class AccountSync {
  /** The account set last sent to Azurite. */
  private applied: string | undefined;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly azurite: Azurite,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** Starts Azurite with the estate's accounts; resolves once it listens. */
  async start(estate: Estate): Promise<void> {
    const accounts = azuriteAccountsOf(estate);
    this.applied = accountsVariable(accounts);
    await this.azurite.start(accounts);
  }

  /** Brings Azurite's accounts in line with the estate. */
  update(estate: Estate): void {
    const accounts = azuriteAccountsOf(estate);
    const spec = accountsVariable(accounts);
    if (spec === this.applied) return;
    this.applied = spec;
    this.pending = this.azurite.setAccounts(accounts).catch((e: unknown) => this.onError(e));
  }

  /** Resolves once Azurite has the accounts of the last update. */
  async settled(): Promise<void> {
    await this.pending;
  }
}
