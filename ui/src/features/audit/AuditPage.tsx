import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { AuditRecord, Role } from "../../api/generated";
import { Badge, type Tone } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";

const PAGE = 100;
const ROLES: readonly string[] = ["admin", "doctor", "nurse", "receptionist", "pharmacist", "accountant", "kiosk"] satisfies Role[];
const isRole = (value: string): value is Role => ROLES.includes(value);
const outcomeTone: Record<string, Tone> = { ok: "ok", denied: "danger", failed: "warn" };

/** `list_audit`, newest first, paged backwards by sequence number. */
export function AuditPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const audit = useInfiniteQuery({
    queryKey: ["list_audit", "pages"],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) => call("list_audit", { before_seq: pageParam, limit: PAGE }),
    getNextPageParam: (last: AuditRecord[]) => (last.length < PAGE ? undefined : (last[last.length - 1]?.seq ?? undefined)),
    staleTime: 0,
  });
  const rows = audit.data?.pages.flat() ?? [];
  const roleLabel = (role: string) => (isRole(role) ? t(`roles.${role}`) : role);

  return (
    <>
      <PageHeader title={t("audit.title")} lead={t("audit.lead")} />
      <Card className="overflow-hidden">
        {audit.isPending ? (
          <LoadingState label={t("audit.loading")} />
        ) : audit.isError ? (
          <div className="p-4">
            <Banner tone="error" testId="form-error">{errorMessage(audit.error)}</Banner>
          </div>
        ) : rows.length === 0 ? (
          <EmptyState title={t("audit.empty")} />
        ) : (
          <div className="overflow-x-auto">
            <table className="data-table" data-testid="audit-table">
              <caption className="sr-only">{t("audit.tableCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col" className="text-right">{t("audit.colSeq")}</th>
                  <th scope="col">{t("audit.colAt")}</th>
                  <th scope="col">{t("audit.colActor")}</th>
                  <th scope="col">{t("audit.colAction")}</th>
                  <th scope="col">{t("audit.colOutcome")}</th>
                  <th scope="col">{t("audit.colRecord")}</th>
                  <th scope="col">{t("audit.colDetail")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid={`audit-row-${r.seq}`}>
                    <td className="text-right font-mono text-xs text-ink-500 tabular-nums">{r.seq}</td>
                    <td className="whitespace-nowrap tabular-nums">{format.dateTimeSeconds(r.at)}</td>
                    <td className="whitespace-nowrap">
                      {r.actor_name}
                      {r.actor_role ? <span className="ml-1 text-xs text-ink-500">({roleLabel(r.actor_role)})</span> : null}
                    </td>
                    <td className="font-mono text-[0.8125rem] whitespace-nowrap">{r.action}</td>
                    <td>
                      <Badge tone={outcomeTone[r.outcome] ?? "neutral"}>
                        {r.outcome === "ok" || r.outcome === "denied" || r.outcome === "failed" ? t(`audit.outcome.${r.outcome}`) : r.outcome}
                      </Badge>
                    </td>
                    <td className="font-mono text-xs whitespace-nowrap text-ink-600">{r.record_table ? `${r.record_table}:${(r.record_id ?? "").slice(-8)}` : t("common.none")}</td>
                    <td className="max-w-md truncate text-ink-700" title={r.detail}>{r.detail || t("common.none")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {rows.length > 0 ? (
        <div className="mt-3 flex items-center justify-center">
          {audit.hasNextPage ? (
            <Button busy={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()} data-testid="audit-more">
              {t("audit.loadMore")}
            </Button>
          ) : (
            <p className="text-sm text-ink-600">{t("audit.end")}</p>
          )}
        </div>
      ) : null}
    </>
  );
}
