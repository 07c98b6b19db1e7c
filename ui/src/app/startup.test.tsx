import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderApp } from "../test/render";

describe("startup routing (app_status)", () => {
  it("shows the first-run choice when no clinic is set up", async () => {
    renderApp({ state: "empty" });
    expect(await screen.findByTestId("first-run-setup")).toBeInTheDocument();
    expect(screen.getByTestId("first-run-demo")).toBeInTheDocument();
    expect(screen.queryByTestId("login-username")).not.toBeInTheDocument();
  });

  it("shows the sign-in screen when the clinic exists", async () => {
    renderApp({ state: "demo" });
    expect(await screen.findByTestId("login-username")).toHaveFocus();
    expect(screen.getByText("Sign in to Demo Clinic (sample data)")).toBeInTheDocument();
    expect(screen.queryByTestId("first-run-setup")).not.toBeInTheDocument();
  });

  it.each(["wrong_key", "keychain", "io", "schema_too_new"] as const)("shows a full-page error when the store fails with %s", async (code) => {
    renderApp({ storeError: { code, message: `the store said ${code}` } });
    expect(await screen.findByTestId("fatal-error")).toBeInTheDocument();
    expect(screen.getByTestId("fatal-message")).toHaveTextContent(`the store said ${code}`);
    expect(screen.getByTestId("fatal-code")).toHaveTextContent(code);
    expect(screen.getByRole("alert")).toBeInTheDocument();
  });
});
