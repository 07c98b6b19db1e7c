// A doctor's exceptions to the weekly template: leave and holidays (unavailable) or one-off
// extra hours, in clinic time. Rust lists those that have not ended yet.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarOff, CalendarPlus } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import { refreshAfterWrite } from "../../api/live";
import { commandKey, commandQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card, CardSection } from "../../components/Card";
import { SelectField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { EXCEPTION_KINDS, exceptionSchema } from "./model";

const FIELDS = ["kind", "starts_at", "ends_at", "reason"] as const;

export function ExceptionsPanel({ doctorId }: { doctorId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const availability = useQuery(commandQuery("get_doctor_availability", { doctor_id: doctorId }));
  // A leave entered by mistake is taken back after a second, explicit click.
  const [confirming, setConfirming] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (exceptionId: string) => call("remove_availability_exception", { exception_id: exceptionId }),
    onSuccess: async (result) => {
      setConfirming(null);
      queryClient.setQueryData(commandKey("get_doctor_availability", { doctor_id: doctorId }), result);
      await refreshAfterWrite(queryClient, ["availability_exceptions"]);
    },
  });
  return (
    <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_26rem]">
      <Card className="overflow-hidden">
        <QueryList
          query={availability}
          loadingLabel={t("availability.loading")}
          isEmpty={(d) => d.exceptions.length === 0}
          empty={<EmptyState title={t("availability.exceptionsEmpty")} />}
        >
          {(d) => (
            <table className="data-table" data-testid="exceptions-table">
              <caption className="sr-only">{t("availability.exceptionsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("availability.kind")}</th>
                  <th scope="col">{t("availability.startsAt")}</th>
                  <th scope="col">{t("availability.endsAt")}</th>
                  <th scope="col">{t("availability.reason")}</th>
                  <th scope="col">
                    <span className="sr-only">{t("availability.removeException")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.exceptions.map((e) => (
                  <tr key={e.id} data-testid={`exception-${e.id}`}>
                    <td>
                      {e.kind === "extra" ? (
                        <Badge tone="ok">
                          <CalendarPlus aria-hidden="true" className="size-3.5" />
                          {t("availability.kinds.extra")}
                        </Badge>
                      ) : (
                        <Badge tone="warn">
                          <CalendarOff aria-hidden="true" className="size-3.5" />
                          {t("availability.kinds.unavailable")}
                        </Badge>
                      )}
                    </td>
                    <td className="tabular-nums">{format.dateTime(e.starts_at)}</td>
                    <td className="tabular-nums">{format.dateTime(e.ends_at)}</td>
                    <td className="whitespace-normal">{e.reason || <span className="text-ink-500">{t("common.none")}</span>}</td>
                    <td className="text-right">
                      {confirming === e.id ? (
                        <Button size="sm" variant="danger" busy={remove.isPending} data-testid={`exception-remove-confirm-${e.id}`} onClick={() => { remove.mutate(e.id); }}>
                          {t("availability.removeConfirm")}
                        </Button>
                      ) : (
                        <Button size="sm" variant="ghost" data-testid={`exception-remove-${e.id}`} onClick={() => { setConfirming(e.id); }}>
                          {t("availability.removeException")}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryList>
        {remove.error ? (
          <Banner tone="error" testId="exception-remove-error" className="m-4">
            {remove.error.message}
          </Banner>
        ) : null}
      </Card>
      <Card>
        <CardSection title={t("availability.addException")} description={t("availability.addExceptionLead")}>
          <ExceptionForm doctorId={doctorId} />
        </CardSection>
      </Card>
    </div>
  );
}

function ExceptionForm({ doctorId }: { doctorId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const schema = useMemo(() => exceptionSchema(t), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { kind: "unavailable" as const, starts_at: "", ends_at: "", reason: "" } });
  const { errors } = form.formState;
  const add = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("add_availability_exception", { doctor_id: doctorId, ...v }),
    onSuccess: async (result) => {
      queryClient.setQueryData(commandKey("get_doctor_availability", { doctor_id: doctorId }), result);
      form.reset();
      setSaved(true);
      await refreshAfterWrite(queryClient, ["availability_exceptions"]);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
        setSaved(false);
      }}
      submit={form.handleSubmit((v) => {
        add.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      {saved ? (
        <Banner tone="success" testId="exception-saved">
          {t("availability.exceptionSaved")}
        </Banner>
      ) : null}
      <SelectField label={t("availability.kind")} testId="exception-kind" error={errors.kind?.message} {...form.register("kind")}>
        {EXCEPTION_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`availability.kindOptions.${k}`)}
          </option>
        ))}
      </SelectField>
      <div className="grid gap-4">
        <TextField type="datetime-local" label={t("availability.startsAt")} testId="exception-starts-at" error={errors.starts_at?.message} {...form.register("starts_at")} />
        <TextField type="datetime-local" label={t("availability.endsAt")} testId="exception-ends-at" error={errors.ends_at?.message} {...form.register("ends_at")} />
      </div>
      <TextField label={t("availability.reason")} optional testId="exception-reason" placeholder={t("availability.reasonPlaceholder")} autoComplete="off" error={errors.reason?.message} {...form.register("reason")} />
      <div className="flex justify-end">
        <Button type="submit" variant="primary" busy={add.isPending} data-testid="exception-submit">
          {t("availability.addExceptionSubmit")}
        </Button>
      </div>
    </Form>
  );
}
