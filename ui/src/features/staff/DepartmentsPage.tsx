// Departments (administrators): list (inactive ones too), create, rename or describe, and
// deactivate or reactivate after confirmation. Departments are never deleted; staff follow a rename.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Power, PowerOff } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Department } from "../../api/generated";
import { departmentsQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog, DialogActions } from "../../components/Dialog";
import { TextAreaField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState } from "../../components/States";
import { QueryList } from "../../components/QueryList";
import { optionalText, requiredText } from "../../lib/validation";

type Editing = { kind: "create" } | { kind: "edit"; department: Department } | null;

/** Departments name staff (users, the staff list): a change shows everywhere. */
export async function departmentsChanged(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ["list_departments"] }),
    queryClient.invalidateQueries({ queryKey: ["list_users"] }),
    queryClient.invalidateQueries({ queryKey: ["list_staff"] }),
  ]);
}

export function DepartmentsPage() {
  const { t } = useTranslation();
  const departments = useQuery({ ...departmentsQuery(true), staleTime: 0 });
  const [editing, setEditing] = useState<Editing>(null);
  const [toggling, setToggling] = useState<Department | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (message: string) => {
    setEditing(null);
    setToggling(null);
    setNotice(message);
  };

  return (
    <>
      <PageHeader
        title={t("nav.departments")}
        lead={t("departments.lead")}
        actions={
          <Button
            variant="primary"
            size="lg"
            data-testid="department-create"
            icon={<Plus aria-hidden="true" className="size-5" />}
            onClick={() => {
              setNotice(null);
              setEditing({ kind: "create" });
            }}
          >
            {t("departments.create")}
          </Button>
        }
      />
      {notice ? (
        <Banner tone="success" testId="departments-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      <Card className="overflow-hidden">
        <QueryList
          query={departments}
          loadingLabel={t("departments.loading")}
          isEmpty={(data) => data.length === 0}
          empty={<EmptyState title={t("departments.empty")}>{t("departments.emptyHint")}</EmptyState>}
        >
          {(data) => (
          <div className="overflow-x-auto">
            <table className="data-table" data-testid="departments-table">
              <caption className="sr-only">{t("nav.departments")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("departments.colName")}</th>
                  <th scope="col">{t("departments.colDescription")}</th>
                  <th scope="col" className="text-right">{t("departments.colStaff")}</th>
                  <th scope="col">{t("departments.colStatus")}</th>
                  <th scope="col" className="text-right">
                    <span className="sr-only">{t("users.colActions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.map((d) => (
                  <tr key={d.id} data-testid={`department-row-${d.name}`} className={d.active ? undefined : "text-ink-500"}>
                    <td className="font-medium text-ink-900">{d.name}</td>
                    <td className="max-w-md truncate" title={d.description}>{d.description || <span className="text-ink-500">{t("common.none")}</span>}</td>
                    <td className="text-right tabular-nums">{d.staff_count}</td>
                    <td>{d.active ? <Badge tone="ok">{t("departments.active")}</Badge> : <Badge tone="neutral">{t("departments.inactive")}</Badge>}</td>
                    <td className="text-right">
                      <div className="flex justify-end gap-1" role="group" aria-label={t("departments.actionsFor", { name: d.name })}>
                        <Button size="xs" variant="ghost" data-testid={`department-edit-${d.name}`} icon={<Pencil aria-hidden="true" className="size-3.5" />} onClick={() => { setNotice(null); setEditing({ kind: "edit", department: d }); }}>
                          {t("departments.actionEdit")}
                        </Button>
                        {d.active ? (
                          <Button size="xs" variant="ghost" className="text-danger-700 hover:bg-danger-50" data-testid={`department-toggle-${d.name}`} icon={<PowerOff aria-hidden="true" className="size-3.5" />} onClick={() => { setNotice(null); setToggling(d); }}>
                            {t("departments.actionDeactivate")}
                          </Button>
                        ) : (
                          <Button size="xs" variant="ghost" data-testid={`department-toggle-${d.name}`} icon={<Power aria-hidden="true" className="size-3.5" />} onClick={() => { setNotice(null); setToggling(d); }}>
                            {t("departments.actionReactivate")}
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          )}
        </QueryList>
      </Card>
      <DepartmentDialog
        editing={editing}
        onClose={() => {
          setEditing(null);
        }}
        onDone={done}
      />
      <ToggleDepartment
        department={toggling}
        onClose={() => {
          setToggling(null);
        }}
        onDone={done}
      />
    </>
  );
}

const FIELDS = ["name", "description"] as const;

function DepartmentDialog({ editing, onClose, onDone }: { editing: Editing; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const department = editing?.kind === "edit" ? editing.department : null;
  return (
    <Dialog
      open={editing !== null}
      onClose={onClose}
      title={department ? t("departments.editTitle", { name: department.name }) : t("departments.createTitle")}
      description={department ? t("departments.editLead") : undefined}
      size="md"
      testId="department-dialog"
    >
      {editing ? <DepartmentForm department={department} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function DepartmentForm({ department, onClose, onDone }: { department: Department | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ name: requiredText(t, 100), description: optionalText(t, 500) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { name: department?.name ?? "", description: department?.description ?? "" } });
  const { errors } = form.formState;
  const save = useMutation({
    mutationFn: (v: z.output<typeof schema>) =>
      department ? call("update_department", { id: department.id, name: v.name, description: v.description, active: department.active }) : call("create_department", v),
    onSuccess: async (saved) => {
      await departmentsChanged(queryClient);
      onDone(department ? t("departments.updated", { name: saved.name }) : t("departments.created", { name: saved.name }));
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
      }}
      submit={form.handleSubmit((v) => {
        save.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <TextField label={t("departments.name")} hint={department && department.staff_count > 0 ? t("departments.renameHint", { count: department.staff_count }) : undefined} autoComplete="off" testId="department-name" error={errors.name?.message} {...form.register("name")} />
      <TextAreaField label={t("departments.description")} optional rows={2} testId="department-description" error={errors.description?.message} {...form.register("description")} />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={save.isPending} data-testid="department-submit">
          {department ? t("common.save") : t("departments.submitCreate")}
        </Button>
      </DialogActions>
    </Form>
  );
}

function ToggleDepartment({ department, onClose, onDone }: { department: Department | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (d: Department) => call("update_department", { id: d.id, name: d.name, description: d.description, active: !d.active }),
    onSuccess: async (saved) => {
      await departmentsChanged(queryClient);
      onDone(saved.active ? t("departments.reactivated", { name: saved.name }) : t("departments.deactivated", { name: saved.name }));
    },
  });
  const deactivate = department?.active ?? true;
  return (
    <ConfirmDialog
      open={department !== null}
      title={department ? (deactivate ? t("departments.deactivateTitle", { name: department.name }) : t("departments.reactivateTitle", { name: department.name })) : ""}
      body={
        department
          ? deactivate
            ? t("departments.deactivateBody", { count: department.staff_count })
            : t("departments.reactivateBody")
          : ""
      }
      confirmLabel={deactivate ? t("departments.actionDeactivate") : t("departments.actionReactivate")}
      tone={deactivate ? "danger" : "primary"}
      busy={mutation.isPending}
      error={mutation.isError ? errorMessage(mutation.error) : null}
      onConfirm={() => {
        if (department) mutation.mutate(department);
      }}
      onClose={() => {
        mutation.reset();
        onClose();
      }}
    />
  );
}
