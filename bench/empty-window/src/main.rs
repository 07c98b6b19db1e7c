//! An empty Tauri window: nothing but the webview showing dist/index.html.
fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("the empty window could not start: {e}");
        std::process::exit(1);
    }
}
