// The note's version history (`Encounter.history`, append-only): the signed original, every
// amendment with who, when and why and what it changed, and the drafts before signing. Nothing
// is ever overwritten, so any version can be read as it was.
import { ChevronDown, ChevronRight, History } from "lucide-react";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { NoteVersion } from "../../api/generated";
import { Badge, type Tone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { cn } from "../../components/cn";
import { useFormat } from "../../lib/format";
import { SOAP_FIELDS, type SoapField } from "./model";
import { NoteText } from "./NoteText";

const kindTone: Record<NoteVersion["kind"], Tone> = { draft: "neutral", signed: "ok", amendment: "info" };

/** The sections an amendment changed, compared with the version before it. */
function changedSections(version: NoteVersion, before: NoteVersion | undefined): SoapField[] {
  if (!before) return [];
  return SOAP_FIELDS.filter((f) => version[f] !== before[f]);
}

export function NoteHistory({ history }: { history: readonly NoteVersion[] }) {
  const { t } = useTranslation();
  const amendments = history.filter((v) => v.kind === "amendment").length;
  // Open by default once the note was amended (until the reader folds it).
  const [folded, setOpen] = useState<boolean | null>(null);
  const open = folded ?? amendments > 0;
  const [showDrafts, setShowDrafts] = useState(false);
  const id = useId();
  if (history.length === 0) return null;
  const signedIndex = history.findIndex((v) => v.kind === "signed");
  const drafts = history.filter((v) => v.kind === "draft");
  // Newest first; drafts before a signature fold away behind one line.
  const shown = [...history].reverse().filter((v) => v.kind !== "draft" || signedIndex < 0 || showDrafts);
  return (
    <section aria-labelledby={`${id}-title`} className="border-t border-ink-100 bg-ink-50/50" data-testid="note-history">
      <h3 id={`${id}-title`} className="m-0">
        <button
          type="button"
          className="flex w-full items-center gap-2 px-5 py-2.5 text-left text-sm font-semibold text-ink-800 hover:bg-ink-100"
          aria-expanded={open}
          aria-controls={`${id}-list`}
          data-testid="note-history-toggle"
          onClick={() => {
            setOpen(!open);
          }}
        >
          {open ? <ChevronDown aria-hidden="true" className="size-4" /> : <ChevronRight aria-hidden="true" className="size-4" />}
          <History aria-hidden="true" className="size-4 text-ink-500" />
          {t("records.history.title")}
          <span className="font-normal text-ink-600">
            {amendments > 0 ? t("records.history.summaryAmended", { versions: history.length, count: amendments }) : t("records.history.summary", { count: history.length })}
          </span>
        </button>
      </h3>
      <div id={`${id}-list`} hidden={!open} className="px-5 pb-4">
        <ol className="flex flex-col gap-2.5">
          {shown.map((v) => {
            const before = history[v.version - 2];
            return <VersionEntry key={v.version} version={v} changed={v.kind === "amendment" ? changedSections(v, before) : []} before={before} amendmentNumber={history.filter((x) => x.kind === "amendment" && x.version <= v.version).length} />;
          })}
        </ol>
        {signedIndex >= 0 && drafts.length > 0 ? (
          <Button
            size="xs"
            variant="ghost"
            className="mt-2"
            aria-expanded={showDrafts}
            data-testid="note-history-drafts"
            onClick={() => {
              setShowDrafts((s) => !s);
            }}
          >
            {showDrafts ? t("records.history.hideDrafts") : t("records.history.showDrafts", { count: drafts.length })}
          </Button>
        ) : null}
      </div>
    </section>
  );
}

function VersionEntry({ version: v, changed, before, amendmentNumber }: { version: NoteVersion; changed: SoapField[]; before: NoteVersion | undefined; amendmentNumber: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [whole, setWhole] = useState(false);
  const id = useId();
  const title = v.kind === "amendment" ? t("records.history.amendment", { number: amendmentNumber }) : t(`records.history.kind.${v.kind}`);
  return (
    <li className={cn("rounded-md border bg-white px-3.5 py-2.5", v.kind === "signed" ? "border-ok-700/30" : v.kind === "amendment" ? "border-accent-700/25" : "border-ink-200")} data-testid={`note-version-${String(v.version)}`} data-kind={v.kind}>
      <div className="flex flex-wrap items-baseline gap-x-2.5 gap-y-1">
        <Badge tone={kindTone[v.kind]}>{title}</Badge>
        <span className="text-[0.8125rem] text-ink-700" data-testid={`note-version-${String(v.version)}-by`}>
          {t("records.history.by", { version: v.version, name: v.author_name })} · <time dateTime={v.written_at}>{format.dateTime(v.written_at)}</time>
        </span>
      </div>
      {v.kind === "amendment" ? (
        <>
          <p className="mt-1.5 text-[0.9375rem] text-ink-900" data-testid={`note-version-${String(v.version)}-reason`}>
            <span className="font-semibold">{t("records.history.reason")}</span> {v.reason}
          </p>
          {changed.length === 0 ? (
            <p className="mt-1 text-[0.8125rem] text-ink-600">{t("records.history.nothingChanged")}</p>
          ) : (
            <dl className="mt-2 flex flex-col gap-2" data-testid={`note-version-${String(v.version)}-changes`}>
              {changed.map((f) => (
                <div key={f}>
                  <dt className="text-xs font-semibold tracking-wide text-ink-600 uppercase">{t("records.history.changedSection", { section: t(`records.soap.${f}`) })}</dt>
                  <dd className="mt-1 grid gap-1.5 text-[0.875rem] md:grid-cols-2">
                    <div className="rounded bg-ink-50 px-2.5 py-1.5 ring-1 ring-ink-200 ring-inset">
                      <span className="block text-[0.75rem] font-semibold text-ink-600">{t("records.history.before")}</span>
                      <span className="break-words whitespace-pre-wrap text-ink-700" data-testid={`note-version-${String(v.version)}-before-${f}`}>
                        {before?.[f] === "" || before === undefined ? t("common.none") : before[f]}
                      </span>
                    </div>
                    <div className="rounded bg-accent-50 px-2.5 py-1.5 ring-1 ring-accent-700/20 ring-inset">
                      <span className="block text-[0.75rem] font-semibold text-accent-800">{t("records.history.after")}</span>
                      <span className="break-words whitespace-pre-wrap text-ink-900" data-testid={`note-version-${String(v.version)}-after-${f}`}>
                        {v[f] === "" ? t("common.none") : v[f]}
                      </span>
                    </div>
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </>
      ) : null}
      <Button
        size="xs"
        variant="ghost"
        className="mt-1.5 -ml-2"
        aria-expanded={whole}
        aria-controls={`${id}-whole`}
        data-testid={`note-version-${String(v.version)}-toggle`}
        onClick={() => {
          setWhole((w) => !w);
        }}
      >
        {whole ? t("records.history.hideWhole") : t("records.history.showWhole")}
      </Button>
      <div id={`${id}-whole`} hidden={!whole} className="mt-1 border-t border-ink-100 pt-2">
        {whole ? <NoteText note={v} /> : null}
      </div>
    </li>
  );
}
