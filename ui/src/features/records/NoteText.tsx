// A version of the SOAP note, read only (the signed note, a version in the history).
import { useTranslation } from "react-i18next";
import type { NoteVersion } from "../../api/generated";
import { SOAP_FIELDS, type SoapField } from "./model";

/** A version of the note, read only. */
export function NoteText({ note, testId }: { note: Pick<NoteVersion, SoapField>; testId?: string }) {
  const { t } = useTranslation();
  return (
    <dl className="flex flex-col gap-3" data-testid={testId}>
      {SOAP_FIELDS.map((field) => (
        <div key={field}>
          <dt className="text-xs font-semibold tracking-wide text-ink-600 uppercase">{t(`records.soap.${field}`)}</dt>
          <dd className="mt-0.5 text-[0.9375rem] break-words whitespace-pre-wrap text-ink-900" data-testid={testId ? `${testId}-${field}` : undefined}>
            {note[field].trim() === "" ? <span className="text-ink-500">{t("common.none")}</span> : note[field]}
          </dd>
        </div>
      ))}
    </dl>
  );
}
