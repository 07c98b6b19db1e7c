// Small, UI-agnostic helpers over a WebdriverIO browser, addressed by data-testid (the
// contract between the UI and these tests).
import { sleep } from "./harness.mjs";

export const sel = (testid) => `[data-testid="${testid}"]`;

/** Waits until the element is displayed and returns it. */
export async function shown(browser, testid, timeout = 15_000) {
  const el = browser.$(sel(testid));
  await el.waitForDisplayed({
    timeout,
    timeoutMsg: `[data-testid="${testid}"] not displayed within ${timeout} ms`,
  });
  return el;
}

/** True when no element with this testid is in the DOM at all. */
export async function absent(browser, testid) {
  return (await browser.$$(sel(testid)).length) === 0;
}

/** Waits until no element with this testid is in the DOM. */
export async function waitAbsent(browser, testid, timeout = 15_000) {
  await browser.waitUntil(() => absent(browser, testid), {
    timeout,
    interval: 200,
    timeoutMsg: `[data-testid="${testid}"] still in the DOM after ${timeout} ms`,
  });
}

/** Waits until no element with this testid is displayed (gone, or mounted but hidden). */
export async function waitHidden(browser, testid, timeout = 15_000) {
  await browser.waitUntil(
    async () => {
      for (const el of await browser.$$(sel(testid))) if (await el.isDisplayed()) return false;
      return true;
    },
    { timeout, interval: 150, timeoutMsg: `[data-testid="${testid}"] still displayed after ${timeout} ms` },
  );
}

export async function click(browser, testid) {
  const el = await shown(browser, testid);
  await el.waitForClickable({ timeout: 10_000 });
  await el.click();
}

/** Clears a text input and types `text` into it (real key events: React sees them). */
export async function type(browser, testid, text) {
  const el = await shown(browser, testid);
  await el.clearValue();
  // clearValue does not always fire React's onChange: select all + delete as well.
  if ((await el.getValue()) !== "") {
    await el.click();
    await browser.keys(["Control", "a"]);
    await browser.keys(["Delete"]);
  }
  await el.addValue(text);
  const value = await el.getValue();
  if (value !== text) throw new Error(`typed "${text}" into ${testid} but it holds "${value}"`);
}

/** Picks `value` in a native <select> (by option value, falling back to visible text). */
export async function choose(browser, testid, value) {
  const el = await shown(browser, testid);
  try {
    await el.selectByAttribute("value", value);
  } catch {
    await el.selectByVisibleText(value);
  }
  const now = await el.getValue();
  if (now !== value) {
    // Last resort for a controlled React select: set through the native setter + change event.
    await browser.execute(
      (selector, v) => {
        const s = document.querySelector(selector);
        const setter = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set;
        setter.call(s, v);
        s.dispatchEvent(new Event("change", { bubbles: true }));
      },
      sel(testid),
      value,
    );
  }
  const final = await el.getValue();
  if (final !== value) throw new Error(`could not choose "${value}" in ${testid} (it holds "${final}")`);
}

/** Sets a checkbox to `checked` by clicking it when needed. */
export async function setChecked(browser, testid, checked) {
  const el = await shown(browser, testid);
  if ((await el.isSelected()) !== checked) await el.click();
  await browser.waitUntil(async () => (await el.isSelected()) === checked, {
    timeout: 5_000,
    timeoutMsg: `${testid} did not become ${checked ? "checked" : "unchecked"}`,
  });
}

/** Fills a field that may be an <input> or a <select>; for a select, `value` may be null (keep default). */
export async function fill(browser, testid, value) {
  const el = await shown(browser, testid);
  const tag = (await el.getTagName()).toLowerCase();
  if (tag === "select") {
    if (value != null) await choose(browser, testid, value);
  } else if (value != null) {
    await type(browser, testid, value);
  }
}

export async function text(browser, testid) {
  return (await shown(browser, testid)).getText();
}

/** The visible text of the whole page. */
export async function pageText(browser) {
  return browser.execute(() => document.body.innerText);
}

/** Waits until `testid` shows text matching `re`; returns the text. */
export async function waitText(browser, testid, re, timeout = 15_000) {
  let last = "";
  await browser.waitUntil(
    async () => {
      const els = await browser.$$(sel(testid));
      if (els.length === 0) return false;
      last = await els[0].getText();
      return re.test(last);
    },
    { timeout, interval: 150, timeoutMsg: `${testid} never matched ${re} (last: "${last}")` },
  );
  return last;
}

/** Waits up to `timeout` for the first of `testids` to be displayed; returns its testid. */
export async function firstShown(browser, testids, timeout = 15_000) {
  let found = null;
  await browser.waitUntil(
    async () => {
      for (const id of testids) {
        const els = await browser.$$(sel(id));
        if (els.length && (await els[0].isDisplayed())) {
          found = id;
          return true;
        }
      }
      return false;
    },
    { timeout, interval: 150, timeoutMsg: `none of ${testids.join(", ")} displayed within ${timeout} ms` },
  );
  return found;
}

export { sleep };
