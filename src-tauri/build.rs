//! tauri.conf.json sits at the repository root (the root Cargo.toml is this app's package);
//! the capabilities live under src-tauri/capabilities, and the app's own commands are
//! listed explicitly so the ACL knows them.

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&["dispatch"]));
    if let Err(e) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri build script failed: {e:#}");
        std::process::exit(1);
    }
}
