import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { errorMessage } from "../api/errors";
import { Banner } from "./Banner";
import { LoadingState } from "./States";

/**
 * The four states of a list read from Rust: loading, failed (with the error's message),
 * empty, and the list itself (rendered by `children` with the loaded data).
 */
export function QueryList<T>({
  query,
  loadingLabel,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  loadingLabel: string;
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loadingLabel} />;
  if (query.isError) {
    return (
      <div className="p-4">
        <Banner tone="error" testId="form-error">
          {errorMessage(query.error)}
        </Banner>
      </div>
    );
  }
  return <>{isEmpty(query.data) ? empty : children(query.data)}</>;
}
