// Opening a consultation: from the queue (a checked-in appointment is called in first, then its
// encounter starts — or opens, as Rust answers one encounter per appointment), or from the chart
// (a walk-in without an appointment). A nurse opens the encounter the doctor started, to record
// vitals; she cannot start one (clinical.write).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useLocation } from "wouter";
import { call } from "../../api/gateway";
import type { Appointment, EncounterSummary } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { useCan } from "../auth/session";
import { BOARD_TABLES } from "../reception/board";
import { encounterPath, RECORDS_TABLES } from "./model";

export interface ConsultationTarget {
  patientId: string;
  /** The appointment being seen (none: a walk-in without one). */
  appointment?: Pick<Appointment, "id" | "status"> | undefined;
}

/** Starts or opens the consultation and goes there; refusals are Rust's (or say that none is open yet). */
export function useOpenConsultation() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const canStart = useCan("clinical.write");
  const canCall = useCan("queue.call");
  return useMutation({
    mutationFn: async ({ patientId, appointment }: ConsultationTarget): Promise<EncounterSummary> => {
      if (canStart) {
        // The patient is called in first (the doctor turns busy), then the encounter starts.
        if (appointment?.status === "checked_in" && canCall) {
          await call("start_consultation", { appointment_id: appointment.id });
        }
        return call("start_encounter", { patient_id: patientId, appointment_id: appointment?.id ?? null });
      }
      const list = await call("list_encounters", { patient_id: patientId });
      const found = list.find((e) => e.appointment_id === appointment?.id && e.status !== "entered_in_error");
      if (!found) throw new Error(t("records.consultation.notStarted"));
      return found;
    },
    onSuccess: async (encounter) => {
      navigate(encounterPath(encounter.patient_id, encounter.id));
      await refreshAfterWrite(queryClient, [...BOARD_TABLES, ...RECORDS_TABLES.encounter]);
    },
  });
}
