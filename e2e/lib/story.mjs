// A sequential story on node:test: steps share one app (one fresh database) and run in
// order; once a step fails, the later steps are skipped (they would only fail for the same
// reason). Every step saves a screenshot named after it, also when it fails.
import { after, before, describe, it } from "node:test";

/**
 * story(name, { setup, teardown }, (step) => { step("title", async (ctx) => …) … })
 * `setup()` returns the context handed to every step; it must contain `app` (from launchApp).
 */
export function story(name, { setup, teardown }, define) {
  describe(name, { concurrency: 1 }, () => {
    let ctx = null;
    let failedAt = null;
    before(async () => {
      ctx = await setup();
    });
    after(async () => {
      await teardown(ctx);
    });
    let n = 0;
    const step = (title, fn, { timeout = 60_000 } = {}) => {
      const slug = `${String(++n).padStart(2, "0")}-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
      it(title, { timeout }, async (t) => {
        if (failedAt) {
          t.skip(`an earlier step failed: ${failedAt}`);
          return;
        }
        try {
          await fn(ctx);
          await ctx.app.screenshot(slug);
        } catch (e) {
          failedAt = title;
          await ctx.app.screenshot(`${slug}-FAILED`).catch(() => {});
          throw e;
        }
      });
    };
    define(step);
  });
}
