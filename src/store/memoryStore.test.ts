import { createMemoryStore } from "./memoryStore.js";
import { describeStoreSuite } from "./store.suite.js";

describeStoreSuite(
  "memory",
  async () => {
    const store = createMemoryStore();
    return { store, cleanup: () => store.close() };
  },
  { reopens: false },
);
