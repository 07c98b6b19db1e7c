// The price list (`/billing/prices`, pricelist.manage: administrators and accountants): the
// services and items an invoice is priced from, grouped by kind, searched by code or name, with
// the price valid on a chosen date and each entry's dated price versions. A new price starts on
// its date (today or later: invoices already made keep theirs); a consultation may be priced per
// visit type and doctor. The tax categories the entries name are kept on a tab of their own.
import { zodResolver } from "@hookform/resolvers/zod";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronDown, ChevronRight, Pencil, Plus, Search } from "lucide-react";
import { Fragment, useEffect, useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { PriceItem, PriceItemKind, PriceVersion, StaffMember, TaxCategory, VisitType } from "../../api/generated";
import { clinicSettingsQuery, commandQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { PageHeader } from "../../components/PageHeader";
import { QueryList } from "../../components/QueryList";
import { EmptyState, LoadingState } from "../../components/States";
import { TabList, TabPanel } from "../../components/Tabs";
import { useFormat } from "../../lib/format";
import { optionalText, requiredText, taxRateSchema } from "../../lib/validation";
import { useDebounced } from "../prescriptions/SearchCombobox";
import { amountProblem, backofficeWritten, currencyDecimals, PRICE_KINDS, useClinicToday } from "./backoffice";

type Tab = "items" | "tax";

export function PriceListPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>("items");
  return (
    <>
      <PageHeader title={t("backoffice.prices.title")} lead={t("backoffice.prices.lead")} testId="prices-title" />
      <TabList
        idBase="prices"
        label={t("backoffice.prices.title")}
        active={tab}
        onChange={setTab}
        tabs={[
          { id: "items", label: t("backoffice.prices.tabItems") },
          { id: "tax", label: t("backoffice.prices.tabTax") },
        ]}
      />
      <TabPanel idBase="prices" id={tab} className="pt-4">
        {tab === "items" ? <PriceItemsPanel /> : <TaxCategoriesPanel />}
      </TabPanel>
    </>
  );
}

/** The version that applies on `date`: the latest that starts on or before it. */
function versionOn(versions: readonly PriceVersion[], date: string): PriceVersion | undefined {
  return versions.filter((v) => v.valid_from <= date).at(-1);
}

function PriceItemsPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [kind, setKind] = useState<PriceItemKind | "">("");
  const [includeInactive, setIncludeInactive] = useState(false);
  const today = useClinicToday();
  // The date field starts on the clinic's today; cleared, prices are Rust's today's.
  const [chosenDate, setChosenDate] = useState<string | null>(null);
  const onDate = chosenDate ?? today ?? "";
  const query = useDebounced(text.trim(), 150);
  const input = { query, kind: kind === "" ? null : kind, include_inactive: includeInactive, on_date: onDate === "" ? null : onDate };
  const list = useQuery({ ...commandQuery("list_price_items", input), placeholderData: keepPreviousData, staleTime: 0 });
  const [editing, setEditing] = useState<PriceItem | "new" | null>(null);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = (id: string) => {
    setOpen((before) => {
      const next = new Set(before);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };

  return (
    <>
      {notice ? (
        <Banner tone="success" testId="prices-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      <Card>
        <div className="flex flex-wrap items-end gap-3 border-b border-ink-100 px-4 py-3">
          <div className="flex min-w-60 flex-1 flex-col gap-1.5">
            <label htmlFor="prices-search" className="text-sm font-medium text-ink-800">
              {t("backoffice.prices.search")}
            </label>
            <div className="relative">
              <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4.5 -translate-y-1/2 text-ink-500" />
              <input
                id="prices-search"
                type="search"
                className="input pl-9"
                autoComplete="off"
                spellCheck={false}
                placeholder={t("backoffice.prices.searchPlaceholder")}
                value={text}
                data-testid="prices-search"
                onChange={(e) => {
                  setText(e.target.value);
                }}
              />
            </div>
          </div>
          <SelectField
            label={t("backoffice.prices.kind")}
            name="kind"
            className="w-48"
            testId="prices-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as PriceItemKind | "");
            }}
          >
            <option value="">{t("backoffice.prices.allKinds")}</option>
            {PRICE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`backoffice.kinds.${k}`)}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t("backoffice.prices.onDate")}
            name="on_date"
            type="date"
            className="w-44"
            testId="prices-on-date"
            value={onDate}
            onChange={(e) => {
              setChosenDate(e.target.value);
            }}
          />
          <CheckboxField
            label={t("backoffice.prices.includeInactive")}
            name="include_inactive"
            className="pb-2.5"
            testId="prices-include-inactive"
            checked={includeInactive}
            onChange={(e) => {
              setIncludeInactive(e.target.checked);
            }}
          />
          <Button
            variant="primary"
            className="ml-auto"
            icon={<Plus aria-hidden="true" className="size-4" />}
            data-testid="price-add"
            onClick={() => {
              setNotice(null);
              setEditing("new");
            }}
          >
            {t("backoffice.prices.add")}
          </Button>
        </div>
        <QueryList
          query={list}
          loadingLabel={t("backoffice.prices.loading")}
          isEmpty={(l) => l.items.length === 0}
          empty={<EmptyState title={query === "" && kind === "" ? t("backoffice.prices.empty") : t("backoffice.prices.noMatch")}>{query === "" && kind === "" ? t("backoffice.prices.emptyHint") : null}</EmptyState>}
        >
          {(data) => (
            <div className="max-h-[calc(100vh-21rem)] overflow-auto">
              <table
                className="data-table"
                data-testid="prices-table"
                data-query={query}
                data-kind={kind}
                data-on-date={data.on_date}
                data-include-inactive={includeInactive}
                data-current={!list.isPlaceholderData && !list.isFetching && query === text.trim()}
              >
                <caption className="sr-only">{t("backoffice.prices.caption", { date: format.calendarDate(data.on_date) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("backoffice.prices.colCode")}</th>
                    <th scope="col">{t("backoffice.prices.colName")}</th>
                    <th scope="col">{t("backoffice.prices.colTax")}</th>
                    <th scope="col" className="text-right">
                      {t("backoffice.prices.colPrice", { date: format.calendarDate(data.on_date) })}
                    </th>
                    <th scope="col">{t("backoffice.prices.colStatus")}</th>
                    <th scope="col" className="text-right">
                      <span className="sr-only">{t("backoffice.prices.colActions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((item, i) => {
                    const groupStarts = kind === "" && data.items[i - 1]?.kind !== item.kind;
                    const upcoming = item.versions.find((v) => v.valid_from > data.on_date);
                    const expanded = open.has(item.id);
                    return (
                      <Fragment key={item.id}>
                        {groupStarts ? (
                          <tr className="bg-ink-50" data-testid={`prices-group-${item.kind}`}>
                            <th scope="colgroup" colSpan={6} className="static! border-b border-ink-200 bg-ink-50 pt-3 text-ink-700">
                              {t(`backoffice.kindGroups.${item.kind}`)}
                            </th>
                          </tr>
                        ) : null}
                        <tr data-testid={`price-row-${item.code}`} data-active={item.active} className={item.active ? undefined : "text-ink-600"}>
                          <td className="font-mono text-ink-800">{item.code}</td>
                          <td className="max-w-[26rem] whitespace-normal">
                            <span className="font-semibold text-ink-900">{item.name}</span>
                            <ItemDetail item={item} />
                          </td>
                          <td>
                            {item.tax_category_name} <span className="text-ink-600 tabular-nums">({t("backoffice.percent", { rate: item.tax_rate })})</span>
                          </td>
                          <td className="text-right tabular-nums" data-testid={`price-current-${item.code}`}>
                            {item.price === null ? <Badge tone="warn">{t("backoffice.prices.notPriced")}</Badge> : <span className="font-semibold text-ink-900">{format.money(item.price)}</span>}
                            {upcoming ? (
                              <span className="block text-ink-600" data-testid={`price-upcoming-${item.code}`}>
                                {t("backoffice.prices.upcoming", { price: format.money(upcoming.price), date: format.calendarDate(upcoming.valid_from) })}
                              </span>
                            ) : null}
                          </td>
                          <td>{item.active ? <Badge tone="ok">{t("backoffice.prices.active")}</Badge> : <Badge tone="neutral">{t("backoffice.prices.inactive")}</Badge>}</td>
                          <td className="text-right">
                            <div className="flex justify-end gap-1">
                              <Button
                                size="xs"
                                variant="ghost"
                                icon={expanded ? <ChevronDown aria-hidden="true" className="size-3.5" /> : <ChevronRight aria-hidden="true" className="size-3.5" />}
                                aria-expanded={expanded}
                                aria-controls={`price-history-${item.id}`}
                                aria-label={t("backoffice.prices.historyFor", { name: item.name, count: item.versions.length })}
                                data-testid={`price-history-toggle-${item.code}`}
                                onClick={() => {
                                  toggle(item.id);
                                }}
                              >
                                {t("backoffice.prices.history", { count: item.versions.length })}
                              </Button>
                              <Button
                                size="xs"
                                variant="ghost"
                                icon={<Pencil aria-hidden="true" className="size-3.5" />}
                                aria-label={t("backoffice.prices.editFor", { name: item.name })}
                                data-testid={`price-edit-${item.code}`}
                                onClick={() => {
                                  setNotice(null);
                                  setEditing(item);
                                }}
                              >
                                {t("backoffice.prices.edit")}
                              </Button>
                            </div>
                          </td>
                        </tr>
                        {expanded ? (
                          <tr id={`price-history-${item.id}`} className="bg-ink-50/60 hover:bg-ink-50/60!">
                            <td />
                            <td colSpan={5} className="whitespace-normal">
                              <PriceHistory versions={item.versions} onDate={data.on_date} testId={`price-history-${item.code}`} />
                            </td>
                          </tr>
                        ) : null}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </QueryList>
        {list.data ? (
          <p className="border-t border-ink-100 px-4 py-2 text-sm text-ink-600 tabular-nums" role="status" data-testid="prices-count">
            {t("backoffice.prices.count", { count: list.data.items.length })}
          </p>
        ) : null}
      </Card>
      <PriceItemDialog
        item={editing}
        onClose={() => {
          setEditing(null);
        }}
        onSaved={(saved, added, price) => {
          setEditing(null);
          const what = `${saved.code} ${saved.name}`;
          const base = added ? t("backoffice.prices.added", { name: what }) : t("backoffice.prices.saved", { name: what });
          setNotice(price ? `${base} ${t("backoffice.prices.priceFrom", { price: format.money(price.price), date: format.calendarDate(price.valid_from) })}` : base);
          void backofficeWritten(queryClient, "priceList");
        }}
      />
    </>
  );
}

/** What tells entries of one kind apart: visit type and doctor of a consultation, the unit. */
function ItemDetail({ item }: { item: PriceItem }) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (item.kind === "consultation") {
    parts.push(item.visit_type_name ?? t("backoffice.prices.anyVisitType"));
    parts.push(item.doctor_name ?? t("backoffice.prices.anyDoctor"));
  }
  if (item.unit !== "") parts.push(t("backoffice.prices.perUnit", { unit: item.unit }));
  return parts.length > 0 ? <span className="block text-ink-600">{parts.join(" · ")}</span> : null;
}

/** The dated prices of an entry, newest first, marking the one valid on the date shown. */
function PriceHistory({ versions, onDate, testId }: { versions: readonly PriceVersion[]; onDate: string; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const current = versionOn(versions, onDate);
  if (versions.length === 0) return <p className="text-ink-600">{t("backoffice.prices.noVersions")}</p>;
  return (
    <ol className="flex flex-col gap-1 py-1" data-testid={testId} aria-label={t("backoffice.prices.historyLabel")}>
      {[...versions].reverse().map((v) => (
        <li key={v.valid_from} className="flex items-center gap-3 tabular-nums" data-testid={`${testId}-${v.valid_from}`}>
          <span className="w-36 text-ink-700">{t("backoffice.prices.from", { date: format.calendarDate(v.valid_from) })}</span>
          <span className="w-24 text-right font-semibold text-ink-900">{format.money(v.price)}</span>
          {v === current ? <Badge tone="ok">{t("backoffice.prices.validOn", { date: format.calendarDate(onDate) })}</Badge> : v.valid_from > onDate ? <Badge tone="info">{t("backoffice.prices.later")}</Badge> : null}
        </li>
      ))}
    </ol>
  );
}

interface ItemValues {
  code: string;
  name: string;
  kind: PriceItemKind;
  tax_category_id: string;
  visit_type_id: string;
  doctor_id: string;
  unit: string;
  active: boolean;
  price: string;
  price_valid_from: string;
}

const ITEM_FIELDS = ["code", "name", "kind", "tax_category_id", "visit_type_id", "doctor_id", "unit", "active", "price", "price_valid_from"] as const;

function PriceItemDialog({ item, onClose, onSaved }: { item: PriceItem | "new" | null; onClose: () => void; onSaved: (saved: PriceItem, added: boolean, price: PriceVersion | null) => void }) {
  const { t } = useTranslation();
  const title = item === null ? "" : item === "new" ? t("backoffice.prices.form.addTitle") : t("backoffice.prices.form.editTitle", { name: item.name });
  return (
    <Dialog open={item !== null} onClose={onClose} title={title} description={t("backoffice.prices.form.lead")} size="lg" testId="price-dialog">
      {item !== null ? <PriceItemChoices key={item === "new" ? "new" : item.id} item={item === "new" ? null : item} onClose={onClose} onSaved={onSaved} /> : null}
    </Dialog>
  );
}

interface Choices {
  taxes: readonly TaxCategory[];
  visitTypes: readonly VisitType[];
  doctors: readonly StaffMember[];
}

type ItemFormProps = { item: PriceItem | null; onClose: () => void; onSaved: (saved: PriceItem, added: boolean, price: PriceVersion | null) => void };

/** The form's choices are loaded first: a select only shows the entry's value once its option exists. */
function PriceItemChoices(props: ItemFormProps) {
  const { t } = useTranslation();
  const taxes = useQuery(commandQuery("list_tax_categories", {}));
  const visitTypes = useQuery(commandQuery("list_visit_types", {}));
  const doctors = useQuery(commandQuery("list_staff", { role: "doctor" }));
  const failed = taxes.error ?? visitTypes.error ?? doctors.error;
  if (failed) {
    return (
      <Banner tone="error" testId="form-error">
        {errorMessage(failed)}
      </Banner>
    );
  }
  if (!taxes.data || !visitTypes.data || !doctors.data) return <LoadingState label={t("backoffice.prices.form.loading")} />;
  return <PriceItemForm {...props} choices={{ taxes: taxes.data, visitTypes: visitTypes.data, doctors: doctors.data.members }} />;
}

function PriceItemForm({ item, onClose, onSaved, choices }: ItemFormProps & { choices: Choices }) {
  const { t } = useTranslation();
  const format = useFormat();
  const today = useClinicToday();
  const settings = useQuery(clinicSettingsQuery());
  const decimals = currencyDecimals(settings.data?.currency ?? format.currency);
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(
    () =>
      z
        .object({
          code: requiredText(t, 30),
          name: requiredText(t, 200),
          kind: z.enum(PRICE_KINDS as [PriceItemKind, ...PriceItemKind[]]),
          tax_category_id: z.string().min(1, { error: t("backoffice.prices.form.taxRequired") }),
          visit_type_id: z.string(),
          doctor_id: z.string(),
          unit: optionalText(t, 30),
          active: z.boolean(),
          price: z.string().trim(),
          price_valid_from: z.string().trim(),
        })
        .superRefine((v, ctx) => {
          if (v.price === "") {
            if (item === null) ctx.addIssue({ code: "custom", path: ["price"], message: t("backoffice.prices.form.priceRequired") });
            return;
          }
          const problem = amountProblem(v.price, decimals);
          if (problem) ctx.addIssue({ code: "custom", path: ["price"], message: t(`backoffice.amount.${problem}`, { decimals }) });
        }),
    [t, item, decimals],
  );
  const defaults: ItemValues = item
    ? {
        code: item.code,
        name: item.name,
        kind: item.kind,
        tax_category_id: item.tax_category_id,
        visit_type_id: item.visit_type_id ?? "",
        doctor_id: item.doctor_id ?? "",
        unit: item.unit,
        active: item.active,
        price: "",
        price_valid_from: today ?? "",
      }
    : { code: "", name: "", kind: "consultation", tax_category_id: "tax-standard", visit_type_id: "", doctor_id: "", unit: "", active: true, price: "", price_valid_from: today ?? "" };
  const form = useForm<ItemValues>({ resolver: zodResolver(schema), defaultValues: defaults });
  const errors = form.formState.errors;
  const kind = useWatch({ control: form.control, name: "kind" });
  // The form arrives after the dialog opened (its choices first): start on the first field.
  useEffect(() => {
    form.setFocus("code");
  }, [form]);
  const consultation = kind === "consultation";
  const save = useMutation({
    mutationFn: (v: ItemValues) =>
      call("save_price_item", {
        id: item?.id ?? null,
        code: v.code,
        name: v.name,
        kind: v.kind,
        tax_category_id: v.tax_category_id,
        visit_type_id: v.kind === "consultation" && v.visit_type_id !== "" ? v.visit_type_id : null,
        doctor_id: v.kind === "consultation" && v.doctor_id !== "" ? v.doctor_id : null,
        // The catalog medication an entry sells is kept as it is.
        medication_id: item?.medication_id ?? null,
        unit: v.unit,
        active: v.active,
        price: v.price === "" ? null : v.price,
        price_valid_from: v.price === "" || v.price_valid_from === "" ? null : v.price_valid_from,
      }),
    onSuccess: (saved, v) => {
      const from = v.price_valid_from === "" ? (today ?? "") : v.price_valid_from;
      onSaved(saved, item === null, v.price === "" ? null : (saved.versions.find((x) => x.valid_from === from) ?? { price: v.price, valid_from: from }));
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, ITEM_FIELDS));
    },
  });
  // The retired category an entry still names stays selectable for it (Rust refuses a new choice of one).
  const taxChoices = choices.taxes.filter((c) => c.active || c.id === item?.tax_category_id);
  const doctorChoices = choices.doctors;
  const f = (name: keyof ItemValues) => `price-${name.replaceAll("_", "-")}`;
  const current = item ? versionOn(item.versions, today ?? "") : undefined;
  const later = item?.versions.filter((v) => v.valid_from > (today ?? "")) ?? [];

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
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-ink-800">{t("backoffice.prices.form.entry")}</legend>
        <TextField label={t("backoffice.prices.form.code")} hint={t("backoffice.prices.form.codeHint")} autoComplete="off" spellCheck={false} testId={f("code")} error={errors.code?.message} {...form.register("code")} />
        <TextField label={t("backoffice.prices.form.name")} className="sm:col-span-2" autoComplete="off" testId={f("name")} error={errors.name?.message} {...form.register("name")} />
        <SelectField label={t("backoffice.prices.form.kind")} testId={f("kind")} error={errors.kind?.message} {...form.register("kind")}>
          {PRICE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`backoffice.kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("backoffice.prices.form.tax")} testId={f("tax_category_id")} error={errors.tax_category_id?.message} {...form.register("tax_category_id")}>
          {taxChoices.map((c) => (
            <option key={c.id} value={c.id}>
              {t(c.active ? "backoffice.prices.form.taxOption" : "backoffice.prices.form.taxOptionRetired", { name: c.name, rate: c.rate })}
            </option>
          ))}
        </SelectField>
        <TextField label={t("backoffice.prices.form.unit")} optional hint={t("backoffice.prices.form.unitHint")} autoComplete="off" testId={f("unit")} error={errors.unit?.message} {...form.register("unit")} />
        {consultation ? (
          <>
            <SelectField label={t("backoffice.prices.form.visitType")} hint={t("backoffice.prices.form.visitTypeHint")} className="sm:col-span-1" testId={f("visit_type_id")} error={errors.visit_type_id?.message} {...form.register("visit_type_id")}>
              <option value="">{t("backoffice.prices.anyVisitType")}</option>
              {choices.visitTypes
                .filter((v) => v.active || v.id === item?.visit_type_id)
                .map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
            </SelectField>
            <SelectField label={t("backoffice.prices.form.doctor")} hint={t("backoffice.prices.form.doctorHint")} className="sm:col-span-2" testId={f("doctor_id")} error={errors.doctor_id?.message} {...form.register("doctor_id")}>
              <option value="">{t("backoffice.prices.anyDoctor")}</option>
              {doctorChoices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.full_name}
                </option>
              ))}
              {item?.doctor_id && !doctorChoices.some((d) => d.id === item.doctor_id) ? <option value={item.doctor_id}>{item.doctor_name ?? item.doctor_id}</option> : null}
            </SelectField>
          </>
        ) : null}
      </fieldset>
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-ink-800">{item ? t("backoffice.prices.form.newPrice") : t("backoffice.prices.form.price")}</legend>
        {item ? (
          <p className="text-sm text-ink-700 sm:col-span-3" data-testid="price-form-current">
            {current ? t("backoffice.prices.form.currentPrice", { price: format.money(current.price), date: format.calendarDate(current.valid_from) }) : t("backoffice.prices.form.noCurrentPrice")}
            {later.map((v) => (
              <span key={v.valid_from}> {t("backoffice.prices.form.laterPrice", { price: format.money(v.price), date: format.calendarDate(v.valid_from) })}</span>
            ))}
          </p>
        ) : null}
        <TextField
          label={item ? t("backoffice.prices.form.newPriceAmount", { currency: format.currency }) : t("backoffice.prices.form.priceAmount", { currency: format.currency })}
          optional={item !== null}
          hint={item ? t("backoffice.prices.form.newPriceHint") : t("backoffice.prices.form.priceHint")}
          inputMode="decimal"
          autoComplete="off"
          testId={f("price")}
          error={errors.price?.message}
          {...form.register("price")}
        />
        <TextField
          label={t("backoffice.prices.form.validFrom")}
          hint={t("backoffice.prices.form.validFromHint")}
          type="date"
          min={today ?? undefined}
          testId={f("price_valid_from")}
          error={errors.price_valid_from?.message}
          {...form.register("price_valid_from")}
        />
      </fieldset>
      {item ? <CheckboxField label={t("backoffice.prices.form.active")} testId={f("active")} error={errors.active?.message} {...form.register("active")} /> : null}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={save.isPending} data-testid="price-submit">
          {item ? t("common.save") : t("backoffice.prices.form.submitAdd")}
        </Button>
      </DialogActions>
    </Form>
  );
}

function TaxCategoriesPanel() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const taxes = useQuery({ ...commandQuery("list_tax_categories", {}), staleTime: 0 });
  const [editing, setEditing] = useState<TaxCategory | "new" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      {notice ? (
        <Banner tone="success" testId="tax-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      <Card className="max-w-3xl">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-ink-100 px-4 py-3">
          <p className="max-w-xl text-sm text-ink-600">{t("backoffice.tax.lead")}</p>
          <Button
            variant="primary"
            icon={<Plus aria-hidden="true" className="size-4" />}
            data-testid="tax-add"
            onClick={() => {
              setNotice(null);
              setEditing("new");
            }}
          >
            {t("backoffice.tax.add")}
          </Button>
        </div>
        <QueryList query={taxes} loadingLabel={t("backoffice.tax.loading")} isEmpty={(l) => l.length === 0} empty={<EmptyState title={t("backoffice.tax.empty")} />}>
          {(list) => (
            <table className="data-table" data-testid="tax-table">
              <caption className="sr-only">{t("backoffice.prices.tabTax")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("backoffice.tax.colName")}</th>
                  <th scope="col" className="text-right">
                    {t("backoffice.tax.colRate")}
                  </th>
                  <th scope="col">{t("backoffice.tax.colStatus")}</th>
                  <th scope="col" className="text-right">
                    <span className="sr-only">{t("backoffice.prices.colActions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.id} data-testid={`tax-row-${c.name}`} className={c.active ? undefined : "text-ink-600"}>
                    <td className="font-medium text-ink-900">
                      {c.name}
                      {c.id === "tax-standard" ? <span className="ml-2 font-normal text-ink-600">{t("backoffice.tax.isDefault")}</span> : null}
                    </td>
                    <td className="text-right tabular-nums">{t("backoffice.percent", { rate: c.rate })}</td>
                    <td>{c.active ? <Badge tone="ok">{t("backoffice.prices.active")}</Badge> : <Badge tone="neutral">{t("backoffice.tax.retired")}</Badge>}</td>
                    <td className="text-right">
                      <Button
                        size="xs"
                        variant="ghost"
                        icon={<Pencil aria-hidden="true" className="size-3.5" />}
                        aria-label={t("backoffice.prices.editFor", { name: c.name })}
                        data-testid={`tax-edit-${c.name}`}
                        onClick={() => {
                          setNotice(null);
                          setEditing(c);
                        }}
                      >
                        {t("backoffice.prices.edit")}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryList>
      </Card>
      <Dialog
        open={editing !== null}
        onClose={() => {
          setEditing(null);
        }}
        title={editing === null ? "" : editing === "new" ? t("backoffice.tax.addTitle") : t("backoffice.tax.editTitle", { name: editing.name })}
        size="sm"
        testId="tax-dialog"
      >
        {editing !== null ? (
          <TaxCategoryForm
            key={editing === "new" ? "new" : editing.id}
            category={editing === "new" ? null : editing}
            onClose={() => {
              setEditing(null);
            }}
            onSaved={(saved, added) => {
              setEditing(null);
              setNotice(t(added ? "backoffice.tax.added" : "backoffice.tax.saved", { name: saved.name, rate: saved.rate }));
              void backofficeWritten(queryClient, "taxCategories");
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}

const TAX_FIELDS = ["name", "rate", "active"] as const;

function TaxCategoryForm({ category, onClose, onSaved }: { category: TaxCategory | null; onClose: () => void; onSaved: (saved: TaxCategory, added: boolean) => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ name: requiredText(t, 60), rate: taxRateSchema(t), active: z.boolean() }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: category ? { name: category.name, rate: category.rate, active: category.active } : { name: "", rate: "", active: true } });
  const errors = form.formState.errors;
  const save = useMutation({
    mutationFn: (v: { name: string; rate: string; active: boolean }) => call("save_tax_category", { id: category?.id ?? null, ...v }),
    onSuccess: (saved) => {
      onSaved(saved, category === null);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, TAX_FIELDS));
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
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <TextField label={t("backoffice.tax.name")} autoComplete="off" testId="tax-name" error={errors.name?.message} {...form.register("name")} />
      <TextField
        label={t("backoffice.tax.rate")}
        hint={category?.id === "tax-standard" ? t("backoffice.tax.rateHintDefault") : t("backoffice.tax.rateHint")}
        inputMode="decimal"
        autoComplete="off"
        testId="tax-rate"
        error={errors.rate?.message}
        {...form.register("rate")}
      />
      {category ? <CheckboxField label={t("backoffice.tax.active")} testId="tax-active" error={errors.active?.message} {...form.register("active")} /> : null}
      {category ? <p className="text-sm text-ink-600">{t("backoffice.tax.editNote")}</p> : null}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={save.isPending} data-testid="tax-submit">
          {category ? t("common.save") : t("backoffice.tax.submitAdd")}
        </Button>
      </DialogActions>
    </Form>
  );
}
