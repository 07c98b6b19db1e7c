import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { CommandError } from "./gateway";
import type { ErrorCode } from "./generated";

export function isCommandError(error: unknown, code?: ErrorCode): error is CommandError {
  return error instanceof CommandError && (code === undefined || error.code === code);
}

/** Rust messages are lower-case sentence fragments ("enter your password"); show them as sentences. */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === "") return trimmed;
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/** The text for a failure that is not about one field. */
export function errorMessage(error: unknown): string {
  if (error instanceof CommandError) return sentence(error.message);
  if (error instanceof Error) return sentence(error.message);
  return String(error);
}

/**
 * The form field a Rust field names: itself, or without one of `prefixes` — a command whose
 * input nests the form's values (`patient.given_name`, `allergy.substance`) names them by path.
 */
export function formFieldOf<F extends string>(field: string, fields: readonly F[], prefixes: readonly string[] = []): F | undefined {
  const candidates = [field, ...prefixes.filter((p) => field.startsWith(p)).map((p) => field.slice(p.length))];
  return fields.find((f) => candidates.includes(f));
}

/**
 * Puts a command's error next to the field it names (form fields carry the Rust field names).
 * Returns the message for the form's banner when no field of this form matches, else null.
 */
export function applyCommandError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
  prefixes: readonly string[] = [],
): string | null {
  if (error instanceof CommandError && error.field !== undefined) {
    const field = formFieldOf(error.field, fields, prefixes);
    if (field !== undefined) {
      setError(field, { type: "server", message: sentence(error.message) }, { shouldFocus: true });
      return null;
    }
  }
  return errorMessage(error);
}
