// An image chosen from disk and kept as a data URL (patient photo, prescription signature): PNG or
// JPEG at most 256 KB, checked before anything is sent (Rust checks again, magic bytes included).
import { ImageUp, Trash2 } from "lucide-react";
import { useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { MAX_IMAGE_BYTES } from "../lib/validation";
import { Button } from "./Button";
import { cn } from "./cn";
import { FieldError } from "./Field";

export interface ImageFieldProps {
  label: string;
  /** The Rust field name (for `error-<name>`). */
  name: string;
  value: string;
  onChange: (dataUrl: string) => void;
  /** A problem with the chosen file (wrong type, too big), or null when a good one was read. */
  onProblem: (message: string | null) => void;
  error?: string | undefined;
  hint: string;
  previewAlt: string;
  testId: string;
  className?: string;
  previewClassName?: string;
}

export function ImageField({ label, name, value, onChange, onProblem, error, hint, previewAlt, testId, className, previewClassName }: ImageFieldProps) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  const pick = (file: File | undefined) => {
    if (!file) return;
    if (file.type !== "image/png" && file.type !== "image/jpeg") {
      onProblem(t("image.wrongType"));
      return;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      onProblem(t("image.tooBig", { size: Math.ceil(file.size / 1024) }));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      if (typeof reader.result === "string") {
        onProblem(null);
        onChange(reader.result);
      }
    };
    reader.readAsDataURL(file);
  };

  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <span className="text-sm font-medium text-ink-800" id={`${id}-label`}>
        {label}
        <span className="ml-1.5 font-normal text-ink-500">({t("common.optional")})</span>
      </span>
      <div className="flex flex-wrap items-center gap-4">
        <div className={cn("flex items-center justify-center rounded-md border border-dashed border-ink-300 bg-ink-50 p-2", previewClassName ?? "h-20 w-40")}>
          {value ? (
            <img src={value} alt={previewAlt} className="max-h-full max-w-full object-contain" data-testid={`${testId}-preview`} />
          ) : (
            <span className="text-center text-sm text-ink-500">{t("image.none")}</span>
          )}
        </div>
        <div className="flex min-w-0 flex-col gap-2">
          <div className="flex flex-wrap gap-2">
            <input
              ref={input}
              type="file"
              accept="image/png,image/jpeg"
              className="sr-only"
              aria-labelledby={`${id}-label`}
              data-testid={`${testId}-file`}
              tabIndex={-1}
              onChange={(e) => {
                pick(e.target.files?.[0]);
                e.target.value = "";
              }}
            />
            <Button icon={<ImageUp aria-hidden="true" className="size-4" />} onClick={() => input.current?.click()} aria-describedby={`${id}-hint`} data-testid={`${testId}-choose`}>
              {t("image.choose")}
            </Button>
            {value ? (
              <Button
                variant="ghost"
                icon={<Trash2 aria-hidden="true" className="size-4" />}
                data-testid={`${testId}-remove`}
                onClick={() => {
                  onProblem(null);
                  onChange("");
                }}
              >
                {t("image.remove")}
              </Button>
            ) : null}
          </div>
          <p id={`${id}-hint`} className="text-[0.8125rem] text-ink-500">
            {hint}
          </p>
        </div>
      </div>
      {error ? <FieldError name={name} message={error} /> : null}
    </div>
  );
}
