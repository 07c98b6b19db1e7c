// A doctor's weekly template: blocks of clinic time per weekday (several a day), each in a room.
// Saved whole (`set_weekly_availability`); Rust names a bad block by its place in the list
// (`blocks.3.end`), which is the form's own field path, so its errors land on that input.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useMemo, useState } from "react";
import { useFieldArray, useForm, useWatch, type FieldErrors } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { AvailabilityBlock, DoctorAvailability } from "../../api/generated";
import { commandKey, commandQuery } from "../../api/queries";
import { refreshAfterWrite } from "../../api/live";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { FieldError } from "../../components/Field";
import { Form } from "../../components/Form";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { blocksSchema, minutesOf, weekdayNames, WEEKDAYS, type BlockValues } from "./model";

export function WeeklyHours({ doctorId }: { doctorId: string }) {
  const { t } = useTranslation();
  const availability = useQuery(commandQuery("get_doctor_availability", { doctor_id: doctorId }));
  if (availability.isPending) return <LoadingState label={t("availability.loading")} />;
  if (availability.isError) {
    return (
      <Banner tone="error" testId="form-error">
        {availability.error.message}
      </Banner>
    );
  }
  return <WeeklyForm doctorId={doctorId} blocks={availability.data.blocks} />;
}

const toValues = (blocks: readonly AvailabilityBlock[]): BlockValues[] => blocks.map((b) => ({ weekday: b.weekday, start: b.start, end: b.end, room: b.room }));

function WeeklyForm({ doctorId, blocks }: { doctorId: string; blocks: readonly AvailabilityBlock[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const names = useMemo(() => weekdayNames(format.locale), [format.locale]);
  const schema = useMemo(() => blocksSchema(t), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { blocks: toValues(blocks) } });
  const { fields, append, remove } = useFieldArray({ control: form.control, name: "blocks" });
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const errors: FieldErrors<{ blocks: BlockValues[] }>["blocks"] = form.formState.errors.blocks;

  const save = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("set_weekly_availability", { doctor_id: doctorId, blocks: v.blocks }),
    onSuccess: async (result: DoctorAvailability) => {
      queryClient.setQueryData(commandKey("get_doctor_availability", { doctor_id: doctorId }), result);
      form.reset({ blocks: toValues(result.blocks) });
      setSaved(true);
      await refreshAfterWrite(queryClient, ["availability_blocks"]);
    },
    onError: (error) => {
      const paths = fields.flatMap((_, i) => (["weekday", "start", "end", "room"] as const).map((f) => `blocks.${i}.${f}` as const));
      setFormError(applyCommandError(error, form.setError, paths));
    },
  });

  const watched = useWatch({ control: form.control, name: "blocks" });
  const total = watched.reduce((sum, b) => {
    const s = minutesOf(b.start);
    const e = minutesOf(b.end);
    return s !== null && e !== null && e > s ? sum + (e - s) : sum;
  }, 0);

  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
        setSaved(false);
      }}
      submit={form.handleSubmit((v) => {
        save.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      {saved ? (
        <Banner tone="success" testId="weekly-saved">
          {t("availability.weeklySaved")}
        </Banner>
      ) : null}
      <Card className="overflow-hidden">
        <ul className="divide-y divide-ink-100" data-testid="weekly-editor">
          {WEEKDAYS.map((weekday) => {
            const rows = fields.map((f, index) => ({ f, index })).filter(({ f }) => f.weekday === weekday);
            const name = names[weekday - 1] ?? String(weekday);
            return (
              <li key={weekday} className="grid gap-3 px-5 py-3 md:grid-cols-[9rem_minmax(0,1fr)_auto] md:items-start" data-testid={`weekday-${weekday}`}>
                <div className="pt-2 font-medium text-ink-900">{name}</div>
                <div className="flex flex-col gap-2">
                  {rows.length === 0 ? <p className="pt-2 text-sm text-ink-500">{t("availability.notWorking")}</p> : null}
                  {rows.map(({ f, index }) => {
                    const e = errors?.[index];
                    const id = `block-${f.id}`;
                    return (
                      <div key={f.id} className="flex flex-col gap-1" data-testid={`block-${index}`}>
                        <div className="flex flex-wrap items-center gap-2">
                          <label htmlFor={`${id}-start`} className="sr-only">
                            {t("availability.from", { day: name })}
                          </label>
                          <input
                            id={`${id}-start`}
                            className="input w-24 text-center tabular-nums"
                            inputMode="numeric"
                            placeholder="08:30"
                            autoComplete="off"
                            aria-invalid={e?.start ? true : undefined}
                            data-testid={`block-start-${index}`}
                            {...form.register(`blocks.${index}.start`)}
                          />
                          <span aria-hidden="true" className="text-ink-500">
                            –
                          </span>
                          <label htmlFor={`${id}-end`} className="sr-only">
                            {t("availability.to", { day: name })}
                          </label>
                          <input
                            id={`${id}-end`}
                            className="input w-24 text-center tabular-nums"
                            inputMode="numeric"
                            placeholder="12:30"
                            autoComplete="off"
                            aria-invalid={e?.end ? true : undefined}
                            data-testid={`block-end-${index}`}
                            {...form.register(`blocks.${index}.end`)}
                          />
                          <label htmlFor={`${id}-room`} className="ml-2 text-sm text-ink-700">
                            {t("availability.room")}
                          </label>
                          <input
                            id={`${id}-room`}
                            className="input w-36"
                            placeholder={t("availability.roomPlaceholder")}
                            autoComplete="off"
                            aria-invalid={e?.room ? true : undefined}
                            data-testid={`block-room-${index}`}
                            {...form.register(`blocks.${index}.room`)}
                          />
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-label={t("availability.removeBlock", { day: name })}
                            data-testid={`block-remove-${index}`}
                            icon={<Trash2 aria-hidden="true" className="size-4" />}
                            onClick={() => {
                              remove(index);
                            }}
                          />
                        </div>
                        {(["weekday", "start", "end", "room"] as const).map((field) => {
                          const message = e?.[field]?.message;
                          return message ? <FieldError key={field} name={`blocks.${index}.${field}`} message={message} /> : null;
                        })}
                      </div>
                    );
                  })}
                </div>
                <Button
                  size="sm"
                  data-testid={`block-add-${weekday}`}
                  icon={<Plus aria-hidden="true" className="size-4" />}
                  onClick={() => {
                    const last = rows.at(-1);
                    // A second block of the day is a typical afternoon, in the same room.
                    append(last ? { weekday, start: "14:00", end: "18:00", room: form.getValues(`blocks.${last.index}.room`) } : { weekday, start: "09:00", end: "13:00", room: "" });
                  }}
                >
                  {t("availability.addBlock")}
                </Button>
              </li>
            );
          })}
        </ul>
      </Card>
      {/* The save bar stays in view while a long week is edited. */}
      <div className="sticky -bottom-6 z-[2] -mx-2 flex flex-wrap items-center justify-between gap-3 rounded-t-lg border border-b-0 border-ink-200 bg-white px-4 py-3 shadow-[0_-2px_6px_rgb(0_0_0_/0.05)]">
        <p className="text-sm text-ink-600" data-testid="weekly-total">
          {t("availability.total", { hours: new Intl.NumberFormat(format.locale, { maximumFractionDigits: 2 }).format(total / 60) })}
        </p>
        <div className="flex gap-2">
          <Button
            disabled={!form.formState.isDirty || save.isPending}
            onClick={() => {
              form.reset();
              setFormError(null);
            }}
          >
            {t("availability.discard")}
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending} data-testid="weekly-save">
            {t("availability.saveWeekly")}
          </Button>
        </div>
      </div>
    </Form>
  );
}
