// The one place that talks to the Rust side. Everything else calls `call(name, input)`
// with types generated from the Rust registry (./generated.ts), and tests can swap the
// transport for a mock.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AppError, CommandName, Commands } from "./generated";

export type Transport = (name: string, token: string | null, input: unknown) => Promise<unknown>;

const tauriTransport: Transport = (name, token, input) => invoke("dispatch", { name, token, input });

let transport: Transport = tauriTransport;
let sessionToken: string | null = null;

/** Replaces the transport (UI tests use a mock backend). */
export function setTransport(next: Transport): void {
  transport = next;
}

export function setSessionToken(token: string | null): void {
  sessionToken = token;
}

function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** A failed command: the Rust side's `{code, message, field?}`. */
export class CommandError extends Error {
  readonly code: AppError["code"];
  readonly field: string | undefined;

  constructor(readonly detail: AppError) {
    super(detail.message);
    this.name = "CommandError";
    this.code = detail.code;
    this.field = detail.field;
  }
}

/** Observes every failed command (the session layer reacts to `session_locked` and `unauthenticated`). */
export type CommandErrorListener = (error: CommandError, name: CommandName) => void;
const listeners = new Set<CommandErrorListener>();

export function onCommandError(listener: CommandErrorListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Runs a registry command; rejects with a CommandError. */
export async function call<K extends CommandName>(
  name: K,
  input: Commands[K]["input"],
): Promise<Commands[K]["output"]> {
  try {
    return (await transport(name, sessionToken, input)) as Commands[K]["output"];
  } catch (error: unknown) {
    const failure = isAppError(error)
      ? new CommandError(error)
      : new CommandError({ code: "internal", message: error instanceof Error ? error.message : String(error) });
    for (const listener of listeners) {
      listener(failure, name);
    }
    throw failure;
  }
}

/** Tables a committed write changed (on this machine, or arrived by sync). */
export type ClinicChangedListener = (tables: string[]) => void;
/** Subscribes a listener to `clinic-changed`; returns the unsubscribe. */
export type EventSource = (listener: ClinicChangedListener) => () => void;

/** The Rust shell emits `clinic-changed` with `{ tables }` after every committed write. */
const tauriEvents: EventSource = (listener) => {
  let stop: (() => void) | null = null;
  let stopped = false;
  listen<{ tables: string[] }>("clinic-changed", (event) => {
    listener(event.payload.tables);
  })
    .then((unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
    })
    .catch(() => {
      // No event bridge (a plain browser): screens still refetch on their own.
    });
  return () => {
    stopped = true;
    stop?.();
  };
};

let eventSource: EventSource = tauriEvents;

/** Replaces the event source (UI tests and the fake backend emit their own). */
export function setEventSource(next: EventSource): void {
  eventSource = next;
}

/** Calls `listener` with the changed tables after every committed write; returns the unsubscribe. */
export function onClinicChanged(listener: ClinicChangedListener): () => void {
  return eventSource(listener);
}
