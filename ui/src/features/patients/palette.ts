// Ctrl+K finds patients: `search_patients` as the user types (2 characters or more), Enter opens
// the chart. Only for roles that may read patients (Rust refuses the search to the others anyway).
import { UserPlus, UserRound } from "lucide-react";
import { call } from "../../api/gateway";
import { registerPaletteProvider } from "../palette/registry";
import { ageText, listName } from "./model";

export const PALETTE_PATIENT_LIMIT = 8;

export function registerPatientPaletteProvider(): () => void {
  return registerPaletteProvider({
    id: "patients",
    order: 10,
    heading: (t) => t("palette.groupPatients"),
    minQueryLength: 2,
    items: (ctx) =>
      ctx.permissions.has("patients.write")
        ? [
            {
              id: "action:new-patient",
              label: ctx.t("palette.newPatient"),
              keywords: ["register", "patient", "new"],
              icon: UserPlus,
              perform: () => {
                ctx.navigate("/patients/new");
              },
            },
          ]
        : [],
    search: async (query, ctx) => {
      if (!ctx.permissions.has("patients.read")) return [];
      const result = await call("search_patients", { query, limit: PALETTE_PATIENT_LIMIT });
      return result.hits.map((hit) => ({
        id: `patient:${hit.id}`,
        label: listName(hit),
        hint: [hit.mrn, ageText(ctx.t, hit), hit.has_allergies ? ctx.t("patients.allergyMarker") : null].filter(Boolean).join(" · "),
        icon: UserRound,
        perform: () => {
          ctx.navigate(`/patients/${hit.id}`);
        },
      }));
    },
  });
}
