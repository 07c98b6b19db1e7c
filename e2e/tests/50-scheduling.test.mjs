// Reception's scheduling flow, end to end on the real built app and ONE fresh encrypted
// database: a clinic with one doctor, two patients and a kiosk account is made with the
// clinicdesk CLI → reception books Maria Lopez by clicking an empty 14:00 slot of the day
// calendar → a second booking over it is refused with the store's message → Maria's
// appointment is dragged to 15:00 → the waiting-room display window is opened and the kiosk
// signs in there → reception checks Maria in and the display shows her ticket at once → the
// nurse signs in at the same PC, calls the next patient, and the display shows "now serving".
// Screenshots: artifacts/e2e/scheduling/<nn>-<step>.png
import assert from "node:assert/strict";
import fs from "node:fs";
import { cli, freshClinic, launchApp, screenshot } from "../lib/harness.mjs";
import { addUser, call, signIn } from "../lib/clinic.mjs";
import { story } from "../lib/story.mjs";
import { click, sel, shown, type, waitHidden, waitText } from "../lib/ui.mjs";

const ADMIN = { username: "admin", password: "violet tractor umbrella" };
const RECEPTION = { username: "reception", fullName: "Rosa Ricevimento", password: "copper kettle meadow 31" };
const NURSE = { username: "nurse", fullName: "Nadia Infermiera", password: "copper kettle meadow 32" };
const KIOSK = { username: "display", fullName: "Waiting Room", password: "copper kettle meadow 33" };
const DOCTOR = { username: "dr.bianchi", fullName: "Dr. Anna Bianchi", password: "copper kettle meadow 34" };

/**
 * A clinic zone where it is late morning now, so that 14:00 and 15:00 today are ahead
 * whenever the test runs (Etc/GMT-N is N hours ahead of UTC).
 */
function lateMorningZone(now = new Date()) {
  const offset = 11 - now.getUTCHours(); // -12 … +11
  if (offset === 0) return "Etc/GMT";
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/** Today's date in `zone`, YYYY-MM-DD. */
function todayIn(zone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

/** The calendar's 15-minute cell at `hh:mm` in the first doctor column (react-big-calendar's grid). */
async function slotAt(browser, hhmm) {
  const [hour, minute] = hhmm.split(":").map(Number);
  const labels = await browser.$$(".rbc-time-gutter .rbc-timeslot-group");
  let group = -1;
  for (let i = 0; i < labels.length; i += 1) {
    const label = (await browser.execute((el) => el.textContent ?? "", labels[i])).trim();
    const pm = hour > 12 ? `${hour - 12}:00 PM` : null;
    if (label === `${String(hour).padStart(2, "0")}:00` || label === `${hour}:00` || (pm && label.toUpperCase() === pm)) {
      group = i;
      break;
    }
  }
  assert.ok(group >= 0, `the calendar shows the hour ${hour}`);
  const column = browser.$(".rbc-time-content .rbc-day-slot");
  const groups = await column.$$(".rbc-timeslot-group");
  const cells = await groups[group].$$(".rbc-time-slot");
  const cell = cells[minute / 15];
  await cell.scrollIntoView({ block: "center" });
  return cell;
}

/**
 * A real mouse click at the middle of `el`. The grid's cells sit under the calendar's event
 * layer, which takes the mouse and works out the time from where it is (WebDriver's element
 * click refuses a covered element).
 */
async function clickAt(browser, el) {
  await browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ origin: el })
    .down({ button: 0 })
    .pause(50)
    .up({ button: 0 })
    .perform();
}

/**
 * Waits until the element's text content matches `re`. (The display dims an offline doctor's
 * card, and WebKit's rendered text of a faded element can come back empty: read the DOM.)
 */
async function waitContent(browser, testid, re, timeout = 15_000) {
  let last = "";
  await browser.waitUntil(
    async () => {
      const el = browser.$(sel(testid));
      if (!(await el.isExisting())) return false;
      last = String((await el.getProperty("textContent")) ?? "");
      return re.test(last);
    },
    { timeout, interval: 100, timeoutMsg: `${testid} never matched ${re} (last: "${last}")` },
  );
}

/**
 * Chooses a patient in a form's patient search: types the query, waits until the listed
 * results answer exactly it (a search runs once typing pauses; never click a row that is about
 * to be replaced), then picks the patient.
 */
async function pickPatient(browser, testid, query, mrn) {
  await type(browser, `${testid}-search`, query);
  await browser.waitUntil(
    async () => {
      const list = browser.$(sel(`${testid}-results`));
      if (!(await list.isExisting())) return false;
      return (await list.getAttribute("data-query")) === query && (await list.getAttribute("data-current")) === "true";
    },
    { timeout: 15_000, interval: 100, timeoutMsg: `the search for "${query}" never answered` },
  );
  await click(browser, `${testid}-hit-${mrn}`);
  await shown(browser, `${testid}-chosen`);
}

/** The appointment's event on the calendar (its data-testid holds the appointment id). */
async function eventOf(browser, id) {
  return shown(browser, `event-${id}`, 20_000);
}

story(
  "scheduling: book from the calendar, refused double booking, drag, check in, call next, live display",
  {
    setup: async () => {
      const clinic = freshClinic("scheduling");
      const zone = lateMorningZone();
      cli(clinic, ["init", "--clinic-name", "Ambulatorio E2E Agenda", "--admin-username", ADMIN.username, "--time-zone", zone, "--admin-password-stdin"], `${ADMIN.password}\n`);
      addUser(clinic, RECEPTION, "receptionist");
      addUser(clinic, NURSE, "nurse");
      addUser(clinic, KIOSK, "kiosk");
      addUser(clinic, DOCTOR, "doctor", ["--specialization", "General practice"]);
      const doctor = call(clinic, ADMIN, "list_staff", { role: "doctor" }).members[0];
      const blocks = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "07:00", end: "21:00", room: "Studio 3" }));
      call(clinic, ADMIN, "set_weekly_availability", { doctor_id: doctor.id, blocks });
      call(clinic, ADMIN, "save_visit_type", { name: "Consultation", minutes: 25, buffer_minutes: 5 });
      const register = (given_name, family_name, date_of_birth) =>
        call(clinic, RECEPTION, "register_patient", { patient: { given_name, family_name, sex: "female", date_of_birth }, acknowledge_duplicates: true });
      const maria = register("Maria", "Lopez", "1984-05-02");
      const luca = register("Luca", "Ferri", "1979-11-23");
      const app = await launchApp({ flow: "scheduling", clinic });
      return { clinic, zone, today: todayIn(zone), app, browser: app.browser, maria, luca, doctor, appointment: null };
    },
    teardown: async (ctx) => {
      await ctx?.app.close();
      if (ctx?.clinic) fs.rmSync(ctx.clinic.dir, { recursive: true, force: true });
    },
  },
  (step) => {
    step("reception signs in and opens today's calendar", async ({ browser, today }) => {
      await signIn(browser, RECEPTION);
      await shown(browser, "app-frame", 30_000);
      await click(browser, "nav-calendar");
      const calendar = await shown(browser, "calendar", 20_000);
      assert.equal(await calendar.getAttribute("data-view"), "day");
      assert.equal(await calendar.getAttribute("data-date"), today);
    });

    step("books Maria Lopez by clicking the empty 14:00 slot", async (ctx) => {
      const { browser, maria, app } = ctx;
      await clickAt(browser, await slotAt(browser, "14:00"));
      await shown(browser, "booking-dialog", 15_000);
      assert.equal(await (await shown(browser, "book-start-time")).getValue(), "14:00");
      await pickPatient(browser, "book-patient", "maria lopez", maria.mrn);
      await click(browser, "book-submit");
      await waitHidden(browser, "booking-dialog");
      const day = call(ctx.clinic, RECEPTION, "list_day", { date: ctx.today });
      assert.equal(day.appointments.length, 1);
      ctx.appointment = day.appointments[0];
      assert.equal(ctx.appointment.patient_name, "Maria Lopez");
      const event = await eventOf(browser, ctx.appointment.id);
      assert.match(await browser.execute((el) => el.textContent, event), /Maria Lopez/);
      await app.shot("booked");
    });

    step("a second booking over her is refused with the store's message", async ({ browser, luca, app }) => {
      await click(browser, "calendar-book");
      await shown(browser, "booking-dialog");
      await pickPatient(browser, "book-patient", "luca ferri", luca.mrn);
      const time = await shown(browser, "book-start-time");
      await time.selectByAttribute("value", "14:15");
      await click(browser, "book-submit");
      await waitText(browser, "error-starts_at", /Dr\. Anna Bianchi already has Maria Lopez 14:00–14:30/, 20_000);
      await app.shot("double-booking-refused");
      await browser.keys(["Escape"]);
      await waitHidden(browser, "booking-dialog");
    });

    step("drags Maria's appointment to 15:00", async (ctx) => {
      const { browser, app } = ctx;
      const event = await eventOf(browser, ctx.appointment.id);
      const target = await slotAt(browser, "15:00");
      // Grab the event by its top edge and let go at the top of the 15:00 cell: the calendar
      // keeps the grab point's offset within the event.
      // (The event's box is its .rbc-event ancestor; the grid rounds a point down to its cell.)
      const box = await browser.$(await browser.execute((el) => el.closest(".rbc-event"), event));
      const grab = -Math.floor((await box.getSize("height")) / 2) + 2;
      const drop = -Math.floor((await target.getSize("height")) / 2) + 5;
      await browser
        .action("pointer", { parameters: { pointerType: "mouse" } })
        .move({ origin: box, y: grab })
        .down({ button: 0 })
        .pause(150)
        .move({ origin: box, x: 12, y: grab, duration: 150 })
        .move({ origin: target, y: drop, duration: 400 })
        .pause(150)
        .up({ button: 0 })
        .perform();
      await browser.waitUntil(
        () => {
          const day = call(ctx.clinic, RECEPTION, "list_day", { date: ctx.today });
          return day.appointments[0]?.starts_at !== ctx.appointment.starts_at;
        },
        { timeout: 20_000, interval: 500, timeoutMsg: "the appointment was not moved" },
      );
      const moved = call(ctx.clinic, RECEPTION, "list_day", { date: ctx.today }).appointments[0];
      const shift = (Date.parse(moved.starts_at) - Date.parse(ctx.appointment.starts_at)) / 60_000;
      assert.equal(shift, 60, `moved one hour later (${ctx.appointment.starts_at} → ${moved.starts_at})`);
      ctx.appointment = moved;
      await app.shot("dragged-to-15");
    });

    step("opens the waiting-room display window and the kiosk signs in there", async (ctx) => {
      const { browser } = ctx;
      await click(browser, "nav-today");
      await shown(browser, "today-board", 20_000);
      ctx.main = await browser.getWindowHandle();
      await click(browser, "open-display");
      await browser.waitUntil(async () => (await browser.getWindowHandles()).length === 2, {
        timeout: 20_000,
        timeoutMsg: "the display window did not open",
      });
      ctx.display = (await browser.getWindowHandles()).find((h) => h !== ctx.main);
      await browser.switchToWindow(ctx.display);
      await signIn(browser, KIOSK);
      await shown(browser, "display-page", 30_000);
      await waitContent(browser, "display-doctor-0", /Dr\. Anna Bianchi/);
      assert.equal((await browser.$$('[data-testid^="display-ticket-"]')).length, 0, "nobody is waiting yet");
      await screenshot(browser, "scheduling", "05-display-empty");
    });

    step("reception checks Maria in: the display shows her ticket at once", async (ctx) => {
      const { browser } = ctx;
      await browser.switchToWindow(ctx.main);
      await click(browser, `check-in-${ctx.appointment.id}`);
      await waitText(browser, `ticket-${ctx.appointment.id}`, /1/, 15_000);
      await browser.switchToWindow(ctx.display);
      // Well inside the display's 15-second fallback poll: the clinic-changed event did it.
      await waitContent(browser, "display-ticket-1", /M\. L\./, 5_000);
      const page = String(await (await shown(browser, "display-page")).getProperty("textContent"));
      assert.match(page, /M\. L\./, "the display's text was read");
      assert.doesNotMatch(page, /Maria|Lopez|Consultation/, "the display shows no patient names or visit types");
      await screenshot(browser, "scheduling", "06-display-waiting");
    });

    step("the nurse calls the next patient: the display shows now serving", async (ctx) => {
      const { browser } = ctx;
      // The nurse takes over the reception PC: calling patients in is hers, not reception's.
      await browser.switchToWindow(ctx.main);
      assert.equal((await browser.$$(sel(`call-next-${DOCTOR.username}`))).length, 0, "reception cannot call patients in");
      await click(browser, "logout");
      await signIn(browser, NURSE);
      await shown(browser, "app-frame", 30_000);
      await click(browser, "nav-today");
      await click(browser, `call-next-${DOCTOR.username}`);
      await waitText(browser, `queue-with-${DOCTOR.username}`, /Maria Lopez/, 15_000);
      await browser.switchToWindow(ctx.display);
      await waitContent(browser, "display-serving-0", /1/, 5_000);
      await waitContent(browser, "display-availability-0", /busy/i, 5_000);
      assert.equal((await browser.$$('[data-testid^="display-ticket-"]')).length, 0, "nobody is waiting any more");
      await screenshot(browser, "scheduling", "07-display-serving");
      const stored = call(ctx.clinic, RECEPTION, "list_day", { date: ctx.today }).appointments[0];
      assert.equal(stored.status, "in_consultation");
    });
  },
);
