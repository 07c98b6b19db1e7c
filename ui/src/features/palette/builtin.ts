import { Lock, LogOut } from "lucide-react";
import { allowedSections } from "../shell/sections";
import { registerPaletteProvider } from "./registry";

/** Sections the user may open, and the session actions. */
export function registerBuiltinPaletteProviders(): () => void {
  const offSections = registerPaletteProvider({
    id: "sections",
    order: 0,
    heading: (t) => t("palette.groupNavigation"),
    items: (ctx) =>
      allowedSections(ctx.permissions).map((s) => ({
        id: `section:${s.id}`,
        label: ctx.t(`nav.${s.id}`),
        keywords: s.id === "account" ? ["password", "account"] : [s.id],
        icon: s.icon,
        perform: () => {
          ctx.navigate(s.path);
        },
      })),
  });
  const offActions = registerPaletteProvider({
    id: "session-actions",
    order: 100,
    heading: (t) => t("palette.groupActions"),
    items: (ctx) => [
      { id: "action:lock", label: ctx.t("palette.lockNow"), keywords: ["lock"], hint: ctx.t("palette.lockHint"), icon: Lock, perform: ctx.lockNow },
      { id: "action:logout", label: ctx.t("palette.logout"), keywords: ["logout", "sign out"], icon: LogOut, perform: ctx.signOut },
    ],
  });
  return () => {
    offSections();
    offActions();
  };
}
