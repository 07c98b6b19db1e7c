// Labelled form controls. Every control has a visible label; hints and errors are tied to it
// with aria-describedby, and errors carry data-testid="error-<field>" (the Rust field name).
import { Eye, EyeOff } from "lucide-react";
import { useId, useState, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { cn } from "./cn";

interface FieldFrameProps {
  label: ReactNode;
  /** The form field's name, which is also the Rust field name used for `error-<name>`. */
  name: string;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
  className?: string;
}

function describedBy(id: string, hint: unknown, error: unknown) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

function FieldFrame({ id, label, name, hint, error, optional, className, children }: FieldFrameProps & { id: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <label htmlFor={id} className="text-sm font-medium text-ink-800">
        {label}
        {optional ? <span className="ml-1.5 font-normal text-ink-500">({t("common.optional")})</span> : null}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-[0.8125rem] text-ink-500">
          {hint}
        </p>
      ) : null}
      {hint && error ? (
        <p id={`${id}-hint`} className="sr-only">
          {hint}
        </p>
      ) : null}
      {error ? <FieldError id={`${id}-error`} name={name} message={error} /> : null}
    </div>
  );
}

export function FieldError({ id, name, message }: { id?: string; name: string; message: string }) {
  return (
    <p id={id} data-testid={`error-${name}`} className="text-[0.8125rem] font-medium text-danger-700">
      {message}
    </p>
  );
}

/** The attributes every labelled control shares: identity, test id, error and hint wiring. */
function controlProps(id: string, name: string, testId: string | undefined, hint: ReactNode, error: string | undefined) {
  return {
    id,
    name,
    "data-testid": testId,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, hint, error),
  } as const;
}

type InputProps = FieldFrameProps & Omit<InputHTMLAttributes<HTMLInputElement>, "name"> & { ref?: Ref<HTMLInputElement>; testId?: string };

export function TextField({ label, name, hint, error, optional, className, testId, id: givenId, ...input }: InputProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldFrame id={id} label={label} name={name} hint={hint} error={error} optional={optional} className={className}>
      <input
        {...controlProps(id, name, testId, hint, error)}
        className="input"
        {...input}
      />
    </FieldFrame>
  );
}

export function PasswordField({ label, name, hint, error, optional, className, testId, id: givenId, ...input }: InputProps) {
  const { t } = useTranslation();
  const generated = useId();
  const id = givenId ?? generated;
  const [visible, setVisible] = useState(false);
  return (
    <FieldFrame id={id} label={label} name={name} hint={hint} error={error} optional={optional} className={className}>
      <div className="relative">
        <input
          {...controlProps(id, name, testId, hint, error)}
          type={visible ? "text" : "password"}
          className="input pr-11"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          {...input}
        />
        <button
          type="button"
          className="absolute inset-y-0 right-0 flex w-10 items-center justify-center rounded-r-md text-ink-500 hover:text-ink-800"
          aria-label={visible ? t("common.hidePassword") : t("common.showPassword")}
          aria-pressed={visible}
          onClick={() => {
            setVisible((v) => !v);
          }}
        >
          {visible ? <EyeOff aria-hidden="true" className="size-4.5" /> : <Eye aria-hidden="true" className="size-4.5" />}
        </button>
      </div>
    </FieldFrame>
  );
}

type SelectProps = FieldFrameProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name"> & { ref?: Ref<HTMLSelectElement>; testId?: string };

/** A native select: keyboard and screen reader behaviour for free, and easy to drive in tests. */
export function SelectField({ label, name, hint, error, optional, className, testId, id: givenId, children, ...select }: SelectProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldFrame id={id} label={label} name={name} hint={hint} error={error} optional={optional} className={className}>
      <select
        {...controlProps(id, name, testId, hint, error)}
        className="input"
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

type TextAreaProps = FieldFrameProps &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name"> & {
    ref?: Ref<HTMLTextAreaElement>;
    testId?: string;
    /** Classes of the box itself (e.g. growing with its text); `className` is the field's. */
    controlClassName?: string;
  };

export function TextAreaField({ label, name, hint, error, optional, className, controlClassName, testId, id: givenId, ...area }: TextAreaProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldFrame id={id} label={label} name={name} hint={hint} error={error} optional={optional} className={className}>
      <textarea
        {...controlProps(id, name, testId, hint, error)}
        className={cn("input min-h-20 resize-y", controlClassName)}
        {...area}
      />
    </FieldFrame>
  );
}

type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "type"> & {
  label: ReactNode;
  name: string;
  error?: string | undefined;
  testId?: string;
  ref?: Ref<HTMLInputElement>;
};

export function CheckboxField({ label, name, error, testId, className, id: givenId, ...input }: CheckboxProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <div className="flex items-start gap-2.5">
        <input
          id={id}
          name={name}
          type="checkbox"
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="mt-0.5 size-5 shrink-0 accent-accent-700"
          {...input}
        />
        <label htmlFor={id} className="text-[0.9375rem] text-ink-800">
          {label}
        </label>
      </div>
      {error ? <FieldError id={`${id}-error`} name={name} message={error} /> : null}
    </div>
  );
}
