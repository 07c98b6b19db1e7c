import { useMutation } from "@tanstack/react-query";
import { Building2, FlaskConical, LogIn, Network } from "lucide-react";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { DemoClinic } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Logo } from "../../components/Logo";
import { CenteredPage, Spinner } from "../../components/States";
import { JoinClinic } from "../sync/JoinClinic";
import { SetupWizard } from "./SetupWizard";

type Stage = { kind: "choose" } | { kind: "wizard" } | { kind: "join" } | { kind: "demo"; demo: DemoClinic };

/** A workstation without a clinic: set one up, join a clinic's central server, or create the demo clinic. */
export function FirstRun({ onFinished }: { onFinished: () => void }) {
  const { t } = useTranslation();
  const [stage, setStage] = useState<Stage>({ kind: "choose" });
  const demo = useMutation({
    mutationFn: () => call("create_demo_clinic", {}),
    onSuccess: (result) => {
      setStage({ kind: "demo", demo: result });
    },
  });

  if (stage.kind === "wizard") {
    return (
      <CenteredPage wide testId="setup-wizard">
        <div className="mx-auto max-w-2xl">
          <SetupWizard onBack={() => { setStage({ kind: "choose" }); }} onFinished={onFinished} />
        </div>
      </CenteredPage>
    );
  }

  if (stage.kind === "join") {
    return (
      <CenteredPage wide testId="join-clinic">
        <div className="mx-auto max-w-2xl">
          <JoinClinic onBack={() => { setStage({ kind: "choose" }); }} onFinished={onFinished} />
        </div>
      </CenteredPage>
    );
  }

  if (stage.kind === "demo") {
    return <DemoReady demo={stage.demo} onContinue={onFinished} />;
  }

  return (
    <CenteredPage wide testId="first-run">
      <div className="mx-auto max-w-4xl">
        <div className="mb-8 flex flex-col items-center text-center">
          <Logo className="size-14" />
          <h1 className="mt-4 text-3xl font-semibold tracking-tight text-ink-900">{t("firstRun.title")}</h1>
          <p className="mt-2 max-w-xl text-base text-ink-600">{t("firstRun.lead")}</p>
        </div>
        {demo.isError ? (
          <Banner tone="error" testId="form-error" className="mb-4">
            {errorMessage(demo.error)}
          </Banner>
        ) : null}
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <ChoiceCard
            testId="first-run-setup"
            icon={<Building2 aria-hidden="true" className="size-7" />}
            title={t("firstRun.setupTitle")}
            body={t("firstRun.setupBody")}
            primary
            disabled={demo.isPending}
            onClick={() => { setStage({ kind: "wizard" }); }}
          />
          <ChoiceCard
            testId="first-run-join"
            icon={<Network aria-hidden="true" className="size-7" />}
            title={t("firstRun.joinTitle")}
            body={t("firstRun.joinBody")}
            disabled={demo.isPending}
            onClick={() => { setStage({ kind: "join" }); }}
          />
          <ChoiceCard
            testId="first-run-demo"
            icon={demo.isPending ? <Spinner className="size-7" /> : <FlaskConical aria-hidden="true" className="size-7" />}
            title={demo.isPending ? t("firstRun.demoCreating") : t("firstRun.demoTitle")}
            body={t("firstRun.demoBody")}
            disabled={demo.isPending}
            onClick={() => { demo.mutate(); }}
          />
        </div>
      </div>
    </CenteredPage>
  );
}

function ChoiceCard({ testId, icon, title, body, primary = false, disabled, onClick }: { testId: string; icon: ReactNode; title: string; body: string; primary?: boolean; disabled: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      data-testid={testId}
      disabled={disabled}
      onClick={onClick}
      className={
        "group flex h-full flex-col items-start gap-3 rounded-xl border bg-white p-6 text-left shadow-xs transition-colors disabled:cursor-wait disabled:opacity-70 " +
        (primary ? "border-accent-700 ring-1 ring-accent-700 hover:bg-accent-50" : "border-ink-200 hover:border-ink-400 hover:bg-ink-50")
      }
    >
      <span className={"flex size-12 items-center justify-center rounded-lg " + (primary ? "bg-accent-700 text-white" : "bg-ink-100 text-ink-700")}>{icon}</span>
      <span className="text-lg font-semibold text-ink-900">{title}</span>
      <span className="text-[0.9375rem] text-ink-600">{body}</span>
    </button>
  );
}

function DemoReady({ demo, onContinue }: { demo: DemoClinic; onContinue: () => void }) {
  const { t } = useTranslation();
  return (
    <CenteredPage wide testId="demo-ready">
      <Card className="px-8 py-7">
        <h1 className="text-2xl font-semibold tracking-tight text-ink-900">{t("firstRun.demoDoneTitle")}</h1>
        <p className="mt-1 text-[0.9375rem] text-ink-600">{demo.clinic_name}</p>
        <Banner tone="warning" className="mt-4">
          {t("firstRun.demoDoneLead")}
        </Banner>
        <div className="mt-5 overflow-x-auto rounded-md border border-ink-200">
          <table className="data-table" data-testid="demo-users-table">
            <caption className="sr-only">{t("firstRun.demoTableCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("firstRun.demoUsername")}</th>
                <th scope="col">{t("firstRun.demoFullName")}</th>
                <th scope="col">{t("firstRun.demoRole")}</th>
                <th scope="col">{t("firstRun.demoPassword")}</th>
              </tr>
            </thead>
            <tbody>
              {demo.users.map((u) => (
                <tr key={u.username} data-testid={`demo-user-${u.username}`}>
                  <td className="font-mono font-medium text-ink-900">{u.username}</td>
                  <td>{u.full_name}</td>
                  <td>{t(`roles.${u.role}`)}</td>
                  <td className="font-mono select-all">{u.password}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {demo.recovery_passphrase ? (
          <p className="mt-4 text-sm text-ink-600">
            {t("recovery.label")}: <span className="font-mono text-ink-900 select-all" data-testid="demo-recovery-passphrase">{demo.recovery_passphrase}</span>
          </p>
        ) : null}
        <div className="mt-6 flex justify-end">
          <Button variant="primary" size="lg" data-testid="demo-continue" icon={<LogIn aria-hidden="true" className="size-5" />} onClick={onContinue}>
            {t("firstRun.continueToSignIn")}
          </Button>
        </div>
      </Card>
    </CenteredPage>
  );
}
