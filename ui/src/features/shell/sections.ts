// The app's sections: one list feeds the navigation, the routes and the command palette.
// A section the role lacks is left out of the navigation and its route says so (Rust refuses
// the commands anyway). A section may own further routes (a chart, a form), each with the
// permission it needs on top of the section's.
import type { LucideIcon } from "lucide-react";
import { Banknote, Building2, CalendarClock, CalendarDays, ChartColumn, ClipboardList, GitMerge, HandCoins, House, Info, KeyRound, Network, Pill, ReceiptText, RefreshCw, ScrollText, Stethoscope, Tags, TriangleAlert, UserRound, Users } from "lucide-react";
import type { ComponentType } from "react";
import type { Permission } from "../../api/generated";
import { AboutPage } from "../about/AboutPage";
import { ChangePasswordPage } from "../account/ChangePasswordPage";
import { AuditPage } from "../audit/AuditPage";
import { AvailabilityPage } from "../availability/AvailabilityPage";
import { ClosingPage } from "../billing/ClosingPage";
import { InvoicePage } from "../billing/InvoicePage";
import { InvoicesPage } from "../billing/InvoicesPage";
import { OutstandingPage } from "../billing/OutstandingPage";
import { PriceListPage } from "../billing/PriceListPage";
import { RevenueReportPage } from "../billing/RevenueReportPage";
import { HomePage } from "../home/HomePage";
import { MergePatientsPage } from "../patients/MergePatientsPage";
import { PatientChartPage } from "../patients/PatientChartPage";
import { EditPatientPage, NewPatientPage } from "../patients/PatientForm";
import { PatientsPage } from "../patients/PatientsPage";
import { CatalogPage } from "../prescriptions/CatalogPage";
import { ConsultationPage } from "../records/ConsultationPage";
import { TodayPage } from "../reception/TodayPage";
import { CalendarRoute } from "../scheduling/CalendarRoute";
import { ClinicSettingsPage } from "../settings/ClinicSettingsPage";
import { DepartmentsPage } from "../staff/DepartmentsPage";
import { StaffPage } from "../staff/StaffPage";
import { ConflictsPage } from "../sync/ConflictsPage";
import { SyncSettingsPage } from "../sync/SyncSettingsPage";
import { UsersPage } from "../users/UsersPage";

export type SectionId = "home" | "today" | "calendar" | "availability" | "patients" | "staff" | "users" | "departments" | "merge" | "settings" | "medications" | "audit" | "account" | "about" | "prices" | "outstanding" | "closing" | "revenue" | "invoices" | "sync" | "conflicts";

export interface SubRoute {
  /** A wouter pattern, e.g. `/patients/:id`. */
  path: string;
  /** Needed besides the section's own permission (null: nothing more). */
  permission: Permission | null;
  component: ComponentType;
}

export interface Section {
  id: SectionId;
  path: string;
  /** null: everyone signed in. */
  permission: Permission | null;
  group: "main" | "admin" | "personal";
  icon: LucideIcon;
  component: ComponentType;
  routes?: readonly SubRoute[];
  /** false: a route and a palette entry, but no navigation item (reached from elsewhere, e.g. the header). */
  nav?: boolean;
}

export const SECTIONS: readonly Section[] = [
  { id: "home", path: "/", permission: null, group: "main", icon: House, component: HomePage },
  { id: "today", path: "/today", permission: "schedule.read", group: "main", icon: ClipboardList, component: TodayPage },
  { id: "calendar", path: "/calendar", permission: "schedule.read", group: "main", icon: CalendarDays, component: CalendarRoute },
  {
    id: "patients",
    path: "/patients",
    permission: "patients.read",
    group: "main",
    icon: UserRound,
    component: PatientsPage,
    routes: [
      { path: "/patients/new", permission: "patients.write", component: NewPatientPage },
      { path: "/patients/:id/edit", permission: "patients.write", component: EditPatientPage },
      // A consultation belongs to the patient's record; reception (no clinical.read) is told it is not for its role.
      { path: "/patients/:patientId/encounters/:id", permission: "clinical.read", component: ConsultationPage },
      { path: "/patients/:id", permission: null, component: PatientChartPage },
    ],
  },
  { id: "staff", path: "/staff", permission: null, group: "main", icon: Stethoscope, component: StaffPage },
  { id: "availability", path: "/availability", permission: "schedule.write", group: "main", icon: CalendarClock, component: AvailabilityPage },
  {
    id: "invoices",
    path: "/billing",
    permission: "billing.read",
    group: "main",
    icon: ReceiptText,
    component: InvoicesPage,
    routes: [{ path: "/billing/invoices/:id", permission: null, component: InvoicePage }],
  },
  { id: "outstanding", path: "/billing/outstanding", permission: "billing.read", group: "main", icon: HandCoins, component: OutstandingPage },
  { id: "closing", path: "/billing/closing", permission: "billing.write", group: "main", icon: Banknote, component: ClosingPage },
  { id: "revenue", path: "/billing/reports", permission: "reports.finance", group: "main", icon: ChartColumn, component: RevenueReportPage },
  { id: "prices", path: "/billing/prices", permission: "pricelist.manage", group: "main", icon: Tags, component: PriceListPage },
  { id: "users", path: "/users", permission: "users.manage", group: "admin", icon: Users, component: UsersPage },
  { id: "departments", path: "/departments", permission: "users.manage", group: "admin", icon: Network, component: DepartmentsPage },
  // The sync indicator's conflicts badge opens it (no navigation item: most clinics never have one).
  { id: "conflicts", path: "/sync/conflicts", permission: "schedule.read", group: "main", icon: TriangleAlert, component: ConflictsPage, nav: false },
  {
    id: "merge",
    path: "/patients/merge",
    permission: "patients.merge",
    group: "admin",
    icon: GitMerge,
    component: MergePatientsPage,
    // A possible duplicate found by sync opens the merge with both records chosen.
    routes: [{ path: "/patients/merge/:survivor/:duplicate", permission: null, component: MergePatientsPage }],
  },
  { id: "settings", path: "/settings", permission: "settings.manage", group: "admin", icon: Building2, component: ClinicSettingsPage },
  { id: "sync", path: "/settings/sync", permission: "sync.manage", group: "admin", icon: RefreshCw, component: SyncSettingsPage },
  { id: "medications", path: "/medications", permission: "settings.manage", group: "admin", icon: Pill, component: CatalogPage },
  { id: "audit", path: "/audit", permission: "audit.view", group: "admin", icon: ScrollText, component: AuditPage },
  { id: "account", path: "/account", permission: null, group: "personal", icon: KeyRound, component: ChangePasswordPage },
  { id: "about", path: "/about", permission: null, group: "personal", icon: Info, component: AboutPage },
];

export function allowedSections(permissions: ReadonlySet<Permission>): Section[] {
  return SECTIONS.filter((s) => s.permission === null || permissions.has(s.permission));
}

export interface AppRoute {
  key: string;
  path: string;
  /** Every permission the route needs. */
  permissions: readonly Permission[];
  component: ComponentType;
}

/** Every route, fixed paths before patterns (`/patients/merge` and `/patients/new` before `/patients/:id`). */
export const ROUTES: readonly AppRoute[] = SECTIONS.flatMap((s) => {
  const own = s.permission === null ? [] : [s.permission];
  return [
    { key: s.id, path: s.path, permissions: own, component: s.component },
    ...(s.routes ?? []).map((r) => ({ key: `${s.id}:${r.path}`, path: r.path, permissions: r.permission === null ? own : [...own, r.permission], component: r.component })),
  ];
}).sort((a, b) => Number(a.path.includes(":")) - Number(b.path.includes(":")));

/** The section a location belongs to: the one with the longest path that contains it. */
export function sectionOf(location: string, sections: readonly Section[]): Section | undefined {
  return sections
    .filter((s) => (s.path === "/" ? location === "/" : location === s.path || location.startsWith(`${s.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
