// The staff list (`list_staff`, anyone signed in): doctors first, filtered by role,
// specialization, department and availability. Administrators set a doctor's consultation fee
// and prescription signature; a doctor sets their own availability here.
import { zodResolver } from "@hookform/resolvers/zod";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Availability, ListStaffInput, Role, StaffMember } from "../../api/generated";
import { commandQuery, departmentsQuery } from "../../api/queries";
import { Badge, type Tone } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { ImageField } from "../../components/ImageField";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState } from "../../components/States";
import { QueryList } from "../../components/QueryList";
import { useFormat } from "../../lib/format";
import { feeSchema } from "../../lib/validation";
import { useCan, useSession } from "../auth/session";

export const AVAILABILITIES: readonly Availability[] = ["available", "busy", "away", "offline"];
const STAFF_ROLES: readonly Role[] = ["doctor", "nurse", "receptionist", "pharmacist", "accountant", "admin"];
const availabilityTone: Record<Availability, Tone> = { available: "ok", busy: "warn", away: "info", offline: "neutral" };
export const AVAILABILITY_DOT: Record<Availability, string> = { available: "bg-ok-700", busy: "bg-warn-700", away: "bg-accent-700", offline: "bg-ink-500" };

export function AvailabilityBadge({ availability, since }: { availability: Availability; since?: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Badge tone={availabilityTone[availability]}>
      <span aria-hidden="true" className={`size-2 rounded-full ${AVAILABILITY_DOT[availability]}`} />
      {t(`staff.availability.${availability}`)}
      {since ? <span className="sr-only">, {t("staff.since", { time: format.dateTime(since) })}</span> : null}
    </Badge>
  );
}

interface Filters {
  role: Role | "";
  specialization: string;
  department: string;
  availability: Availability | "";
  includeInactive: boolean;
}

const NO_FILTERS: Filters = { role: "", specialization: "", department: "", availability: "", includeInactive: false };

function toInput(f: Filters): ListStaffInput {
  return {
    role: f.role === "" ? null : f.role,
    specialization: f.specialization === "" ? null : f.specialization,
    department: f.department === "" ? null : f.department,
    availability: f.availability === "" ? null : f.availability,
    include_inactive: f.includeInactive,
  };
}

export function StaffPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const canManage = useCan("users.manage");
  const canSetOwn = useCan("availability.set_own");
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const staff = useQuery({ ...commandQuery("list_staff", toInput(filters)), placeholderData: keepPreviousData, staleTime: 0 });
  const departments = useQuery(departmentsQuery(true));
  const [editing, setEditing] = useState<StaffMember | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
  };
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);
  // The specializations in use come with every answer (they do not depend on the filters).
  const specializations = staff.data?.specializations ?? [];

  return (
    <>
      <PageHeader title={t("nav.staff")} lead={t("staff.lead")} actions={canSetOwn ? <MyAvailability /> : null} />
      {notice ? (
        <Banner tone="success" testId="staff-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      <Card className="mb-4 px-5 py-4">
        <div className="flex flex-wrap items-end gap-4" role="group" aria-label={t("staff.filtersLabel")}>
          <SelectField className="w-40" label={t("staff.filterRole")} name="role" testId="staff-filter-role" value={filters.role} onChange={(e) => { set("role", e.target.value as Role | ""); }}>
            <option value="">{t("staff.any")}</option>
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </SelectField>
          <SelectField className="w-48" label={t("staff.filterSpecialization")} name="specialization" testId="staff-filter-specialization" value={filters.specialization} onChange={(e) => { set("specialization", e.target.value); }}>
            <option value="">{t("staff.any")}</option>
            {specializations.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
          <SelectField className="w-48" label={t("staff.filterDepartment")} name="department" testId="staff-filter-department" value={filters.department} onChange={(e) => { set("department", e.target.value); }}>
            <option value="">{t("staff.any")}</option>
            {(departments.data ?? []).map((d) => (
              <option key={d.id} value={d.name}>
                {d.active ? d.name : t("staff.inactiveDepartment", { name: d.name })}
              </option>
            ))}
          </SelectField>
          <SelectField className="w-40" label={t("staff.filterAvailability")} name="availability" testId="staff-filter-availability" value={filters.availability} onChange={(e) => { set("availability", e.target.value as Availability | ""); }}>
            <option value="">{t("staff.any")}</option>
            {AVAILABILITIES.map((a) => (
              <option key={a} value={a}>
                {t(`staff.availability.${a}`)}
              </option>
            ))}
          </SelectField>
          <CheckboxField className="mb-2.5" label={t("staff.includeInactive")} name="include_inactive" testId="staff-include-inactive" checked={filters.includeInactive} onChange={(e) => { set("includeInactive", e.target.checked); }} />
          {filtered ? (
            <Button variant="ghost" size="sm" className="mb-1" data-testid="staff-clear-filters" onClick={() => { setFilters(NO_FILTERS); }}>
              {t("staff.clearFilters")}
            </Button>
          ) : null}
        </div>
      </Card>
      <Card className="overflow-hidden">
        <QueryList
          query={staff}
          loadingLabel={t("staff.loading")}
          isEmpty={(data) => data.members.length === 0}
          empty={<EmptyState title={filtered ? t("staff.emptyFiltered") : t("staff.empty")} />}
        >
          {(data) => (
          <div className="overflow-x-auto">
            <table className="data-table" data-testid="staff-table" aria-busy={staff.isFetching || undefined}>
              <caption className="sr-only">{t("staff.tableCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("staff.colName")}</th>
                  <th scope="col">{t("staff.colRole")}</th>
                  <th scope="col">{t("staff.colSpecialization")}</th>
                  <th scope="col">{t("staff.colDepartment")}</th>
                  <th scope="col">{t("staff.colLicence")}</th>
                  <th scope="col" className="text-right">{t("staff.colFee")}</th>
                  <th scope="col">{t("staff.colAvailability")}</th>
                  {canManage ? (
                    <th scope="col" className="text-right">
                      <span className="sr-only">{t("users.colActions")}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {data.members.map((m) => {
                  const none = <span className="text-ink-500">{t("common.none")}</span>;
                  const doctor = m.role === "doctor";
                  return (
                    <tr key={m.id} data-testid={`staff-row-${m.username}`} className={m.active ? undefined : "text-ink-500"}>
                      <td>
                        <div className="font-medium text-ink-900">{m.full_name}</div>
                        <div className="font-mono text-xs text-ink-600">
                          {m.username}
                          {m.active ? null : <span className="ml-1.5 font-sans">({t("users.statusDisabled")})</span>}
                        </div>
                      </td>
                      <td>{t(`roles.${m.role}`)}</td>
                      <td>{m.specialization ?? none}</td>
                      <td>{m.department ?? none}</td>
                      <td>{m.licence_number ? <span className="font-mono text-xs">{m.licence_number}</span> : none}</td>
                      <td className="text-right tabular-nums">{doctor && m.consultation_fee !== "" ? format.money(m.consultation_fee) : none}</td>
                      <td title={m.availability_changed_at ? t("staff.since", { time: format.dateTime(m.availability_changed_at) }) : undefined}>
                        {doctor ? <AvailabilityBadge availability={m.availability} since={m.availability_changed_at} /> : none}
                      </td>
                      {canManage ? (
                        <td className="text-right">
                          {doctor ? (
                            <Button size="xs" variant="ghost" data-testid={`staff-edit-${m.username}`} icon={<Pencil aria-hidden="true" className="size-3.5" />} onClick={() => { setNotice(null); setEditing(m); }}>
                              {t("staff.editProfile")}
                            </Button>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          )}
        </QueryList>
      </Card>
      {staff.data && staff.data.members.length > 0 ? <p className="mt-2 text-sm text-ink-600">{t("staff.count", { count: staff.data.members.length })}</p> : null}
      <ProfileDialog
        member={editing}
        onClose={() => {
          setEditing(null);
        }}
        onDone={(message) => {
          setEditing(null);
          setNotice(message);
        }}
      />
    </>
  );
}

/** A doctor's own status: every workstation's staff list shows it. */
function MyAvailability() {
  const { t } = useTranslation();
  const me = useSession().user;
  const queryClient = useQueryClient();
  const everyone = useQuery(commandQuery("list_staff", { role: "doctor" }));
  const mine = everyone.data?.members.find((m) => m.id === me.id);
  const change = useMutation({
    mutationFn: (availability: Availability) => call("set_my_availability", { availability }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["list_staff"] });
    },
  });
  const value = change.isPending ? change.variables : mine?.availability;
  return (
    <div className="flex flex-col gap-1">
      <SelectField
        className="w-56"
        label={t("staff.myAvailability")}
        name="availability"
        testId="my-availability"
        value={value ?? ""}
        disabled={mine === undefined || change.isPending}
        error={change.isError ? errorMessage(change.error) : undefined}
        onChange={(e) => {
          change.mutate(e.target.value as Availability);
        }}
      >
        {value === undefined ? <option value="">{t("common.loading")}</option> : null}
        {AVAILABILITIES.map((a) => (
          <option key={a} value={a}>
            {t(`staff.availability.${a}`)}
          </option>
        ))}
      </SelectField>
    </div>
  );
}

const PROFILE_FIELDS = ["consultation_fee", "signature_data_url"] as const;

function ProfileDialog({ member, onClose, onDone }: { member: StaffMember | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={member !== null} onClose={onClose} title={member ? t("staff.profileTitle", { name: member.full_name }) : ""} description={t("staff.profileLead")} size="md" testId="staff-profile-dialog">
      {member ? <ProfileForm member={member} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function ProfileForm({ member, onClose, onDone }: { member: StaffMember; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ consultation_fee: feeSchema(t), signature_data_url: z.string() }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { consultation_fee: member.consultation_fee, signature_data_url: member.signature_data_url } });
  const { errors } = form.formState;
  const [fee, signature] = useWatch({ control: form.control, name: ["consultation_fee", "signature_data_url"] });
  const feePreview = useMemo(() => {
    const v = fee.trim();
    return /^\d+(\.\d{1,2})?$/.test(v) ? t("staff.feePreview", { amount: format.money(v) }) : t("staff.feeHint", { currency: format.currency });
  }, [fee, format, t]);
  const save = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("update_staff_profile", { username: member.username, ...v }),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ["list_staff"] });
      onDone(t("staff.profileSaved", { name: saved.full_name }));
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, PROFILE_FIELDS));
    },
  });
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        save.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <TextField className="max-w-xs" label={t("staff.fee")} optional hint={feePreview} inputMode="decimal" autoComplete="off" testId="staff-fee" error={errors.consultation_fee?.message} {...form.register("consultation_fee")} />
      <ImageField
        label={t("staff.signature")}
        name="signature_data_url"
        value={signature}
        hint={t("staff.signatureHint")}
        previewAlt={t("staff.signaturePreview", { name: member.full_name })}
        previewClassName="h-20 w-56 bg-white"
        testId="staff-signature"
        error={errors.signature_data_url?.message}
        onChange={(dataUrl) => {
          form.setValue("signature_data_url", dataUrl, { shouldDirty: true });
        }}
        onProblem={(message) => {
          if (message) form.setError("signature_data_url", { type: "client", message });
          else form.clearErrors("signature_data_url");
        }}
      />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={save.isPending} data-testid="staff-submit">
          {t("common.save")}
        </Button>
      </DialogActions>
    </Form>
  );
}
