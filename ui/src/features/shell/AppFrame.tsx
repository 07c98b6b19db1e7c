import { Lock, LogOut, Search } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Redirect, Route, Router, Switch, useLocation } from "wouter";
import { useQuery } from "@tanstack/react-query";
import { useLiveUpdates } from "../../api/live";
import { appStatusQuery } from "../../api/queries";
import { Button } from "../../components/Button";
import { cn } from "../../components/cn";
import { Logo } from "../../components/Logo";
import { ClinicFormatProvider } from "../../lib/format";
import { useSession, useSessionApi } from "../auth/session";
import { DisplayPage } from "../display/DisplayPage";
import { DISPLAY_PATH } from "../display/route";
import { registerBuiltinPaletteProviders } from "../palette/builtin";
import { registerPatientPaletteProvider } from "../patients/palette";
import { CommandPalette } from "../palette/CommandPalette";
import { StatusMenu } from "../staff/StatusMenu";
import { SyncStatusIndicator } from "../sync/SyncStatusIndicator";
import { NotAvailable } from "./NotAvailable";
import { ROUTES, allowedSections, sectionOf, type Section } from "./sections";

/**
 * The signed-in app: top bar, navigation from the user's permissions, and the sections; or the
 * waiting-room display, full screen without them (the kiosk account sees nothing else).
 */
export function AppFrame() {
  const session = useSession();
  useLiveUpdates();
  return (
    <Router hook={session.location.hook}>
      <ClinicFormatProvider>
        {session.user.role === "kiosk" ? (
          <DisplayPage />
        ) : (
          <Switch>
            <Route path={DISPLAY_PATH}>{session.permissions.has("display.view") ? <DisplayPage /> : <Redirect to="/" />}</Route>
            <Route>
              <Frame />
            </Route>
          </Switch>
        )}
      </ClinicFormatProvider>
    </Router>
  );
}

function Frame() {
  const { t } = useTranslation();
  const session = useSession();
  const api = useSessionApi();
  const status = useQuery(appStatusQuery());
  const [paletteOpen, setPaletteOpen] = useState(false);
  const sections = allowedSections(session.permissions);

  useEffect(() => registerBuiltinPaletteProviders(), []);
  useEffect(() => registerPatientPaletteProvider(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setPaletteOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, []);
  const closePalette = useCallback(() => {
    setPaletteOpen(false);
  }, []);

  return (
    <div data-testid="app-frame" className="flex h-screen min-h-0 flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        {t("app.skipToContent")}
      </a>
      <header className="flex h-14 shrink-0 items-center gap-4 border-b border-ink-200 bg-white px-4">
        {/* The clinic's name gives way first (truncated), then the search box: the right-hand controls keep their size. */}
        <div className="flex max-w-[24rem] min-w-0 items-center gap-2.5">
          <Logo className="size-7" />
          <span className="truncate font-semibold text-ink-900" data-testid="clinic-name">
            {status.data?.clinic_name ?? t("app.name")}
          </span>
        </div>
        <button
          type="button"
          onClick={() => {
            setPaletteOpen(true);
          }}
          className="flex h-9 max-w-sm min-w-40 flex-1 basis-0 items-center gap-2 rounded-md border border-ink-200 bg-ink-50 px-3 text-sm text-ink-600 hover:border-ink-300 hover:bg-white"
          data-testid="open-palette"
        >
          <Search aria-hidden="true" className="size-4" />
          <span className="flex-1 text-left">{t("frame.search")}</span>
          <kbd className="rounded border border-ink-200 bg-white px-1.5 py-0.5 font-sans text-xs text-ink-600">{t("frame.searchHint")}</kbd>
        </button>
        <div className="ml-auto flex shrink-0 items-center gap-2">
          <SyncStatusIndicator />
          {session.permissions.has("availability.set_own") ? <StatusMenu /> : null}
          <div className="mr-1 hidden shrink-0 text-right leading-tight whitespace-nowrap sm:block" data-testid="current-user">
            <div className="text-sm font-medium text-ink-900">{session.user.full_name}</div>
            <div className="text-xs text-ink-600">
              {t(`roles.${session.user.role}`)} · {session.user.username}
            </div>
          </div>
          <Button size="md" title={t("frame.lockNowHint")} data-testid="lock-now" icon={<Lock aria-hidden="true" className="size-4" />} onClick={api.lockNow}>
            {t("frame.lockNow")}
          </Button>
          <Button size="md" variant="ghost" data-testid="logout" icon={<LogOut aria-hidden="true" className="size-4" />} onClick={() => void api.signOut()}>
            {t("frame.logout")}
          </Button>
        </div>
      </header>
      <div className="flex min-h-0 flex-1">
        <SideNav sections={sections} />
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 overflow-y-auto px-6 py-6 2xl:px-10">
          <div className="mx-auto max-w-screen-2xl">
            <Switch>
              {ROUTES.map((r) => (
                <Route key={r.key} path={r.path}>
                  {r.permissions.every((p) => session.permissions.has(p)) ? <r.component /> : <NotAvailable />}
                </Route>
              ))}
              <Route>
                <Redirect to="/" />
              </Route>
            </Switch>
          </div>
        </main>
      </div>
      <CommandPalette open={paletteOpen} onClose={closePalette} />
    </div>
  );
}

function SideNav({ sections }: { sections: Section[] }) {
  const { t } = useTranslation();
  const [location] = useLocation();
  const current = sectionOf(location, sections);
  const groups: { id: Section["group"]; label: string | null }[] = [
    { id: "main", label: null },
    { id: "admin", label: t("nav.groupAdmin") },
    { id: "personal", label: null },
  ];
  return (
    <nav aria-label={t("frame.navLabel")} className="flex w-56 shrink-0 flex-col gap-1 overflow-y-auto border-r border-ink-200 bg-white px-3 py-4">
      {groups.map((group) => {
        const items = sections.filter((s) => s.group === group.id && s.nav !== false);
        if (items.length === 0) return null;
        return (
          <div key={group.id} className={cn("flex flex-col gap-0.5", group.id === "personal" && "mt-auto border-t border-ink-100 pt-3")}>
            {group.label ? <div className="px-3 pt-4 pb-1 text-xs font-semibold tracking-wide text-ink-500 uppercase">{group.label}</div> : null}
            {items.map((s) => {
              const active = s === current;
              return (
                <Link
                  key={s.id}
                  href={s.path}
                  data-testid={`nav-${s.id}`}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "flex h-10 items-center gap-3 rounded-md px-3 text-[0.9375rem] font-medium",
                    active ? "bg-accent-50 text-accent-800" : "text-ink-700 hover:bg-ink-100 hover:text-ink-900",
                  )}
                >
                  <s.icon aria-hidden="true" className={cn("size-[1.125rem]", active ? "text-accent-700" : "text-ink-500")} />
                  {t(`nav.${s.id}`)}
                </Link>
              );
            })}
          </div>
        );
      })}
    </nav>
  );
}
