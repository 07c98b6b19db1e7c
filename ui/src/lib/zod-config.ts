// Zod compiles object parsers with `new Function` unless told not to. The app's CSP has no
// 'unsafe-eval', so even Zod's guarded probe shows up as a CSP violation: run it jitless.
import { z } from "zod";

z.config({ jitless: true });
