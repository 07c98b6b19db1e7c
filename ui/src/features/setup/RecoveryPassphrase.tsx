import { Check, Copy, Printer, ShieldCheck } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { CheckboxField } from "../../components/Field";

/**
 * The recovery passphrase, shown once. The print sheet below is only visible when printing
 * (see the print rules in styles.css), so a printout holds the passphrase and nothing else.
 */
export function RecoveryPassphrase({ passphrase, clinicName, onContinue }: { passphrase: string | null; clinicName: string; onContinue: () => void }) {
  const { t } = useTranslation();
  const [stored, setStored] = useState(false);
  const [copied, setCopied] = useState(false);
  const created = new Intl.DateTimeFormat(undefined, { dateStyle: "long" }).format(new Date());

  if (passphrase === null) {
    return (
      <div className="flex flex-col gap-5">
        <Banner tone="info">{t("recovery.none")}</Banner>
        <div className="flex justify-end">
          <Button variant="primary" size="lg" data-testid="recovery-continue" onClick={onContinue}>
            {t("recovery.continue")}
          </Button>
        </div>
      </div>
    );
  }

  const copy = () => {
    navigator.clipboard.writeText(passphrase).then(
      () => {
        setCopied(true);
      },
      () => {
        // No clipboard access: select the text so the user can copy it by hand.
        const node = document.querySelector('[data-testid="recovery-passphrase"]');
        if (node) window.getSelection()?.selectAllChildren(node);
      },
    );
  };

  return (
    <div className="flex flex-col gap-5">
      <p className="text-[0.9375rem] text-ink-700">{t("recovery.lead")}</p>
      <div className="rounded-lg border-2 border-accent-700/30 bg-accent-50 px-5 py-6 text-center no-print">
        <p className="mb-2 text-xs font-semibold tracking-wide text-accent-800 uppercase" id="recovery-label">
          {t("recovery.label")}
        </p>
        <p
          data-testid="recovery-passphrase"
          aria-labelledby="recovery-label"
          className="font-mono text-[1.75rem] leading-snug font-semibold tracking-[0.08em] break-words text-ink-900 select-all"
        >
          <PassphraseLines passphrase={passphrase} />
        </p>
        <div className="mt-4 flex justify-center gap-2">
          <Button icon={copied ? <Check aria-hidden="true" className="size-4" /> : <Copy aria-hidden="true" className="size-4" />} onClick={copy} data-testid="recovery-copy">
            {copied ? t("common.copied") : t("common.copy")}
          </Button>
          <Button icon={<Printer aria-hidden="true" className="size-4" />} onClick={() => { window.print(); }} data-testid="recovery-print">
            {t("common.print")}
          </Button>
        </div>
      </div>
      <p className="text-sm text-ink-600">{t("recovery.advice")}</p>
      <CheckboxField
        name="recovery_stored"
        label={t("recovery.stored")}
        checked={stored}
        testId="recovery-stored"
        onChange={(e) => {
          setStored(e.target.checked);
        }}
      />
      <div className="flex justify-end">
        <Button variant="primary" size="lg" disabled={!stored} data-testid="recovery-continue" icon={<ShieldCheck aria-hidden="true" className="size-5" />} onClick={onContinue}>
          {t("recovery.continue")}
        </Button>
      </div>

      <div className="print-sheet print-only" aria-hidden="true">
        <h1 className="text-2xl font-semibold">{t("recovery.printTitle")}</h1>
        <p className="mt-2">{t("recovery.printClinic", { name: clinicName })}</p>
        <p>{t("recovery.printDate", { date: created })}</p>
        <p className="mt-10 font-mono text-3xl font-semibold tracking-[0.08em] break-words">{passphrase}</p>
        <p className="mt-10 max-w-prose">{t("recovery.printNote")}</p>
      </div>
    </div>
  );
}

/** Two lines of three groups, so the passphrase never breaks at an arbitrary dash (the text, and
 * what a copy or a screen reader gets, stays the exact passphrase). */
function PassphraseLines({ passphrase }: { passphrase: string }) {
  const groups = passphrase.split("-");
  if (groups.length < 4) return passphrase;
  const half = Math.ceil(groups.length / 2);
  return (
    <>
      {groups.slice(0, half).join("-")}-
      <br />
      {groups.slice(half).join("-")}
    </>
  );
}
