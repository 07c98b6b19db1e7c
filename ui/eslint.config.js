import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/api/generated.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  reactHooks.configs.flat.recommended,
  jsxA11y.flatConfigs.strict,
  {
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // Our field components forward autoFocus to the one obvious first field of a screen.
      "jsx-a11y/no-autofocus": ["error", { ignoreNonDOM: true }],
      // Every label in this code base wraps or names its control through the Field component.
      "jsx-a11y/label-has-associated-control": ["error", { assert: "either", controlComponents: ["input", "select", "textarea"] }],
    },
  },
  // Only `src/api/gateway.ts` may import `invoke` (the one typed gateway to Rust).
  {
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/api/gateway.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "@tauri-apps/api/core", message: "Call Rust through src/api/gateway.ts (`call`)." }] },
      ],
    },
  },
  {
    files: ["eslint.config.js", "screenshots/**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
);
