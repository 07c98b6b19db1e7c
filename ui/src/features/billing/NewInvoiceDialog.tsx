// Starting a draft invoice by hand (`create_invoice`): the patient (the registry's search, or given
// by the chart), the service date (its prices are those of that day; not in the future) and,
// optionally, the doctor. Rust's refusals land on the field they name; the new draft opens.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FilePlus2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "wouter";
import { errorMessage, formFieldOf, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import { commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { PatientPicker, type PickedPatient } from "../patients/PatientPicker";
import { INVOICE_TABLES, invoicePath, invoiceWritten, useClinicDate } from "./model";

type Field = "patient_id" | "service_date" | "doctor_id" | "notes";

export function NewInvoiceDialog({ open, onClose, patient = null }: { open: boolean; onClose: () => void; patient?: PickedPatient | null }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("billing.new.title")} description={t("billing.new.lead")} size="md" testId="new-invoice-dialog">
      {open ? <NewInvoiceForm fixed={patient} onClose={onClose} /> : null}
    </Dialog>
  );
}

function NewInvoiceForm({ fixed, onClose }: { fixed: PickedPatient | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const today = useClinicDate();
  const doctors = useQuery(commandQuery("list_staff", { role: "doctor" }));
  const [patient, setPatient] = useState<PickedPatient | null>(fixed);
  const [serviceDate, setServiceDate] = useState<string | null>(null);
  const [doctorId, setDoctorId] = useState("");
  const [notes, setNotes] = useState("");
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const date = serviceDate ?? today ?? "";
  const create = useMutation({
    mutationFn: (patientId: string) => call("create_invoice", { patient_id: patientId, service_date: date === "" ? null : date, doctor_id: doctorId === "" ? null : doctorId, notes }),
    onSuccess: async (inv) => {
      await invoiceWritten(queryClient, inv, INVOICE_TABLES.discarded);
      onClose();
      navigate(invoicePath(inv.id));
    },
    onError: (e) => {
      const field = e instanceof CommandError && e.field !== undefined ? formFieldOf<Field>(e.field, ["patient_id", "service_date", "doctor_id", "notes"]) : undefined;
      if (field) setErrors({ [field]: sentence(e.message) });
      else setFormError(errorMessage(e));
    },
  });
  return (
    <form
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        setFormError(null);
        if (!patient) {
          setErrors({ patient_id: t("billing.new.choosePatient") });
          document.querySelector<HTMLElement>('[data-testid="invoice-patient-search"]')?.focus();
          return;
        }
        create.mutate(patient.id);
      }}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      {fixed ? (
        <p className="text-[0.9375rem] text-ink-800" data-testid="invoice-patient-chosen">
          <span className="font-medium">{fixed.name}</span> <span className="font-mono text-[0.8125rem] text-ink-600">{fixed.mrn}</span>
        </p>
      ) : (
        <PatientPicker
          testId="invoice-patient"
          label={t("billing.new.patient")}
          value={patient}
          error={errors.patient_id}
          onChange={(p) => {
            setPatient(p);
            setErrors({});
          }}
        />
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t("billing.new.serviceDate")}
          hint={t("billing.new.serviceDateHint")}
          name="service_date"
          type="date"
          max={today ?? undefined}
          testId="invoice-service-date-input"
          value={date}
          error={errors.service_date}
          onChange={(e) => {
            setServiceDate(e.target.value);
            setErrors({});
          }}
        />
        <SelectField
          label={t("billing.new.doctor")}
          optional
          name="doctor_id"
          testId="invoice-doctor-input"
          value={doctorId}
          error={errors.doctor_id}
          onChange={(e) => {
            setDoctorId(e.target.value);
            setErrors({});
          }}
        >
          <option value="">{t("billing.new.noDoctor")}</option>
          {(doctors.data?.members ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.full_name}
            </option>
          ))}
        </SelectField>
      </div>
      <TextAreaField
        label={t("billing.fields.notes")}
        hint={t("billing.fields.notesHint")}
        optional
        name="notes"
        rows={2}
        testId="invoice-notes-input"
        value={notes}
        error={errors.notes}
        onChange={(e) => {
          setNotes(e.target.value);
          setErrors({});
        }}
      />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" icon={<FilePlus2 aria-hidden="true" className="size-4" />} busy={create.isPending} data-testid="new-invoice-submit">
          {t("billing.new.submit")}
        </Button>
      </DialogActions>
    </form>
  );
}
