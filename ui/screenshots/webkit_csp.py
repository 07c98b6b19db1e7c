#!/usr/bin/python3
"""Runs the built UI in WebKitGTK (the engine of the Tauri window on Linux) under the app's CSP,
walks through the main screens, and reports CSP violations and console errors.

Started by webkit-check.mjs (which serves dist/ with the CSP header and bundles the fake IPC):
    xvfb-run -a /usr/bin/python3 webkit_csp.py URL MOCK_JS OUT_DIR
Needs the Debian packages python3-gi and gir1.2-webkit2-4.1.
"""
import json
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

url, mock_path, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out_dir, exist_ok=True)
scenario = json.dumps({"state": "demo"})
with open(mock_path, encoding="utf-8") as f:
    mock = f.read()

SET_VALUE = """
(function (testid, value) {
  const el = document.querySelector('[data-testid="' + testid + '"]');
  if (!el) throw new Error('no ' + testid);
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
})
"""

def fill(testid, value):
    return f"{SET_VALUE}({json.dumps(testid)}, {json.dumps(value)})"

def click(testid):
    return f"document.querySelector('[data-testid=\"{testid}\"]').click()"

def key(k, ctrl=False):
    return f"window.dispatchEvent(new KeyboardEvent('keydown', {{ key: {json.dumps(k)}, ctrlKey: {str(ctrl).lower()}, bubbles: true }}))"

# (javascript to run, name of the snapshot to take afterwards or None)
STEPS = [
    (None, "login"),
    (fill("login-username", "admin"), None),
    (fill("login-password", "blue lantern orchid 47"), None),
    (click("login-submit"), "home"),
    (click("nav-users"), "users"),
    (click("user-create"), None),
    (fill("user-role", "doctor"), "user-dialog"),
    (click("user-submit"), "user-dialog-errors"),
    ("document.querySelector('dialog[open]').close()", None),
    (click("nav-settings"), "settings"),
    (click("nav-audit"), "audit"),
    (key("k", ctrl=True), "palette"),
    ("document.querySelector('dialog[open]').close()", None),
    (key("l", ctrl=True), "lock"),
]

window = Gtk.OffscreenWindow()
window.set_default_size(1366, 768)
manager = WebKit2.UserContentManager()
manager.add_script(
    WebKit2.UserScript.new(
        f"window.__CLINICDESK_SCENARIO__ = {scenario};\n{mock}",
        WebKit2.UserContentInjectedFrames.TOP_FRAME,
        WebKit2.UserScriptInjectionTime.START,
        None,
        None,
    )
)
view = WebKit2.WebView.new_with_user_content_manager(manager)
settings = view.get_settings()
settings.set_enable_write_console_messages_to_stdout(True)
window.add(view)
window.show_all()

results = {"errors": []}
step = 0

def snapshot(name, then):
    def done(webview, res):
        try:
            surface = webview.get_snapshot_finish(res)
            surface.write_to_png(os.path.join(out_dir, f"{name}.png"))
        except Exception as e:  # noqa: BLE001
            results["errors"].append(f"snapshot {name}: {e}")
        then()
    view.get_snapshot(WebKit2.SnapshotRegion.VISIBLE, WebKit2.SnapshotOptions.NONE, None, done)

def run_js(script, then):
    def done(webview, res):
        try:
            value = webview.evaluate_javascript_finish(res)
            then(value)
        except Exception as e:  # noqa: BLE001
            results["errors"].append(f"step {step}: {e}")
            then(None)
    view.evaluate_javascript(script, -1, None, None, None, done)

def next_step():
    global step
    if step >= len(STEPS):
        finish()
        return
    script, name = STEPS[step]
    step += 1
    def after_script(_value=None):
        # Give React and the fake backend a moment to settle.
        GLib.timeout_add(700, lambda: (snapshot(name, next_step) if name else next_step(), False)[1])
    if script:
        run_js(script, after_script)
    else:
        after_script()

def finish():
    probe = "JSON.stringify({csp: window.__cspViolations || [], frame: !!document.querySelector('[data-testid=\"app-frame\"]'), lock: !!document.querySelector('[data-testid=\"lock-screen\"]'), fonts: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)})"
    # A control: an injected <style> and a style attribute must be refused, proving the CSP is on.
    control = "(() => { console.log('--- control ---'); const s = document.createElement('style'); s.textContent = 'body { outline: 1px solid red }'; document.head.appendChild(s); document.body.setAttribute('style', 'color: red'); })()"
    def report(value):
        data = json.loads(value.to_string()) if value else {}
        results.update(data)
        def after_control(_v):
            def count(v):
                results["control_violations"] = len(json.loads(v.to_string())) - len(results.get("csp", [])) if v else 0
                print("WEBKIT_RESULT " + json.dumps(results), flush=True)
                Gtk.main_quit()
            GLib.timeout_add(500, lambda: (run_js("JSON.stringify(window.__cspViolations || [])", count), False)[1])
        run_js(control, after_control)
    run_js(probe, report)

def on_load(webview, event):
    if event == WebKit2.LoadEvent.FINISHED:
        GLib.timeout_add(1200, lambda: (next_step(), False)[1])

view.connect("load-changed", on_load)
view.load_uri(url)
GLib.timeout_add_seconds(90, lambda: (results["errors"].append("timeout"), finish(), False)[2])
Gtk.main()
