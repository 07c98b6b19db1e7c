import { Component, type ReactNode } from "react";
import { FatalScreen } from "./FatalScreen";

/** A rendering bug must not leave a blank window: show what went wrong instead. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render(): ReactNode {
    if (this.state.error !== null) {
      return <FatalScreen error={this.state.error} />;
    }
    return this.props.children;
  }
}
