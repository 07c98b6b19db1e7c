import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { WandSparkles } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Role, UserView } from "../../api/generated";
import { departmentsQuery, usersQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import { generateTemporaryPassword, optionalText, passwordContainsUsername, passwordSchema, requiredText, usernameSchema } from "../../lib/validation";
import { Form } from "../../components/Form";

export const ROLES: readonly Role[] = ["admin", "doctor", "nurse", "receptionist", "pharmacist", "accountant", "kiosk"];

const FIELDS = ["username", "full_name", "role", "password", "must_change_password", "specialization", "licence_number", "department"] as const;

/** Create a user (`create_user`) or edit one (`update_user`: the username never changes). */
export function UserFormDialog({ open, user, onClose, onDone }: { open: boolean; user: UserView | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={user ? t("users.form.editTitle", { username: user.username }) : t("users.form.createTitle")}
      size="md"
      testId="user-dialog"
    >
      <UserForm user={user} onClose={onClose} onDone={onDone} />
    </Dialog>
  );
}

function UserForm({ user, onClose, onDone }: { user: UserView | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const editing = user !== null;

  const schema = useMemo(
    () =>
      z
        .object({
          username: usernameSchema(t),
          full_name: requiredText(t, 200),
          role: z.enum(ROLES as [Role, ...Role[]], { error: t("validation.required") }),
          password: editing ? z.string() : passwordSchema(t),
          must_change_password: z.boolean(),
          specialization: optionalText(t, 120),
          licence_number: optionalText(t, 120),
          department: optionalText(t, 120),
        })
        .superRefine((v, ctx) => {
          if (!editing && passwordContainsUsername(v.password, v.username)) {
            ctx.addIssue({ code: "custom", path: ["password"], message: t("validation.passwordHasUsername") });
          }
        }),
    [t, editing],
  );
  type Values = z.input<typeof schema>;
  const form = useForm<Values, unknown, z.output<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: {
      username: user?.username ?? "",
      full_name: user?.full_name ?? "",
      role: user?.role ?? ("" as Role),
      password: "",
      must_change_password: true,
      specialization: user?.specialization ?? "",
      licence_number: user?.licence_number ?? "",
      department: user?.department ?? "",
    },
  });
  const { errors } = form.formState;
  const isDoctor = useWatch({ control: form.control, name: "role" }) === "doctor";
  // A department must be one of the clinic's active departments (Rust refuses anything else).
  const departments = useQuery(departmentsQuery());
  const current = user?.department ?? "";
  const departmentChoices = useMemo(() => {
    const names = (departments.data ?? []).map((d) => ({ value: d.name, label: d.name }));
    if (current !== "" && !names.some((d) => d.value.toLowerCase() === current.toLowerCase())) {
      names.push({ value: current, label: t("users.form.departmentInactive", { name: current }) });
    }
    return names;
  }, [departments.data, current, t]);

  const save = useMutation({
    mutationFn: (v: z.output<typeof schema>) => {
      // Only doctors carry a specialization and licence number (Rust refuses them otherwise).
      const doctor = v.role === "doctor";
      if (editing) {
        return call("update_user", {
          username: v.username,
          full_name: v.full_name,
          role: v.role,
          specialization: doctor ? v.specialization : "",
          licence_number: doctor ? v.licence_number : "",
          // Unchanged, it is left out: an account may stay in a department deactivated since.
          department: v.department === current ? null : v.department,
        });
      }
      return call("create_user", {
        username: v.username,
        full_name: v.full_name,
        role: v.role,
        password: v.password,
        must_change_password: v.must_change_password,
        specialization: doctor && v.specialization !== "" ? v.specialization : null,
        licence_number: doctor && v.licence_number !== "" ? v.licence_number : null,
        department: v.department !== "" ? v.department : null,
      });
    },
    onSuccess: async (saved) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: usersQuery().queryKey }),
        // Staff counts per department and the staff list follow accounts.
        queryClient.invalidateQueries({ queryKey: ["list_departments"] }),
        queryClient.invalidateQueries({ queryKey: ["list_staff"] }),
      ]);
      onDone(editing ? t("users.form.updated", { username: saved.username }) : t("users.form.created", { username: saved.username }));
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
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t("users.form.username")}
          hint={editing ? undefined : t("users.form.usernameHint")}
          autoCapitalize="off"
          spellCheck={false}
          autoComplete="off"
          readOnly={editing}
          testId="user-username"
          error={errors.username?.message}
          {...form.register("username")}
        />
        <TextField label={t("users.form.fullName")} autoComplete="off" testId="user-full-name" error={errors.full_name?.message} {...form.register("full_name")} />
        <SelectField label={t("users.form.role")} testId="user-role" error={errors.role?.message} {...form.register("role")}>
          <option value="" disabled>
            —
          </option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("users.form.department")}
          optional
          hint={departments.isSuccess && departments.data.length === 0 ? t("users.form.departmentNone") : undefined}
          disabled={departments.isPending}
          testId="user-department"
          error={errors.department?.message ?? (departments.isError ? errorMessage(departments.error) : undefined)}
          {...form.register("department")}
        >
          <option value="">{departments.isPending ? t("common.loading") : t("users.form.noDepartment")}</option>
          {departmentChoices.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </SelectField>
      </div>
      {isDoctor ? (
        <fieldset className="grid gap-4 rounded-md border border-ink-200 px-4 pt-2 pb-4 sm:grid-cols-2">
          <legend className="px-1 text-sm font-semibold text-ink-700">{t("users.form.doctorFields")}</legend>
          <TextField label={t("users.form.specialization")} optional autoComplete="off" testId="user-specialization" error={errors.specialization?.message} {...form.register("specialization")} />
          <TextField label={t("users.form.licenceNumber")} optional autoComplete="off" testId="user-licence-number" error={errors.licence_number?.message} {...form.register("licence_number")} />
        </fieldset>
      ) : null}
      {editing ? null : (
        <div className="flex flex-col gap-3 rounded-md bg-ink-50 px-4 py-4">
          <div className="flex items-start gap-2">
            <TextField
              className="flex-1"
              label={t("users.form.password")}
              hint={t("users.form.passwordHint")}
              autoComplete="new-password"
              spellCheck={false}
              testId="user-password"
              error={errors.password?.message}
              {...form.register("password")}
            />
            <Button
              className="mt-[1.625rem]"
              icon={<WandSparkles aria-hidden="true" className="size-4" />}
              onClick={() => {
                form.setValue("password", generateTemporaryPassword(), { shouldValidate: true });
              }}
              data-testid="user-generate-password"
            >
              {t("common.generate")}
            </Button>
          </div>
          <CheckboxField label={t("users.form.mustChange")} testId="user-must-change" error={errors.must_change_password?.message} {...form.register("must_change_password")} />
        </div>
      )}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={save.isPending} data-testid="user-submit">
          {editing ? t("users.form.submitEdit") : t("users.form.submitCreate")}
        </Button>
      </DialogActions>
    </Form>
  );
}
