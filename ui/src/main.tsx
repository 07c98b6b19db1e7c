import "@fontsource-variable/inter";
import "@fontsource-variable/jetbrains-mono";
import "./styles.css";
import "./lib/zod-config";
import "./i18n";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createQueryClient } from "./api/queries";
import { App } from "./app/App";
import { ErrorBoundary } from "./app/ErrorBoundary";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <App queryClient={createQueryClient()} />
    </ErrorBoundary>
  </StrictMode>,
);
