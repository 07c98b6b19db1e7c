import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Banner } from "./Banner";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmDialog({ open, title, body, confirmLabel, tone = "primary", busy = false, error, onConfirm, onClose }: ConfirmDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={title} size="sm" testId="confirm-dialog">
      <div className="text-[0.9375rem] text-ink-700">{body}</div>
      {error ? (
        <Banner tone="error" testId="form-error" className="mt-4">
          {error}
        </Banner>
      ) : null}
      <DialogActions>
        <Button onClick={onClose} data-autofocus>
          {t("common.cancel")}
        </Button>
        <Button variant={tone === "danger" ? "danger" : "primary"} busy={busy} onClick={onConfirm} data-testid="confirm-submit">
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
