// Rust refuses a time outside the doctor's availability, or one when the patient has another
// appointment, and says why; reception may go ahead anyway. This asks, with Rust's words.
import { TriangleAlert } from "lucide-react";
import { useTranslation } from "react-i18next";
import { sentence } from "../../api/errors";
import { Button } from "../../components/Button";
import type { Confirmable } from "./model";

export interface Override {
  field: Confirmable;
  message: string;
}

export function OverridePrompt({ override, busy, onConfirm, onDismiss }: { override: Override; busy: boolean; onConfirm: () => void; onDismiss: () => void }) {
  const { t } = useTranslation();
  return (
    <div role="alert" data-testid={`prompt-${override.field}`} className="flex flex-col gap-3 rounded-md border border-warn-700/30 bg-warn-50 px-3.5 py-3 text-sm text-warn-700">
      <p className="flex gap-2.5">
        <TriangleAlert aria-hidden="true" className="mt-0.5 size-5 shrink-0" />
        <span data-testid="prompt-message">{sentence(override.message)}</span>
      </p>
      <div className="flex flex-wrap justify-end gap-2">
        <Button size="sm" onClick={onDismiss} data-testid="prompt-dismiss">
          {t("calendar.override.change")}
        </Button>
        <Button size="sm" variant="primary" busy={busy} onClick={onConfirm} data-testid="prompt-confirm">
          {override.field === "outside_availability" ? t("calendar.override.outside") : t("calendar.override.overlap")}
        </Button>
      </div>
    </div>
  );
}
