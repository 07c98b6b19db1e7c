// Query helpers over the gateway: one key per command and input, shared by every screen.
import { QueryCache, QueryClient, queryOptions } from "@tanstack/react-query";
import { call } from "./gateway";
import type { CommandName, Commands } from "./generated";

export function commandKey<K extends CommandName>(name: K, input?: Commands[K]["input"]) {
  return input === undefined ? ([name] as const) : ([name, input] as const);
}

/** A read command as a query. Inputs are part of the key. */
export function commandQuery<K extends CommandName>(name: K, input: Commands[K]["input"]) {
  return queryOptions({
    queryKey: commandKey(name, input),
    queryFn: () => call(name, input),
  });
}

export const appStatusQuery = () => ({ ...commandQuery("app_status", {}), staleTime: Infinity });
export const clinicSettingsQuery = () => commandQuery("get_clinic_settings", {});
export const usersQuery = () => commandQuery("list_users", {});
export const departmentsQuery = (includeInactive = false) => commandQuery("list_departments", { include_inactive: includeInactive });
export const patientChartQuery = (patientId: string) => commandQuery("open_patient_chart", { patient_id: patientId });

/** Every cached answer of these commands (after a write that changes what they return). */
export const commandPrefix = (name: CommandName) => ({ queryKey: [name] as const });

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache(),
    defaultOptions: {
      // Commands run on this machine: a failure is an answer (permission, lock, validation), not
      // a flaky network, so nothing is retried behind the user's back.
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
}
