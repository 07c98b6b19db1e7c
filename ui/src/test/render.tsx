import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import { setEventSource, setSessionToken, setTransport } from "../api/gateway";
import { createQueryClient } from "../api/queries";
import { App } from "../app/App";
import { createFakeBackend, type FakeBackendOptions } from "./fake-backend";

/** Renders the whole app against a fresh fake backend. */
export function renderApp(options: FakeBackendOptions & { fakeTimers?: boolean } = {}) {
  const backend = createFakeBackend(options);
  setTransport(backend.transport);
  setEventSource(backend.onClinicChanged);
  setSessionToken(null);
  const user = userEvent.setup(options.fakeTimers ? { advanceTimers: (ms) => vi.advanceTimersByTime(ms) } : {});
  const view = render(<App queryClient={createQueryClient()} />);
  return { backend, user, ...view };
}
