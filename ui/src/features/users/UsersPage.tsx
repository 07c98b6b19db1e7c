import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil, KeyRound, UserCheck, UserPlus, UserX } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { UserView } from "../../api/generated";
import { usersQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState } from "../../components/States";
import { QueryList } from "../../components/QueryList";
import { useFormat } from "../../lib/format";
import { useSession } from "../auth/session";
import { ResetPasswordDialog } from "./ResetPasswordDialog";
import { UserFormDialog } from "./UserFormDialog";

type Editing = { kind: "create" } | { kind: "edit"; user: UserView } | null;
type Toggle = { user: UserView; enable: boolean } | null;

export function UsersPage() {
  const { t } = useTranslation();
  const users = useQuery({ ...usersQuery(), staleTime: 0 });
  const [editing, setEditing] = useState<Editing>(null);
  const [resetting, setResetting] = useState<UserView | null>(null);
  const [toggling, setToggling] = useState<Toggle>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const done = (message: string) => {
    setEditing(null);
    setResetting(null);
    setToggling(null);
    setNotice(message);
  };

  return (
    <>
      <PageHeader
        title={t("nav.users")}
        lead={t("users.lead")}
        actions={
          <Button
            variant="primary"
            size="lg"
            data-testid="user-create"
            icon={<UserPlus aria-hidden="true" className="size-5" />}
            onClick={() => {
              setNotice(null);
              setEditing({ kind: "create" });
            }}
          >
            {t("users.create")}
          </Button>
        }
      />
      {notice ? (
        <Banner tone="success" testId="users-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      <Card className="overflow-hidden">
        <QueryList
          query={users}
          loadingLabel={t("users.loading")}
          isEmpty={(data) => data.length === 0}
          empty={<EmptyState title={t("users.empty")} />}
        >
          {(data) => (
          <UsersTable
            users={data}
            onEdit={(user) => {
              setNotice(null);
              setEditing({ kind: "edit", user });
            }}
            onReset={(user) => {
              setNotice(null);
              setResetting(user);
            }}
            onToggle={(user) => {
              setNotice(null);
              setToggling({ user, enable: !user.active });
            }}
          />
          )}
        </QueryList>
      </Card>
      {users.data && users.data.length > 0 ? <p className="mt-2 text-sm text-ink-600">{t("users.count", { count: users.data.length })}</p> : null}
      <UserFormDialog
        open={editing !== null}
        user={editing?.kind === "edit" ? editing.user : null}
        onClose={() => {
          setEditing(null);
        }}
        onDone={done}
      />
      <ResetPasswordDialog
        user={resetting}
        onClose={() => {
          setResetting(null);
        }}
        onDone={done}
      />
      <ToggleDialog
        toggle={toggling}
        onClose={() => {
          setToggling(null);
        }}
        onDone={done}
      />
    </>
  );
}

function UsersTable({ users, onEdit, onReset, onToggle }: { users: UserView[]; onEdit: (u: UserView) => void; onReset: (u: UserView) => void; onToggle: (u: UserView) => void }) {
  const { t } = useTranslation();
  const me = useSession().user;
  const format = useFormat();
  const none = <span className="text-ink-500">{t("common.none")}</span>;
  return (
    <div className="overflow-x-auto">
      <table className="data-table" data-testid="users-table">
        <caption className="sr-only">{t("users.tableCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("users.colUsername")}</th>
            <th scope="col">{t("users.colFullName")}</th>
            <th scope="col">{t("users.colRole")}</th>
            <th scope="col">{t("users.colStatus")}</th>
            <th scope="col">{t("users.colSpecialization")}</th>
            <th scope="col">{t("users.colLicence")}</th>
            <th scope="col">{t("users.colDepartment")}</th>
            <th scope="col" className="text-right">
              <span className="sr-only">{t("users.colActions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const locked = u.locked_until !== null && new Date(u.locked_until) > new Date();
            const isMe = u.id === me.id;
            return (
              <tr key={u.id} data-testid={`user-row-${u.username}`} className={u.active ? undefined : "text-ink-500"}>
                <td className="font-mono font-medium text-ink-900">
                  {u.username}
                  {isMe ? <span className="ml-1.5 font-sans text-xs font-normal text-ink-500">({t("users.you")})</span> : null}
                </td>
                <td>{u.full_name}</td>
                <td>{t(`roles.${u.role}`)}</td>
                <td>
                  <div className="flex flex-wrap gap-1">
                    {!u.active ? (
                      <Badge tone="neutral">{t("users.statusDisabled")}</Badge>
                    ) : locked && u.locked_until ? (
                      <Badge tone="warn">{t("users.statusLocked", { time: format.dateTime(u.locked_until) })}</Badge>
                    ) : (
                      <Badge tone="ok">{t("users.statusActive")}</Badge>
                    )}
                    {u.active && u.must_change_password ? <Badge tone="info">{t("users.statusMustChange")}</Badge> : null}
                  </div>
                </td>
                <td>{u.specialization ?? none}</td>
                <td>{u.licence_number ?? none}</td>
                <td>{u.department ?? none}</td>
                <td className="text-right">
                  <div className="flex justify-end gap-1" role="group" aria-label={t("users.actionsFor", { username: u.username })}>
                    <Button size="xs" variant="ghost" data-testid={`user-edit-${u.username}`} icon={<Pencil aria-hidden="true" className="size-3.5" />} onClick={() => { onEdit(u); }} title={t("users.actionEdit")}>
                      <span className="sr-only 2xl:not-sr-only">{t("users.actionEdit")}</span>
                    </Button>
                    <Button size="xs" variant="ghost" data-testid={`user-reset-${u.username}`} icon={<KeyRound aria-hidden="true" className="size-3.5" />} onClick={() => { onReset(u); }} title={t("users.actionReset")}>
                      <span className="sr-only 2xl:not-sr-only">{t("users.actionReset")}</span>
                    </Button>
                    {u.active ? (
                      <Button
                        size="xs"
                        variant="ghost"
                        className="text-danger-700 hover:bg-danger-50"
                        data-testid={`user-disable-${u.username}`}
                        icon={<UserX aria-hidden="true" className="size-3.5" />}
                        // Rust refuses it too; the button stays (disabled) so the columns line up.
                        disabled={isMe}
                        onClick={() => { onToggle(u); }}
                        title={isMe ? t("users.cannotDisableSelf") : t("users.actionDisable")}
                      >
                        <span className="sr-only 2xl:not-sr-only">{t("users.actionDisable")}</span>
                      </Button>
                    ) : (
                      <Button size="xs" variant="ghost" data-testid={`user-enable-${u.username}`} icon={<UserCheck aria-hidden="true" className="size-3.5" />} onClick={() => { onToggle(u); }} title={t("users.actionEnable")}>
                        <span className="sr-only 2xl:not-sr-only">{t("users.actionEnable")}</span>
                      </Button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ToggleDialog({ toggle, onClose, onDone }: { toggle: Toggle; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (v: { username: string; enable: boolean }) => call(v.enable ? "enable_user" : "disable_user", { username: v.username }),
    onSuccess: async (user, v) => {
      await queryClient.invalidateQueries({ queryKey: usersQuery().queryKey });
      onDone(v.enable ? t("users.enable.done", { username: user.username }) : t("users.disable.done", { username: user.username }));
    },
  });
  const user = toggle?.user;
  const enable = toggle?.enable ?? false;
  const texts = enable ? "enable" : "disable";
  return (
    <ConfirmDialog
      open={toggle !== null}
      title={user ? t(`users.${texts}.title`, { username: user.username }) : ""}
      body={user ? t(`users.${texts}.body`, { name: user.full_name }) : ""}
      confirmLabel={t(`users.${texts}.confirm`)}
      tone={enable ? "primary" : "danger"}
      busy={mutation.isPending}
      error={mutation.isError ? errorMessage(mutation.error) : null}
      onConfirm={() => {
        if (user) mutation.mutate({ username: user.username, enable });
      }}
      onClose={() => {
        mutation.reset();
        onClose();
      }}
    />
  );
}
