import { ExternalLink, TriangleAlert } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { DuplicateCandidate, PatientHit } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { useFormat } from "../../lib/format";
import { ageText, birthText, listName, reasonText, sexLabel } from "./model";

/**
 * Registered patients who may be the person being registered: open one of them instead, or
 * register anyway (the registration is then sent again with `acknowledge_duplicates`).
 */
export function DuplicatePrompt({
  candidates,
  name,
  editing,
  busy,
  onOpen,
  onConfirm,
  onClose,
}: {
  candidates: DuplicateCandidate[] | null;
  name: string;
  editing: boolean;
  busy: boolean;
  onOpen: (hit: PatientHit) => void;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = candidates ?? [];
  return (
    <Dialog
      open={candidates !== null}
      onClose={onClose}
      title={t("duplicates.title", { count: list.length })}
      description={editing ? t("duplicates.leadEdit", { name }) : t("duplicates.lead", { name })}
      size="lg"
      testId="duplicate-dialog"
    >
      <ul className="flex flex-col gap-3">
        {list.map(({ patient, reasons }) => (
          <li key={patient.id} data-testid={`duplicate-candidate-${patient.mrn}`} className="flex flex-wrap items-center gap-x-6 gap-y-3 rounded-lg border border-ink-200 px-4 py-3">
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="text-base font-semibold text-ink-900">{listName(patient)}</span>
                <span className="font-mono text-sm text-ink-600">{patient.mrn}</span>
                {patient.has_allergies ? (
                  <Badge tone="danger">
                    <TriangleAlert aria-hidden="true" className="size-3.5" />
                    {t("patients.allergyMarker")}
                  </Badge>
                ) : null}
              </div>
              <p className="mt-0.5 text-sm text-ink-700">
                {[sexLabel(t, patient.sex), `${ageText(t, patient)} · ${birthText(t, format, patient)}`, patient.phone].filter(Boolean).join(" · ")}
              </p>
              <ul className="mt-2 flex flex-wrap gap-1.5" aria-label={t("duplicates.reasonsLabel")}>
                {reasons.map((r) => (
                  <li key={r}>
                    <Badge tone="warn">{reasonText(t, r)}</Badge>
                  </li>
                ))}
              </ul>
            </div>
            <Button
              icon={<ExternalLink aria-hidden="true" className="size-4" />}
              data-testid={`duplicate-open-${patient.mrn}`}
              onClick={() => {
                onOpen(patient);
              }}
            >
              {t("duplicates.open")}
            </Button>
          </li>
        ))}
      </ul>
      <DialogActions>
        <Button onClick={onClose} data-autofocus data-testid="duplicate-back">
          {t("duplicates.back")}
        </Button>
        <Button variant="primary" busy={busy} onClick={onConfirm} data-testid="duplicate-register-anyway">
          {editing ? t("duplicates.saveAnyway") : t("duplicates.registerAnyway")}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
