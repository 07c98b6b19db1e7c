import { ArrowRight, CalendarClock, Keyboard } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import type { Role } from "../../api/generated";
import { Card, CardSection } from "../../components/Card";
import { PageHeader } from "../../components/PageHeader";
import { useFormat } from "../../lib/format";
import { useSession } from "../auth/session";

type NowKey = "today" | "workingHours" | "patients" | "registerPatient" | "consultations" | "consultationsRead" | "staff" | "availability" | "users" | "departments" | "mergePatients" | "settings" | "sync" | "audit" | "account" | "lock";

/**
 * Each role lands on its own page. It says plainly what works today and what comes later:
 * no sample numbers and no placeholder charts.
 */
export function HomePage() {
  const { t } = useTranslation();
  const { user, permissions } = useSession();
  const format = useFormat();
  const role: Role = user.role;

  const now: { key: NowKey; href?: string }[] = [];
  if (permissions.has("schedule.read")) now.push({ key: "today", href: "/today" });
  if (permissions.has("patients.read")) now.push({ key: "patients", href: "/patients" });
  if (permissions.has("patients.write")) now.push({ key: "registerPatient", href: "/patients/new" });
  if (permissions.has("clinical.write")) now.push({ key: "consultations", href: "/today" });
  else if (permissions.has("clinical.read")) now.push({ key: "consultationsRead", href: "/today" });
  now.push({ key: "staff", href: "/staff" });
  if (permissions.has("availability.set_own")) now.push({ key: "availability", href: "/staff" });
  if (permissions.has("schedule.write")) now.push({ key: "workingHours", href: "/availability" });
  if (permissions.has("users.manage")) now.push({ key: "users", href: "/users" }, { key: "departments", href: "/departments" });
  if (permissions.has("patients.merge")) now.push({ key: "mergePatients", href: "/patients/merge" });
  if (permissions.has("settings.manage")) now.push({ key: "settings", href: "/settings" });
  if (permissions.has("sync.manage")) now.push({ key: "sync", href: "/settings/sync" });
  if (permissions.has("audit.view")) now.push({ key: "audit", href: "/audit" });
  now.push({ key: "account", href: "/account" }, { key: "lock" });

  const later = t(`home.later.${role}`, { returnObjects: true });

  return (
    <>
      <PageHeader testId="home-title" title={t(`home.title.${role}`)} lead={t("home.greeting", { name: user.full_name })} />
      <p className="-mt-2 mb-6 flex items-center gap-2 text-[0.9375rem] text-ink-600">
        <CalendarClock aria-hidden="true" className="size-4 text-ink-500" />
        {t("home.today", { date: format.longDate(new Date()) })}
      </p>
      <div className="grid gap-5 lg:grid-cols-2">
        <Card>
          <CardSection title={t("home.availableTitle")}>
            <ul className="flex flex-col divide-y divide-ink-100">
              {now.map((item) => (
                <li key={item.key} className="py-2.5 first:pt-0 last:pb-0">
                  {item.href ? (
                    <Link href={item.href} className="group flex items-center justify-between gap-3 rounded text-[0.9375rem] font-medium text-accent-700 hover:text-accent-900">
                      {t(`home.now.${item.key}`)}
                      <ArrowRight aria-hidden="true" className="size-4 shrink-0 opacity-60 group-hover:opacity-100" />
                    </Link>
                  ) : (
                    <span className="text-[0.9375rem] text-ink-800">{t(`home.now.${item.key}`)}</span>
                  )}
                </li>
              ))}
            </ul>
          </CardSection>
        </Card>
        <Card>
          <CardSection title={t("home.laterTitle")} description={t("home.laterLead")}>
            <ul className="flex list-disc flex-col gap-1.5 pl-5 text-[0.9375rem] text-ink-700 marker:text-ink-400">
              {later.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </CardSection>
        </Card>
        <Card className="lg:col-span-2">
          <CardSection>
            <div className="flex flex-wrap items-center gap-x-8 gap-y-2 text-[0.9375rem] text-ink-700">
              <span className="flex items-center gap-2 font-semibold text-ink-900">
                <Keyboard aria-hidden="true" className="size-4.5 text-ink-500" />
                {t("home.shortcutsTitle")}
              </span>
              <span>
                <kbd className="kbd">Ctrl</kbd> + <kbd className="kbd">K</kbd> {t("home.shortcutPalette")}
              </span>
              <span>
                <kbd className="kbd">Ctrl</kbd> + <kbd className="kbd">L</kbd> {t("home.shortcutLock")}
              </span>
            </div>
          </CardSection>
        </Card>
      </div>
    </>
  );
}
