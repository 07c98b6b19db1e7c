// The app's sections: one list feeds the navigation, the routes and the command palette.
// A section the role lacks is left out of the navigation and its route says so (Rust refuses
// the commands anyway).
import type { LucideIcon } from "lucide-react";
import { Building2, House, Info, KeyRound, ScrollText, Users } from "lucide-react";
import type { ComponentType } from "react";
import type { Permission } from "../../api/generated";
import { AboutPage } from "../about/AboutPage";
import { ChangePasswordPage } from "../account/ChangePasswordPage";
import { AuditPage } from "../audit/AuditPage";
import { HomePage } from "../home/HomePage";
import { ClinicSettingsPage } from "../settings/ClinicSettingsPage";
import { UsersPage } from "../users/UsersPage";

export type SectionId = "home" | "users" | "settings" | "audit" | "account" | "about";

export interface Section {
  id: SectionId;
  path: string;
  /** null: everyone signed in. */
  permission: Permission | null;
  group: "main" | "admin" | "personal";
  icon: LucideIcon;
  component: ComponentType;
}

export const SECTIONS: readonly Section[] = [
  { id: "home", path: "/", permission: null, group: "main", icon: House, component: HomePage },
  { id: "users", path: "/users", permission: "users.manage", group: "admin", icon: Users, component: UsersPage },
  { id: "settings", path: "/settings", permission: "settings.manage", group: "admin", icon: Building2, component: ClinicSettingsPage },
  { id: "audit", path: "/audit", permission: "audit.view", group: "admin", icon: ScrollText, component: AuditPage },
  { id: "account", path: "/account", permission: null, group: "personal", icon: KeyRound, component: ChangePasswordPage },
  { id: "about", path: "/about", permission: null, group: "personal", icon: Info, component: AboutPage },
];

export function allowedSections(permissions: ReadonlySet<Permission>): Section[] {
  return SECTIONS.filter((s) => s.permission === null || permissions.has(s.permission));
}
