import { afterEach, describe, expect, it, vi } from "vitest";
import { currencies, systemCurrency } from "./regional";

describe("regional defaults", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("falls back to EUR when the system language is POSIX C (LANG=C.UTF-8)", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("C");
    expect(systemCurrency()).toBe("EUR");
  });

  it("guesses the currency from the system region", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("en-GB");
    expect(systemCurrency()).toBe("GBP");
  });

  it("lists currencies even for a display language Intl rejects", () => {
    const list = currencies("C");
    expect(list.find((c) => c.value === "EUR")?.label).toContain("Euro");
  });
});
